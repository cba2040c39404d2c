import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers may import only layers below them (DESIGN.md). */
const below = {
  sim: [],
  image: ['sim'],
  mips: ['sim'],
  soc: ['sim', 'mips'],
  board: ['sim', 'mips', 'soc'],
  config: ['sim', 'image'],
  hv: ['sim', 'mips', 'soc', 'board', 'image', 'config'],
  debug: ['sim', 'mips', 'soc', 'image'],
  machine: ['sim', 'mips', 'soc', 'board', 'image', 'config', 'hv', 'debug'],
  web: ['sim', 'mips', 'soc', 'board', 'image', 'config', 'hv', 'debug', 'machine'],
};
const layers = Object.keys(below);
const all = [...layers, 'cli'];

function layerRule(layer) {
  const forbidden = all.filter((l) => l !== layer && !below[layer].includes(l));
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...forbidden.map((l) => ({ group: [`**/${l}/*`, `../${l}`, `../../${l}`], message: `${layer}/ must not import ${l}/ (layers point down only)` })),
          { group: ['node:*', 'fs', 'path', 'process', 'net', 'child_process', 'os'], message: 'only cli/ may use Node APIs' },
        ],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'guests/prebuilt/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-fallthrough': 'error',
    },
  },
  ...layers.map(layerRule),
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);

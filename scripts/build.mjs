// Bundles the TypeScript sources into dist/ with esbuild. The emulator's hot loop is several
// times faster bundled than loaded module by module (imported bindings cost a check per use),
// so the CLI and the benchmark always run from the bundle. Rebuilds only when sources changed.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = { tinyvp: 'src/cli/main.ts', bench: 'bench/bench.ts' };

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/<name>.mjs if it is missing or older than any source; returns its path. */
export async function ensureBuilt(name = 'tinyvp') {
  const out = join(root, 'dist', `${name}.mjs`);
  const entry = join(root, ENTRIES[name]);
  if (!existsSync(entry)) throw new Error(`no entry ${entry}`);
  const srcTime = Math.max(newest(join(root, 'src')), existsSync(join(root, 'bench')) ? newest(join(root, 'bench')) : 0);
  if (existsSync(out) && statSync(out).mtimeMs >= srcTime) return out;
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'error',
  });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(ENTRIES)) {
    if (existsSync(join(root, ENTRIES[name]))) await ensureBuilt(name);
  }
}

// Builds the browser playground into dist/web/ (or the folder given): the page, its bundle
// (src/web/main.ts with esbuild, for the browser), xterm's stylesheet, and the files the page
// fetches to build its systems: examples/<dir>/config.file and the prebuilt guest ELFs.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The guest files a config names (`elf = path` lines), relative to its folder. */
function guestPaths(configText) {
  return [...configText.matchAll(/^\s*(?:elf|binary)\s*=\s*(\S+)/gm)].map((m) => m[1]);
}

export async function buildWeb(out = join(root, 'dist', 'web')) {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'src/web/main.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'error',
  });
  for (const f of readdirSync(join(root, 'src/web/static'))) copyFileSync(join(root, 'src/web/static', f), join(out, f));
  copyFileSync(join(root, 'node_modules/@xterm/xterm/css/xterm.css'), join(out, 'xterm.css'));
  for (const dir of readdirSync(join(root, 'examples'), { withFileTypes: true })) {
    const config = join(root, 'examples', dir.name, 'config.file');
    if (!dir.isDirectory() || dir.name === 'reference') continue;
    let text;
    try { text = readFileSync(config, 'utf8'); } catch { continue; }
    mkdirSync(join(out, 'examples', dir.name), { recursive: true });
    copyFileSync(config, join(out, 'examples', dir.name, 'config.file'));
    for (const g of guestPaths(text)) {
      const from = resolve(root, 'examples', dir.name, g);
      const to = resolve(out, 'examples', dir.name, g);
      if (!to.startsWith(out)) throw new Error(`${config}: guest ${g} lies outside the site`);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildWeb(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`tinyvp: playground built in ${out}`);
}

// Builds the browser playground into dist/web/ (or the folder given): the page, its bundle
// (src/web/main.ts with esbuild, for the browser), xterm's stylesheet, and the files the page
// fetches to build its systems: examples/<dir>/config.file and guests/prebuilt/*.elf (all of
// them, so an edited configuration can name any prebuilt guest).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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
    if (!dir.isDirectory() || dir.name === 'reference' || !existsSync(config)) continue;
    mkdirSync(join(out, 'examples', dir.name), { recursive: true });
    copyFileSync(config, join(out, 'examples', dir.name, 'config.file'));
  }
  mkdirSync(join(out, 'guests', 'prebuilt'), { recursive: true });
  for (const f of readdirSync(join(root, 'guests', 'prebuilt'))) {
    if (f.endsWith('.elf')) copyFileSync(join(root, 'guests', 'prebuilt', f), join(out, 'guests', 'prebuilt', f));
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildWeb(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`tinyvp: playground built in ${out}`);
}

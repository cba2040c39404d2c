// Serves a folder (default dist/web) on loopback for the playground: `npm run web`.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.file': 'text/plain; charset=utf-8' };

/** Starts the server; resolves to it once it listens (`port` 0 picks a free one). */
export function serve(dir, port = 8080) {
  const base = resolve(dir);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== base && !file.startsWith(base + sep)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const port = Number(process.env.PORT ?? 8080);
  try {
    const server = await serve(process.argv[2] ?? join(root, 'dist', 'web'), port);
    console.log(`tinyvp playground: http://127.0.0.1:${server.address().port}/  (Ctrl-C stops)`);
  } catch (e) {
    console.error(`tinyvp: cannot serve on port ${port}: ${e.message}${e.code === 'EADDRINUSE' ? ' (set PORT=…)' : ''}`);
    process.exit(2);
  }
}

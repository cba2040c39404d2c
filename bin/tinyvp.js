#!/usr/bin/env node
// Runs the CLI from the esbuild bundle in dist/, rebuilt first when the sources are newer.
import { ensureBuilt } from '../scripts/build.mjs';
// A closed pipe (e.g. `tinyvp run ... | head`) ends the run quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
const { main } = await import(await ensureBuilt('tinyvp'));
process.exitCode = await main(process.argv.slice(2));

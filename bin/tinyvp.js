#!/usr/bin/env node
// Runs the CLI from the esbuild bundle in dist/, rebuilt first when the sources are newer.
import { ensureBuilt } from '../scripts/build.mjs';
const { main } = await import(await ensureBuilt('tinyvp'));
process.exitCode = await main(process.argv.slice(2));

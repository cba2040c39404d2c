/**
 * `npm run bench`: speed figures as one JSON object on stdout.
 * - bare: guests/prebuilt/bench.elf on the bare machine, instructions per wall second,
 *   median of 5 runs (the issue's figure: >= 80 MIPS).
 * - guest: the same program as a VZ guest under a native root handler with an identity
 *   map of 256 MB pages; `guestRatio` = guest MIPS / bare MIPS (>= 0.9).
 * Tests never assert on these numbers; this script is how speed is judged.
 */
import { readFileSync } from 'node:fs';
import { loadFirmware } from '../src/image/load.ts';
import { Machine } from '../src/machine/machine.ts';
import { startIdentityGuest } from '../src/machine/identity-vm.ts';
import { CPU_HZ } from '../src/sim/clock.ts';

const FILE = 'guests/prebuilt/bench.elf';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const DONE = 'BENCH DONE';
const LIMIT = 60 * CPU_HZ;

interface RunFigures {
  mips: number;
  instructions: number;
  wallMs: number;
  virtualMs: number;
  exits?: Record<string, number>;
}

function once(mode: 'bare' | 'guest'): RunFigures {
  const bytes = new Uint8Array(readFileSync(FILE));
  const img = loadFirmware(bytes, FILE);
  const m = new Machine({ until: DONE });
  m.load(img, FILE);
  let stats: ReturnType<typeof startIdentityGuest> | null = null;
  if (mode === 'bare') m.boot(img.entry);
  else {
    m.boot(null);
    stats = startIdentityGuest(m.cpu, img.entry ?? 0);
  }
  const t0 = performance.now();
  const reason = m.run(LIMIT);
  const wallMs = performance.now() - t0;
  const out = m.console.text();
  if (reason !== 'until' || !/checksum 0x[0-9a-f]+ ok/.test(out)) {
    throw new Error(`${mode} run did not finish correctly (${reason}${stats?.unexpected ? `, ${stats.unexpected}` : ''}): ${JSON.stringify(out.slice(-200))}`);
  }
  const instructions = m.cpu.instret;
  return {
    mips: instructions / wallMs / 1000,
    instructions,
    wallMs,
    virtualMs: (m.clock.now / CPU_HZ) * 1000,
    ...(stats !== null ? { exits: stats.exits } : {}),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function series(mode: 'bare' | 'guest'): { median: number; runs: number[]; instructions: number; exits?: Record<string, number> } {
  const runs: RunFigures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(once(mode));
  const last = runs[runs.length - 1]!;
  return {
    median: round(median(runs.map((r) => r.mips))),
    runs: runs.map((r) => round(r.mips)),
    instructions: last.instructions,
    ...(last.exits !== undefined ? { exits: last.exits } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const bare = series('bare');
const guest = series('guest');
const result = {
  benchmark: FILE,
  mips: bare.median,
  bare,
  guest,
  guestRatio: round(guest.median / bare.median),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

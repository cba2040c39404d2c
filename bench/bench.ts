/**
 * `npm run bench`: speed figures as one JSON object on stdout.
 * - bare: guests/prebuilt/bench.elf on the bare machine, instructions per wall second,
 *   median of 5 runs (the issue's figure: >= 80 MIPS).
 * - guest: the same program as a VZ guest under a native root handler with an identity
 *   map of 256 MB pages; `guestRatio` = guest MIPS / bare MIPS (>= 0.9).
 * - hypervisor: bench/two-vms.file — the benchmark as VM 1 beside a second busy VM under the
 *   tinyVP hypervisor, 3 s of virtual time; total guest instructions per wall second,
 *   `hypervisorRatio` against bare metal (>= 0.9), exits per second by reason, root TLB
 *   refills per million guest instructions.
 * The three run in rounds (bare, guest, hypervisor; BENCH_RUNS rounds, default 5) so that a slow
 * phase of a shared host slows all three alike; each figure is the median over the rounds, and
 * the ratios are medians of the per-round ratios.
 * Tests never assert on these numbers; this script is how speed is judged.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createMachineForImage } from '../src/machine/hv-machine.ts';
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

interface Series { median: number; runs: number[]; instructions: number; exits?: Record<string, number> }

function summary(runs: RunFigures[]): Series {
  const last = runs[runs.length - 1]!;
  return {
    median: round(median(runs.map((r) => r.mips))),
    runs: runs.map((r) => round(r.mips)),
    instructions: last.instructions,
    ...(last.exits !== undefined ? { exits: last.exits } : {}),
  };
}

/** Median over the rounds of a[i] / b[i]. */
function pairedRatio(a: { mips: number }[], b: { mips: number }[]): number {
  return round(median(a.map((r, i) => r.mips / b[i]!.mips)));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const HV_IMAGE = 'dist/two-vms.srec';
const HV_SECONDS = 3;

interface VmStats { id: number; instructions: number; exits: Record<string, number>; tlbRefills: number }

function hypervisorOnce(): { mips: number; guestInstructions: number; wallMs: number; exits: Record<string, number>; refills: number } {
  const bytes = new Uint8Array(readFileSync(HV_IMAGE));
  const img = loadFirmware(bytes, HV_IMAGE);
  const m = createMachineForImage(img, HV_IMAGE, { keepConsole: false });
  const t0 = performance.now();
  m.run(HV_SECONDS * CPU_HZ);
  const wallMs = performance.now() - t0;
  const st = m.stats(wallMs) as unknown as { vms: VmStats[] };
  let guestInstructions = 0, refills = 0;
  const exits: Record<string, number> = {};
  for (const vm of st.vms) {
    guestInstructions += vm.instructions;
    refills += vm.tlbRefills;
    for (const [k, n] of Object.entries(vm.exits)) exits[k] = (exits[k] ?? 0) + n;
  }
  return { mips: guestInstructions / wallMs / 1000, guestInstructions, wallMs, exits, refills };
}

type HvRun = ReturnType<typeof hypervisorOnce>;

function hypervisorSummary(runs: HvRun[], bare: RunFigures[]): object {
  const mid = [...runs].sort((a, b) => a.mips - b.mips)[Math.floor(runs.length / 2)]!;
  const perWallSecond: Record<string, number> = {};
  const perVirtualSecond: Record<string, number> = {};
  for (const [k, n] of Object.entries(mid.exits)) {
    perWallSecond[k] = round(n / (mid.wallMs / 1000));
    perVirtualSecond[k] = round(n / HV_SECONDS);
  }
  return {
    median: round(mid.mips),
    runs: runs.map((r) => round(r.mips)),
    guestInstructions: mid.guestInstructions,
    hypervisorRatio: pairedRatio(runs, bare),
    exitsPerWallSecond: perWallSecond,
    exitsPerVirtualSecond: perVirtualSecond,
    tlbRefillsPerMillionGuestInstructions: round((mid.refills / mid.guestInstructions) * 1e6),
  };
}

execFileSync(process.execPath, ['bin/tinyvp.js', 'build', 'bench/two-vms.file', '--board', 'wifire', '-o', HV_IMAGE], { stdio: ['ignore', 'ignore', 'inherit'] });
const bareRuns: RunFigures[] = [], guestRuns: RunFigures[] = [], hvRuns: HvRun[] = [];
for (let i = 0; i < RUNS; i++) {
  bareRuns.push(once('bare'));
  guestRuns.push(once('guest'));
  hvRuns.push(hypervisorOnce());
  process.stderr.write(`bench: round ${i + 1}/${RUNS}\n`);
}
const bare = summary(bareRuns);
const guest = summary(guestRuns);
const hypervisor = hypervisorSummary(hvRuns, bareRuns);
const result = {
  benchmark: FILE,
  mips: bare.median,
  bare,
  guest,
  guestRatio: pairedRatio(guestRuns, bareRuns),
  hypervisor,
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

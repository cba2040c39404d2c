/**
 * Differential test of the unprivileged MIPS32r2 ISA: random sequences (gen.ts) run on
 * qemu-mipsel (user mode, -cpu 24Kf) and on tinyvp's core, then GPRs, HI/LO, the scratch
 * buffer and the FPU state are compared (test/diff/README.md).
 *   DIFF_CASES  cases per test (integer, FPU); DIFF_SEED  master seed (decimal or 0x hex).
 */
import { describe, expect, it } from 'vitest';
import { caseSeed, generate } from './gen.ts';
import { qemuAvailable, runBatch } from './harness.ts';

/** Default cases per test: both tests together run in about 11 s on the shared 2-core machine (load average 7). */
const DEFAULT_CASES = 1500;
/** Fixed default seed, so a plain `vitest run` is reproducible; DIFF_SEED explores others. */
const DEFAULT_SEED = 0x5eed;
/** Cases per qemu-mipsel process. */
const BATCH = 200;
/** Failure reports printed in full; the rest are counted. */
const SHOWN = 5;
/** FPU cases draw their seeds from another stream than integer cases. */
const FPU_STREAM = 0x0f9a;
/** Per-test time limit: generous per case, so large DIFF_CASES runs are not cut short. */
const MS_PER_CASE = 20;
const MIN_TIMEOUT_MS = 60_000;

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${v}: expected a non-negative integer`);
  return n;
}

const CASES = envInt('DIFF_CASES', DEFAULT_CASES);
const SEED = envInt('DIFF_SEED', DEFAULT_SEED) >>> 0;

function run(fpu: boolean): void {
  const master = fpu ? (SEED ^ FPU_STREAM) >>> 0 : SEED;
  const name = fpu ? 'FPU' : 'integer';
  console.log(`differential test (${name}): ${CASES} cases, DIFF_SEED=0x${SEED.toString(16)}`);
  const failures: string[] = [];
  for (let first = 0; first < CASES; first += BATCH) {
    const n = Math.min(BATCH, CASES - first);
    const cases = Array.from({ length: n }, (_, i) => generate(caseSeed(master, first + i), fpu));
    const r = runBatch(cases, first, (k) => `DIFF_SEED=0x${SEED.toString(16)} DIFF_CASES=${k + 1} npx vitest run test/diff (${name} case ${k})`);
    failures.push(...r.failures);
  }
  for (const f of failures.slice(0, SHOWN)) console.error(`${f}\n`);
  if (failures.length > SHOWN) console.error(`... and ${failures.length - SHOWN} more failing ${name} cases`);
  expect(failures.length, `${failures.length} of ${CASES} ${name} cases differ from qemu-mipsel (reports above)`).toBe(0);
}

describe('differential test against qemu-mipsel', () => {
  const have = qemuAvailable();
  if (!have) console.warn('differential test skipped: qemu-mipsel not installed');
  const timeout = Math.max(MIN_TIMEOUT_MS, CASES * MS_PER_CASE);
  (have ? it : it.skip)('integer ISA', () => run(false), timeout);
  (have ? it : it.skip)('FPU (FR=1)', () => run(true), timeout);
});

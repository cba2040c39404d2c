/**
 * Runs a batch of generated cases on qemu-mipsel (one process per batch) and on tinyvp (one
 * Machine, booted at each case), and compares what is architecturally defined
 * (test/diff/README.md). Node-only: spawns qemu and writes the ELF to a temporary file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine, physical } from '../../src/machine/machine.ts';
import { REG_NAMES, listing } from './asm.ts';
import { BASE_BIAS, BASE_REG, COMPARED_GPRS, type Case } from './gen.ts';
import { DUMP_BYTES, MAGIC, QEMU_BASE, TINYVP_BASE, buildImage, imageElf, parseDump, type Dump, type Image } from './image.ts';

export const QEMU = '/usr/bin/qemu-mipsel';
/** MIPS32r2 with a 64-bit FPU and the legacy NaN encoding, as tinyvp's FPU (fpu.ts HAS_2008). */
export const QEMU_CPU = '24Kf';
/** Cycle budget of one case on tinyvp; a case is a few hundred instructions. */
const CASE_CYCLES = 200_000;
const EXC_SYSCALL = 8;
const FCSR_CAUSE = 0x3f << 12;
const C0_STATUS = 12 * 8, C0_EPC = 14 * 8;
const ST_CU1 = 1 << 29, ST_FR = 1 << 26;

export function qemuAvailable(): boolean {
  return existsSync(QEMU);
}

/** What one side produced for a case: its dump, or why there is none. */
export type Outcome = { dump: Dump } | { error: string };

/** Runs the image under qemu-mipsel: the dumps of the cases it completed, and why it stopped early. */
export function runQemu(img: Image, n: number): { dumps: Dump[]; error: string | null } {
  const dir = mkdtempSync(join(tmpdir(), 'tinyvp-diff-'));
  try {
    const file = join(dir, 'cases.elf');
    writeFileSync(file, imageElf(img));
    chmodSync(file, 0o755); // qemu-mipsel refuses, silently, to load a file without execute permission
    const r = spawnSync(QEMU, ['-cpu', QEMU_CPU, file], { maxBuffer: 64 * 1024 * 1024 });
    const out = r.stdout ?? Buffer.alloc(0);
    const dumps: Dump[] = [];
    for (let k = 0; (k + 1) * DUMP_BYTES <= out.length && k < n; k++) {
      dumps.push(parseDump(new Uint8Array(out.buffer, out.byteOffset + k * DUMP_BYTES, DUMP_BYTES)));
    }
    if (dumps.length === n && r.status === 0) return { dumps, error: null };
    const why = r.error ? String(r.error) : r.signal ? `signal ${r.signal}` : `exit status ${r.status}`;
    return { dumps, error: `qemu-mipsel stopped in this case (${why}; stderr: ${String(r.stderr ?? '').trim() || 'empty'})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the first n cases of the image on one tinyvp Machine, each from a fresh reset, with the
 * block compiler as given: 'eager' compiles every block on first use, false interprets all.
 */
export function runTinyvp(img: Image, cases: readonly Case[], n = cases.length, jit: boolean | 'eager' = 'eager'): Outcome[] {
  const m = new Machine({ keepConsole: false, jit });
  if (!m.bus.poke(physical(img.base), img.code) || !m.bus.poke(physical(img.dataBase), img.data)) {
    throw new Error('harness: image does not fit in RAM');
  }
  let exc = -1, epc = 0;
  return cases.slice(0, n).map((c, k) => {
    m.boot(img.entry[k]!);
    if (c.fpu) m.cpu.mtc0(C0_STATUS, m.cpu.mfc0(C0_STATUS) | ST_CU1 | ST_FR);
    exc = -1;
    m.cpu.rootHandler = (cpu, code) => {
      exc = code;
      epc = cpu.cp0[C0_EPC]!;
      cpu.halt();
      return true;
    };
    const stop = m.run(CASE_CYCLES);
    if (exc === -1) return { error: `tinyvp did not reach the final SYSCALL (${stop}, pc 0x${hex(m.cpu.pc)})` };
    if (exc !== EXC_SYSCALL || epc !== img.syscallAt[k]) {
      return { error: `tinyvp raised exception ${exc} at EPC 0x${hex(epc)} (${where(img, k, epc)})` };
    }
    const off = m.bus.hostOffset(physical(img.bufAt[k]!));
    return { dump: parseDump(m.bus.mem.u8.slice(off, off + DUMP_BYTES)) };
  });
}

function where(img: Image, k: number, pc: number): string {
  const i = (pc - img.bodyAt[k]!) / 4;
  return pc >= img.bodyAt[k]! && pc < img.syscallAt[k]! ? `body @${i}` : 'outside the body';
}

/** One differing result. */
export interface Diff {
  what: string;
  initial: string;
  qemu: string;
  tinyvp: string;
}

const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** Differences in architecturally defined results; q and t are dumps of case number k. */
export function compare(c: Case, k: number, q: Dump, qImg: Image, t: Dump, tImg: Image): Diff[] {
  const d: Diff[] = [];
  const add = (what: string, initial: number | string, a: number, b: number): void => {
    if ((a | 0) !== (b | 0)) d.push({ what, initial: typeof initial === 'number' ? hex(initial) : initial, qemu: hex(a), tinyvp: hex(b) });
  };
  add('dump marker', MAGIC | k, q.magic, t.magic);
  if (q.magic !== (MAGIC | k)) return d;
  for (const n of COMPARED_GPRS) {
    // gp holds the buffer address and ra a code address: compare them relative to their base.
    const qb = n === BASE_REG ? qImg.bufAt[k]! + BASE_BIAS : n === 31 ? qImg.base : 0;
    const tb = n === BASE_REG ? tImg.bufAt[k]! + BASE_BIAS : n === 31 ? tImg.base : 0;
    add(`$${REG_NAMES[n]}${n === BASE_REG || n === 31 ? ' (relative)' : ''}`, n === BASE_REG ? 0 : c.gpr[n]!, q.gpr[n]! - qb, t.gpr[n]! - tb);
  }
  if (c.hiDefined) add('hi', c.hi, q.hi, t.hi);
  if (c.loDefined) add('lo', c.lo, q.lo, t.lo);
  for (let a = 0; a < q.buf.length; a += 4) {
    const w = (b: Uint8Array): number => b[a]! | (b[a + 1]! << 8) | (b[a + 2]! << 16) | (b[a + 3]! << 24);
    add(`buf+${a}`, w(c.buf), w(q.buf), w(t.buf));
  }
  if (c.fpu) {
    // Without a defined Cause (after ABS/NEG, see gen.ts) the rest of FCSR is still compared.
    const m = c.causeDefined ? -1 : ~FCSR_CAUSE;
    add(c.causeDefined ? 'fcsr' : 'fcsr (without Cause)', c.fcsr, q.fcsr & m, t.fcsr & m);
    for (let n = 0; n < 32; n++) {
      add(`$f${n}.lo`, c.fpr[2 * n]!, q.fpr[2 * n]!, t.fpr[2 * n]!);
      if (c.fprHighDefined[n]) add(`$f${n}.hi`, c.fpr[2 * n + 1]!, q.fpr[2 * n + 1]!, t.fpr[2 * n + 1]!);
    }
  }
  return d;
}

/** The developer's view of a failing case: how to rerun it, the code, the inputs, the differences. */
export function report(c: Case, k: number, rerun: string, diffs: Diff[] | string): string {
  const lines = [`case ${k} (case seed 0x${hex(c.seed)}${c.fpu ? ', FPU' : ''}); rerun: ${rerun}`, 'sequence (body index: word  text):'];
  lines.push(...listing(c.body).map((s) => `  ${s}`));
  const init = [...Array(32).keys()].filter((n) => n !== 0 && n !== 26 && n !== 27 && n !== 28 && n !== 29)
    .map((n) => `$${REG_NAMES[n]}=${hex(c.gpr[n]!)}`);
  lines.push(`initial: ${init.join(' ')} hi=${hex(c.hi)} lo=${hex(c.lo)}`);
  lines.push(`initial buf: ${[...c.buf].map((b) => b.toString(16).padStart(2, '0')).join('')}`);
  if (c.fpu) {
    lines.push(`initial fcsr=${hex(c.fcsr)}`);
    lines.push(`initial fpr: ${[...Array(32).keys()].map((n) => `$f${n}=${hex(c.fpr[2 * n + 1]!)}_${hex(c.fpr[2 * n]!)}`).join(' ')}`);
  }
  if (typeof diffs === 'string') lines.push(diffs);
  else for (const x of diffs) lines.push(`  ${x.what}: initial ${x.initial}  qemu ${x.qemu}  tinyvp ${x.tinyvp}`);
  return lines.join('\n');
}

export interface BatchResult {
  failures: string[];
  cases: number;
}

/**
 * Builds, runs and compares a batch (one qemu process) whose cases are numbered from `first`;
 * `rerun(k)` says how to reproduce case k. If qemu dies in a case, that case fails and the
 * rest run in a new process.
 */
export function runBatch(cases: readonly Case[], first: number, rerun: (k: number) => string): BatchResult {
  const failures: string[] = [];
  let idle = 0;
  for (let from = 0; from < cases.length;) {
    const part = cases.slice(from);
    const qImg = buildImage(part, QEMU_BASE);
    const tImg = buildImage(part, TINYVP_BASE);
    const q = runQemu(qImg, part.length);
    // Alternate batches between compiled blocks and the interpreter: both must match qemu.
    const t = runTinyvp(tImg, part, q.dumps.length, (first / 200) % 2 === 0 ? 'eager' : false);
    q.dumps.forEach((qd, i) => {
      const ti = t[i]!, k = first + from + i;
      if ('error' in ti) failures.push(report(part[i]!, k, rerun(k), ti.error));
      else {
        const d = compare(part[i]!, i, qd, qImg, ti.dump, tImg);
        if (d.length > 0) failures.push(report(part[i]!, k, rerun(k), d));
      }
    });
    from += q.dumps.length;
    idle = q.dumps.length === 0 ? idle + 1 : 0;
    if (idle === 2 && q.error !== null) {
      failures.push(`qemu-mipsel produced no dump twice in a row; ${cases.length - from} cases not run: ${q.error}`);
      break;
    }
    if (q.error !== null && from < cases.length) {
      failures.push(report(cases[from]!, first + from, rerun(first + from), q.error));
      from++;
    } else if (q.error !== null) {
      failures.push(`qemu-mipsel failed after the last case: ${q.error}`);
    }
  }
  return { failures, cases: cases.length };
}


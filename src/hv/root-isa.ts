/**
 * Root instructions the core's firmware API (docs/core.md) has no call for, in one place:
 * MFHI/MFLO/MTHI/MTLO (HI and LO are shared by root and guests, so a context switch moves
 * them) and the COP1 moves of the lazy FPU switch (MFC1/MFHC1/MTC1/MTHC1/CFC1/CTC1, executed
 * as instruction words on the FPU unit with a scratch register file, root Status.FR = 1).
 * Reported to the core's owner as missing API; nothing else in hv/ touches these.
 */
import type { Cpu } from '../mips/cpu.ts';
import { C0, ST_CU1, ST_FR } from '../mips/cp0.ts';

/** MFHI / MFLO. */
export function readHiLo(cpu: Cpu, out: Int32Array): void {
  out[0] = cpu.hi;
  out[1] = cpu.lo;
}

/** MTHI / MTLO. */
export function writeHiLo(cpu: Cpu, hi: number, lo: number): void {
  cpu.hi = hi | 0;
  cpu.lo = lo | 0;
}

const scratch = new Int32Array(32);
const mfc1 = (fs: number): number => 0x44000000 | (1 << 16) | (fs << 11);
const mfhc1 = (fs: number): number => 0x44600000 | (1 << 16) | (fs << 11);
const mtc1 = (fs: number): number => 0x44800000 | (1 << 16) | (fs << 11);
const mthc1 = (fs: number): number => 0x44e00000 | (1 << 16) | (fs << 11);
const CFC1_FCSR = 0x44400000 | (1 << 16) | (31 << 11);
const CTC1_FCSR = 0x44c00000 | (1 << 16) | (31 << 11);

/** Runs `body` with root CU1 and FR set (the 64-bit FPU register view), then restores Status. */
function withFpu(cpu: Cpu, body: () => void): void {
  const st = cpu.mfc0(C0.STATUS);
  cpu.mtc0(C0.STATUS, st | ST_CU1 | ST_FR);
  body();
  cpu.mtc0(C0.STATUS, st);
}

/** Saves the 32 64-bit FPRs (low word at 2n, high at 2n+1) and FCSR into `regs[64]`. */
export function saveFpu(cpu: Cpu, regs: Int32Array): void {
  if (!cpu.hasFpu) return;
  withFpu(cpu, () => {
    for (let n = 0; n < 32; n++) {
      cpu.fpu.execCop1(scratch, mfc1(n));
      regs[2 * n] = scratch[1]!;
      cpu.fpu.execCop1(scratch, mfhc1(n));
      regs[2 * n + 1] = scratch[1]!;
    }
    cpu.fpu.execCop1(scratch, CFC1_FCSR);
    regs[64] = scratch[1]!;
  });
}

/** Loads the state `saveFpu` wrote. */
export function loadFpu(cpu: Cpu, regs: Int32Array): void {
  if (!cpu.hasFpu) return;
  withFpu(cpu, () => {
    for (let n = 0; n < 32; n++) {
      scratch[1] = regs[2 * n]!;
      cpu.fpu.execCop1(scratch, mtc1(n));
      scratch[1] = regs[2 * n + 1]!;
      cpu.fpu.execCop1(scratch, mthc1(n));
    }
    scratch[1] = regs[64]!;
    cpu.fpu.execCop1(scratch, CTC1_FCSR);
  });
}

/** FPU condition code n (BC1F/BC1T), read with CFC1 FCSR. */
export function fpuCondition(cpu: Cpu, n: number): boolean {
  if (!cpu.hasFpu) return false;
  let fcsr = 0;
  withFpu(cpu, () => {
    cpu.fpu.execCop1(scratch, CFC1_FCSR);
    fcsr = scratch[1]!;
  });
  return ((fcsr >>> (n === 0 ? 23 : 24 + n)) & 1) !== 0;
}

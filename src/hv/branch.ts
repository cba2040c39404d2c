/**
 * "Advance EPC" (tinyvp-runtime.md §5.4): the instruction after the one that trapped. Outside a
 * delay slot it is EPC + 4. In a delay slot the branch is evaluated again from BadInstrP (the
 * hardware's copy of the branch word; guest memory is never read) with the interrupted
 * context's registers: the target, or EPC + 8 when not taken. The branch already wrote its link
 * register when it executed, so nothing is written here. Callers compute the next EPC before
 * they write an emulated load's result (§13: the original evaluated the branch afterwards).
 */
import type { Cpu } from '../mips/cpu.ts';
import { fpuCondition } from './root-isa.ts';

/** GPR n of the interrupted context. */
function r(cpu: Cpu, n: number): number {
  return n === 0 ? 0 : cpu.rdpgpr(n);
}

/** Result when the branch cannot be evaluated; `branchError` says why. */
export const BRANCH_FAIL = -1;
export let branchError = '';

/**
 * Next PC after the instruction at `epc` (Cause.BD = `bd`, branch word `bi` = BadInstrP), or
 * BRANCH_FAIL. GPRs are read with RDPGPR, so SRSCtl.PSS must select the interrupted set.
 */
export function nextPc(cpu: Cpu, epc: number, bd: boolean, bi: number): number {
  if (epc & 3) { branchError = 'Unaligned epc - panic thread.\n'; return BRANCH_FAIL; }
  if (!bd) return (epc + 4) | 0;
  const taken = (epc + 4 + (((bi << 16) >> 16) << 2)) | 0;
  const notTaken = (epc + 8) | 0;
  const rs = (bi >>> 21) & 31, rt = (bi >>> 16) & 31;
  switch (bi >>> 26) {
    case 0x00: // SPECIAL: JR, JALR
      if ((bi & 63) === 0x08 || (bi & 63) === 0x09) return r(cpu, rs);
      break;
    case 0x01: { // REGIMM
      const v = r(cpu, rs);
      switch (rt) {
        case 0x00: case 0x10: return v < 0 ? taken : notTaken; // BLTZ, BLTZAL
        case 0x01: case 0x11: return v >= 0 ? taken : notTaken; // BGEZ, BGEZAL
        case 0x02: case 0x03: case 0x12: case 0x13: return taken; // likely forms: the slot ran, so taken
        case 0x1c: branchError = 'DSP branch but not DSP ASE - panic thread\n'; return BRANCH_FAIL; // BPOSGE32
        default: break;
      }
      break;
    }
    case 0x02: case 0x03: return ((epc + 4) & 0xf0000000) | ((bi & 0x03ffffff) << 2); // J, JAL
    case 0x1d: branchError = 'JALX detected\n'; return BRANCH_FAIL;
    case 0x04: return r(cpu, rs) === r(cpu, rt) ? taken : notTaken; // BEQ
    case 0x05: return r(cpu, rs) !== r(cpu, rt) ? taken : notTaken; // BNE
    case 0x06: return r(cpu, rs) <= 0 ? taken : notTaken; // BLEZ
    case 0x07: return r(cpu, rs) > 0 ? taken : notTaken; // BGTZ
    case 0x14: case 0x15: case 0x16: case 0x17: return taken; // BEQL, BNEL, BLEZL, BGTZL
    case 0x11: // COP1: BC1F/BC1T(L)
      if (rs === 0x08) {
        if (rt & 2) return taken;
        const cc = fpuCondition(cpu, (bi >>> 18) & 7);
        return cc === ((rt & 1) === 1) ? taken : notTaken;
      }
      break;
    default: break;
  }
  branchError = `branch 0x${(bi >>> 0).toString(16)} in BadInstrP is not a MIPS32 branch\n`;
  return BRANCH_FAIL;
}

/**
 * Exception dispatch, `do_EXC` (tinyvp-runtime.md §5): root TLB faults go to access emulation,
 * Guest Exits by GExcCode to GPSI, GSFC and GHFC handling, CpU to the lazy FPU switch; anything
 * else is unexpected and stops the thread with the spec's diagnostics (§13 item 22: the
 * original printed and re-ran the instruction for ever).
 *
 * Fixes: GSFC keeps the guest's IP1/IP0 software-interrupt bits on a Cause write (§13 item 25);
 * the lazy FPU switch re-executes the FPU instruction (§13 item 13).
 */
import { C0, EXC, ST_CU1 } from '../mips/cp0.ts';
import { GEXC } from '../mips/vz.ts';
import { tlbFault } from './access.ts';
import { BRANCH_FAIL, branchError, nextPc } from './branch.ts';
import { panicThread } from './diagnostics.ts';
import { x, x8 } from './format.ts';
import { gpsi } from './gpsi.ts';
import type { Hypervisor } from './hypervisor.ts';
import { ghfc } from './inject.ts';
import { loadFpu, saveFpu } from './root-isa.ts';
import { pushHistory, TF_EXCTRACE, type Thread } from './thread.ts';

/** Exit counter slot of a GExcCode (ExcCodes use 0..31). */
export const GEXC_SLOT = 32;
const SYSCALL_F0000 = 0x03c0000c;
/** Guest Status bits a GSFC write of Status never sets: SR, NMI. */
const STATUS_DROP = (1 << 20) | (1 << 19);
/** Guest Cause bits a GSFC write never sets: BD, TI, CE, FDCI, RIPL, ExcCode. */
const CAUSE_DROP = (1 << 31) | (1 << 30) | (3 << 28) | (1 << 21) | (0x7f << 10) | (0x1f << 2);

export function handleException(hv: Hypervisor, t: Thread, code: number): void {
  const gexc = (t.guestCtl0 >>> 2) & 0x1f;
  t.exits[code === EXC.GE ? GEXC_SLOT + gexc : code]!++;
  if (hv.tracing(t, TF_EXCTRACE)) hv.print(`Thread${t.tid}: exception ${code}, gcause=${gexc}\n`);
  t.exceptionCause = pushHistory(t.exceptionCause, code);
  t.exceptionGcause = pushHistory(t.exceptionGcause, gexc);
  if (t === hv.root) {
    // Only interrupts end thread 0's idle loop; anything else is the hypervisor's own fault.
    unexpected(hv, t, code);
    return;
  }
  switch (code) {
    case EXC.MOD: case EXC.TLBL: case EXC.TLBS: case EXC.TLBRI: case EXC.TLBXI: case EXC.IBE: case EXC.DBE:
      tlbFault(hv, t, code);
      return;
    case EXC.CPU: lazyFpu(hv, t); return;
    case EXC.GE:
      if (gexc === GEXC.GPSI) gpsi(hv, t);
      else if (gexc === GEXC.GSFC) gsfc(hv, t);
      else if (gexc === GEXC.GHFC) ghfc(hv, t);
      else unexpected(hv, t, code);
      return;
    default: unexpected(hv, t, code);
  }
}

function unexpected(hv: Hypervisor, t: Thread, code: number): void {
  hv.print(`do_EXC: cause=${x(code)} exfr->cp0_badinst=0x${x8(t.badInstr)} inst_SYSCALL_F0000?=${t.badInstr === SYSCALL_F0000 ? 1 : 0}\n`);
  panicThread(hv, t, 'Unexpect type of exception\n');
}

/** GSFC: the guest changed a root-sensitive field with MTC0; complete the write. */
function gsfc(hv: Hypervisor, t: Thread): void {
  const cpu = hv.cpu;
  const w = t.badInstr;
  if (w >>> 26 !== 0x10 || ((w >>> 21) & 31) !== 4) { panicThread(hv, t, 'UNKNOWN GSFC\n'); return; }
  const i = (((w >>> 11) & 31) << 3) | (w & 7);
  const v = cpu.rdpgpr((w >>> 16) & 31);
  switch (i) {
    case C0.STATUS:
      if (v & (3 << 30)) { panicThread(hv, t, 'CU2/CU3 is set\n'); return; }
      cpu.mtgc0(12, 0, v & ~STATUS_DROP);
      break;
    case C0.CAUSE: {
      const keep = cpu.mfgc0(13, 0) & CAUSE_DROP;
      cpu.mtgc0(13, 0, (v & ~CAUSE_DROP) | keep);
      break;
    }
    case C0.INTCTL: cpu.mtgc0(12, 1, v); break;
    case C0.PAGEGRAIN: cpu.mtgc0(5, 1, v); break;
    default: panicThread(hv, t, 'UNKNOWN GSFC!\n'); return;
  }
  const next = nextPc(cpu, t.epc, (t.cause >>> 31) !== 0, t.badInstrP);
  if (next === BRANCH_FAIL) { panicThread(hv, t, branchError); return; }
  t.epc = next;
}

/** CpU with CE = 1: give the FPU to `t` (saving its owner's registers) and retry the instruction. */
function lazyFpu(hv: Hypervisor, t: Thread): void {
  const ce = (t.cause >>> 28) & 3;
  if (ce !== 1 || !hv.cpu.hasFpu) { panicThread(hv, t, 'CUx exception\n'); return; }
  t.status |= ST_CU1;
  if (hv.fpuOwner === t) return;
  if (hv.fpuOwner !== null) saveFpu(hv.cpu, hv.fpuOwner.fpu);
  loadFpu(hv.cpu, t.fpu);
  hv.fpuOwner = t;
}

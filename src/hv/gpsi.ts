/**
 * Guest privileged sensitive instructions (tinyvp-runtime.md §5.1): WAIT, MFC0/MTC0 of the
 * registers the hardware traps (GuestCtl0.GT = 0 traps Count/Compare; CF = 0 traps Config
 * writes), RDHWR $2 and CACHE. EPC is advanced first; an instruction the hypervisor does not
 * know stops the VM ("Unknown GPSI").
 *
 * Decisions: MFC0 Config7 (which the M5150 model traps) returns the root's Config7; MFC0
 * CMGCRBase returns 0; RDHWR tests register 2, the count register (§13 item 17).
 */
import { C0 } from '../mips/cp0.ts';
import { BRANCH_FAIL, branchError, nextPc } from './branch.ts';
import { panicThread } from './diagnostics.ts';
import { x8 } from './format.ts';
import { mfc0Count, mtc0Compare, mtc0Count } from './guest-time.ts';
import type { Hypervisor } from './hypervisor.ts';
import { reschedule } from './scheduler.ts';
import { TF_RUNNING, TF_TIMETRACE, type Thread } from './thread.ts';

const REG = (reg: number, sel: number): number => (reg << 3) | sel;

export function gpsi(hv: Hypervisor, t: Thread): void {
  const cpu = hv.cpu;
  const w = t.badInstr;
  const next = nextPc(cpu, t.epc, (t.cause >>> 31) !== 0, t.badInstrP);
  if (next === BRANCH_FAIL) { panicThread(hv, t, branchError); return; }
  t.epc = next;
  const op = w >>> 26;
  if (op === 0x2f) return; // CACHE: nothing to do, caches are not modelled
  if (op === 0x1f && (w & 63) === 0x3b) { rdhwr(hv, t, w); return; }
  if (op !== 0x10) { panicThread(hv, t, 'Unknown GPSI\n'); return; }
  const rs = (w >>> 21) & 31, rt = (w >>> 16) & 31, rd = (w >>> 11) & 31, sel = w & 7;
  if (rs === 0x10 && (w & 63) === 0x20) { wait(hv, t); return; }
  if (rs === 0) { mfc0(hv, t, REG(rd, sel), rt); return; }
  if (rs === 4) { mtc0(hv, t, REG(rd, sel), cpu.rdpgpr(rt)); return; }
  panicThread(hv, t, 'Unknown GPSI\n');
}

/** Guest WAIT: blocks the VM unless an injection is pending (then the guest takes it or polls). */
function wait(hv: Hypervisor, t: Thread): void {
  if (t.injectedIrq >= 0) return;
  t.flags &= ~TF_RUNNING;
  reschedule(hv, false);
}

function mfc0(hv: Hypervisor, t: Thread, i: number, rt: number): void {
  const cpu = hv.cpu;
  let v: number;
  switch (i) {
    case C0.PRID: v = cpu.mfc0(C0.PRID); break;
    case C0.CDMMBASE: v = cpu.mfc0(C0.CDMMBASE); break;
    case REG(15, 3): v = 0; break;
    case C0.COUNT: v = mfc0Count(hv, t); break;
    case C0.COMPARE:
      v = cpu.mfgc0(11, 0);
      if (hv.tracing(t, TF_TIMETRACE)) hv.print(`MFC0 COMPARE: ${x8(v)}\n`);
      break;
    case C0.SRSCTL: case C0.SRSMAP: case C0.SRSMAP2: v = 0; break;
    case C0.CONFIG7: v = cpu.mfc0(C0.CONFIG7); break;
    default:
      if (isZeroReg(i)) { v = 0; break; }
      panicThread(hv, t, 'Unknown GPSI\n');
      return;
  }
  cpu.wrpgpr(rt, v);
}

function mtc0(hv: Hypervisor, t: Thread, i: number, v: number): void {
  const cpu = hv.cpu;
  switch (i) {
    case C0.COUNT: mtc0Count(hv, t, v); return;
    case C0.COMPARE: mtc0Compare(hv, t, v); return;
    case C0.SRSCTL: case C0.SRSMAP: case C0.SRSMAP2:
      if (v !== 0) panicThread(hv, t, 'Non-zero SRS is used\n');
      return;
    case C0.CONFIG5: cpu.mtgc0(16, 5, v); return;
    case C0.LLADDR: case C0.CONFIG0: case C0.CONFIG1: case C0.CONFIG2: case C0.CONFIG3: case C0.CONFIG4:
    case C0.CONFIG6: case C0.CONFIG7: return;
    default:
      if (isZeroReg(i)) return;
      panicThread(hv, t, 'Unknown GPSI\n');
  }
}

/** Watch, Debug, DEPC, PerfCtl/Cnt, ErrCtl, CacheErr, TagLo/DataLo: read 0, writes ignored. */
function isZeroReg(i: number): boolean {
  const reg = i >>> 3;
  return reg === 18 || reg === 19 || reg === 23 || reg === 24 || reg === 25 || reg === 26 || reg === 27 || reg === 28;
}

function rdhwr(hv: Hypervisor, t: Thread, w: number): void {
  const cpu = hv.cpu;
  const rt = (w >>> 16) & 31, rd = (w >>> 11) & 31;
  if (rd !== 2) { panicThread(hv, t, 'Unknown GPSI\n'); return; }
  const v = cpu.mfgc0(9, 0);
  if (hv.tracing(t, TF_TIMETRACE)) hv.print(`RDHWR2: ${x8(v)}, GTOffset: ${x8(cpu.mfc0(C0.GTOFFSET))}\n`);
  cpu.wrpgpr(rt, v);
}

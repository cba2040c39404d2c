/**
 * Initial state of a thread (tinyvp-runtime.md §3, `init_thread`) and the restart of a VM
 * (`<n>r`, §8.3). A VM starts in guest mode at its entry with reset-like guest CP0 (Status
 * CU0|BEV|ERL, EBase 0x9D000000, IntCtl 0x20, guest Count = root Count), GuestID = id, its own
 * shadow set. A root thread starts in root kernel or user mode with ASID = id.
 *
 * Restart fixes §13 item 27: besides the thread structure it resets the guest timer record,
 * the console state, the real IEC/IFS/IPC bits of the IRQs the VM owns, its guest TLB entries,
 * its shadow-set GPRs, HI/LO and FPU state, and clears its writable private RAM.
 */
import { F_S, F_W } from '../config/flags.ts';
import { C0, ST_IE, ST_UM } from '../mips/cp0.ts';
import { CLR, iecPa, ifsPa, ipcPa, SET } from './evic-regs.ts';
import type { Hypervisor } from './hypervisor.ts';
import {
  G, GC0EXT_IDLE, GUEST_EBASE_RESET, GUEST_INTCTL_RESET, GUEST_STATUS_RESET, TF_RUNNING, VM_GUESTCTL0, VM_ROOT_STATUS,
  type Thread,
} from './thread.ts';

/** RAM the SoC has (kinds of region a restart clears must lie in it). */
const RAM_END = 0x80000;
/** Root priority an owned IRQ returns to on restart (boot gives every IRQ priority 2). */
const BOOT_IPC = 0x08;

/** `init_thread(t, flags)`: flags 0 means plain RUNNING. */
export function initThread(hv: Hypervisor, t: Thread, flags: number): void {
  const cpu = hv.cpu;
  t.flags = flags === 0 ? TF_RUNNING : flags;
  t.epc = t.entry;
  t.entryHi = t.tid & 0xff;
  t.context = (t.tid << 23) | 0;
  t.cause = t.badVAddr = t.badInstr = t.badInstrP = 0;
  t.rescheduleCount = 0;
  t.waitingIrqs = 0;
  t.exceptionCause = t.exceptionGcause = 0xffffffff;
  t.faulted = false;
  t.hilo.fill(0);
  t.fpu.fill(0);
  t.gpr.fill(0);
  if (t.kind !== 'vm') {
    t.status = ST_IE | (t.user ? ST_UM : 0);
    t.guestCtl0 = 0;
    t.gc1 = t.gc0ext = t.gc2 = t.gc3 = t.gtoffset = 0;
    t.gpr[29] = t.sp;
    return;
  }
  t.vic.fill(0);
  t.voff.fill(0);
  t.injectedIrq = -1;
  t.injectedIpl = 0;
  t.interruptedIrq = -1;
  t.interruptedIpl = 0;
  t.lastInterruptedIrq = 0xffffffff;
  const now = hv.time.update();
  t.lastUsedLcount = now;
  t.lcompare = now - 1;
  t.lcount2read = 0;
  t.timeLateCounter = 0;
  t.timerArmed = false;
  t.gtoff64 = 0;
  t.gtoffset = 0;
  t.g.fill(0);
  t.g[G.STATUS] = GUEST_STATUS_RESET;
  t.g[G.EPC] = t.entry;
  t.g[G.EBASE] = GUEST_EBASE_RESET;
  t.g[G.INTCTL] = GUEST_INTCTL_RESET;
  t.g[G.COMPARE] = cpu.mfc0(C0.COUNT);
  t.gWired.fill(0);
  t.gc0ext = GC0EXT_IDLE;
  t.gc1 = ((t.gid << 16) | t.gid) >>> 0;
  t.gc3 = t.srs;
  t.gc2 = 0;
  t.guestCtl0 = VM_GUESTCTL0;
  t.status = VM_ROOT_STATUS;
}

/** `<n>r`: restarts thread `t` from its entry with fresh state and cleared private RAM. */
export function restartThread(hv: Hypervisor, t: Thread, flags: number): void {
  const cpu = hv.cpu;
  const timer = hv.guestTimers[t.tid];
  if (timer !== undefined) hv.time.remove(timer);
  if (hv.fpuOwner === t) hv.fpuOwner = null;
  if (t.kind === 'vm') {
    t.conSta = t.conMode = t.conStart = t.conEnd = 0;
    resetOwnedIrqs(hv, t);
    // Guest TLB entries of this GuestID (TLBGINVF with RID = gid).
    const gc1 = cpu.mfc0(C0.GUESTCTL1);
    cpu.mtc0(C0.GUESTCTL1, (gc1 & ~0x00ff0000) | (t.gid << 16));
    cpu.rootOp(0x4200000c);
    cpu.mtc0(C0.GUESTCTL1, gc1);
    clearRam(hv, t);
  }
  clearShadowSet(hv, t);
  // Its hardware state is stale now: the exit path reloads it without saving.
  if (hv.loaded === t) hv.discardLoaded = true;
  initThread(hv, t, flags);
}

function resetOwnedIrqs(hv: Hypervisor, t: Thread): void {
  const owned = t.info?.icOwned;
  if (!owned) return;
  const cpu = hv.cpu;
  for (let w = 0; w < 7; w++) {
    const bits = owned[w]!;
    if (bits === 0) continue;
    cpu.writePhys(iecPa(w * 32) + CLR, 4, bits);
    cpu.writePhys(ifsPa(w * 32) + CLR, 4, bits);
  }
  for (let n = 0; n < 54; n++) {
    const m = owned[16 + n]!;
    if (m === 0) continue;
    let boot = 0;
    for (let k = 0; k < 4; k++) if ((m >>> (8 * k)) & 0x1f) boot |= BOOT_IPC << (8 * k);
    cpu.writePhys(ipcPa(4 * n) + CLR, 4, m);
    cpu.writePhys(ipcPa(4 * n) + SET, 4, boot);
  }
}

function clearRam(hv: Hypervisor, t: Thread): void {
  const cpu = hv.cpu;
  for (const r of t.info?.regions ?? []) {
    if (!(r.flags & F_W) || r.flags & F_S || r.size === 0) continue;
    if (r.kind !== 'ram' && r.kind !== 'data' && r.kind !== 'dma' && r.kind !== 'stack') continue;
    const lo = r.rpa >>> 0, hi = Math.min(RAM_END, lo + r.size);
    for (let a = lo; a < hi; a += 4) cpu.writePhys(a, 4, 0);
  }
}

/** Zeroes the thread's GPRs in its shadow set (a root thread in set 0 keeps them in `t.gpr`). */
function clearShadowSet(hv: Hypervisor, t: Thread): void {
  if (t.srs === 0) return;
  const cpu = hv.cpu;
  const srs = cpu.mfc0(C0.SRSCTL);
  cpu.mtc0(C0.SRSCTL, (srs & ~(0xf << 6)) | (t.srs << 6));
  for (let n = 1; n < 32; n++) cpu.wrpgpr(n, 0);
  cpu.mtc0(C0.SRSCTL, srs);
}

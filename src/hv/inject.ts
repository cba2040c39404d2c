/**
 * Interrupt routing into VMs (tinyvp-runtime.md §10.2-§10.7): a real IRQ a VM owns is masked
 * at arrival and set in the VM's virtual IFS; an IRQ that is pending in the virtual IFS,
 * enabled in the virtual IEC and has a non-zero virtual priority is injected through
 * GuestCtl2 (GRIPL = priority, GVEC = the virtual OFF value); the guest takes it when GRIPL
 * exceeds its IPL, which the hypervisor sees as a GHFC exit (GuestCtl0Ext.FCD cleared while an
 * injection is pending, except for polling VMs). The best pending IRQ is re-presented when
 * the guest ends or cancels one.
 *
 * Fixes of §13 item 21: a VM that gets an IRQ it can take is switched to at once (the
 * original's condition was inverted, leaving it up to one 1 s tick late); an injection for a
 * VM that is not loaded is written to its saved GuestCtl2, never to the loaded VM's.
 */
import { CLR, iecPa, irqBit } from './evic-regs.ts';
import type { Hypervisor } from './hypervisor.ts';
import { switchTo } from './scheduler.ts';
import {
  GC0EXT_IDLE, GC0EXT_TRACK, pushHistory, TF_INTTRACE, TF_RUNNING, VIC_IEC, VIC_IFS, VIC_IPC, type Thread,
} from './thread.ts';
import { timerAccepted } from './guest-time.ts';

/** Virtual priority (IPC bits 4:2) of `irq` in `t`. */
function priority(t: Thread, irq: number): number {
  return (t.vic[VIC_IPC + (irq >>> 2)]! >>> (8 * (irq & 3) + 2)) & 7;
}

function pending(t: Thread, irq: number): boolean {
  const w = irq >>> 5, b = irqBit(irq);
  return (t.vic[VIC_IFS + w]! & b) !== 0 && (t.vic[VIC_IEC + w]! & b) !== 0;
}

/** `execute_IRQ` step 2: a real IRQ owned by VM `t` arrived. */
export function routeOwnedIrq(hv: Hypervisor, t: Thread, irq: number): void {
  hv.cpu.writePhys(iecPa(irq) + CLR, 4, irqBit(irq));
  t.vic[VIC_IFS + (irq >>> 5)] = t.vic[VIC_IFS + (irq >>> 5)]! | irqBit(irq);
  enforceIrq(hv, t, irq);
}

/** `enforce_irq`: injects `irq` into `t` if it is pending, enabled and has a priority. */
export function enforceIrq(hv: Hypervisor, t: Thread, irq: number): void {
  if (t === hv.root) return;
  if (t.kind !== 'vm') {
    hv.print(`enforce_irq: tries a non-guest thread ${t.tid}\n`);
    return;
  }
  if (!pending(t, irq)) return;
  const p = priority(t, irq);
  if (p === 0) return;
  insertIrq(hv, t, irq, p);
}

/** `insert_IRQ`: presents `irq` at level `ipl` to `t` unless an equal or higher one is presented. */
export function insertIrq(hv: Hypervisor, t: Thread, irq: number, ipl: number): void {
  if (t.injectedIpl !== 0 && hv.guestCtl2(t) >>> 24 === 0) recordAccepted(hv, t);
  t.waitingIrqs++;
  if (t.injectedIpl >= ipl) return;
  present(hv, t, irq, ipl);
  t.flags |= TF_RUNNING;
  // Switch at once when the VM can take it (its IPL is below the new level).
  if (t !== hv.current && statusIpl(hv.guestStatus(t)) < ipl) switchTo(hv, t);
}

function present(hv: Hypervisor, t: Thread, irq: number, ipl: number): void {
  hv.setGuestCtl2(t, ((ipl << 24) | (t.voff[irq]! & 0xffff)) >>> 0);
  t.injectedIrq = irq;
  t.injectedIpl = ipl;
  if (ipl !== 0 && !t.polling) hv.setGuestCtl0Ext(t, GC0EXT_TRACK);
  hv.counters.injections++;
  t.injected++;
}

/** §10.7: the best pending virtual IRQ of `t` as irq | ipl << 16, or -1. */
export function pickIrq(hv: Hypervisor, t: Thread): number {
  if (hv.guestTimerFlag(t)) t.vic[VIC_IFS] = t.vic[VIC_IFS]! | 1;
  let best = -1, bestIpl = 0;
  for (let w = 0; w < 7; w++) {
    let bits = (t.vic[VIC_IFS + w]! & t.vic[VIC_IEC + w]!) >>> 0;
    while (bits !== 0) {
      const b = 31 - Math.clz32(bits);
      bits = (bits & ~(1 << b)) >>> 0;
      const irq = (w << 5) | b;
      const p = priority(t, irq);
      if (p > bestIpl) { best = irq; bestIpl = p; }
    }
  }
  return best < 0 ? -1 : best | (bestIpl << 16);
}

/** `cancel_inject_IRQ`: presents the next best IRQ of `t`, or nothing. */
export function cancelInject(hv: Hypervisor, t: Thread): void {
  const next = pickIrq(hv, t);
  if (next >= 0) {
    present(hv, t, next & 0xffff, next >>> 16);
    return;
  }
  hv.setGuestCtl0Ext(t, GC0EXT_IDLE);
  t.waitingIrqs = 0;
  hv.setGuestCtl2(t, 0);
  t.injectedIrq = -1;
  t.injectedIpl = 0;
}

function recordAccepted(hv: Hypervisor, t: Thread): void {
  t.interruptedIrq = t.injectedIrq;
  t.interruptedIpl = t.injectedIpl;
  t.lastInterruptedIrq = pushHistory(t.lastInterruptedIrq, t.injectedIrq);
  if (t.waitingIrqs > 0) t.waitingIrqs--;
  if (hv.tracing(t, TF_INTTRACE)) hv.print(`Thread${t.tid}: interrupt ${t.injectedIrq}, ipl ${t.injectedIpl}\n`);
  t.injectedIrq = -1;
  t.injectedIpl = 0;
}

/** GHFC (§5.3): if the guest took the injected interrupt, record it and present the next one. */
export function ghfc(hv: Hypervisor, t: Thread): void {
  if (t.injectedIpl === 0 || hv.guestCtl2(t) >>> 24 !== 0) return;
  const irq = t.injectedIrq;
  recordAccepted(hv, t);
  cancelInject(hv, t);
  if (irq === 0) timerAccepted(hv, t);
}

/** IPL {Status[18], Status[16:10]} of a Status value. */
export function statusIpl(st: number): number {
  return ((st >>> 10) & 0x7f) | ((st >>> 11) & 0x80);
}

/**
 * Panics and crash diagnostics (tinyvp-runtime.md §8.5, §8.6). A thread panic prints
 * `PANIC_THREAD:`, the message and the diagnostic block once, then stops the thread; the other
 * threads keep running (§13 item 22: the original resumed the thread, so a fault that does not
 * advance EPC repeated for ever). A hypervisor panic (a fault of the hypervisor itself) prints
 * `PANIC:` and the block and stops the machine. The TLB dump restores the root registers TLBR
 * overwrote (§13 item 24).
 *
 * The block's SP/FP/GP/RA are the interrupted context's registers (the native hypervisor has
 * no stack of its own); KSCR0/KSCR1 are root KScratch1/2.
 */
import { C0, ST_EXL, ST_IE } from '../mips/cp0.ts';
import { CLR, iecPa, ifsPa, INTSTAT_PA, irqBit } from './evic-regs.ts';
import { x8 } from './format.ts';
import type { Hypervisor } from './hypervisor.ts';
import { G, TF_RUNNING, TF_STOPPED, type Thread } from './thread.ts';

export function panicThread(hv: Hypervisor, t: Thread, msg: string): void {
  if (t === hv.root) { hypervisorPanic(hv, msg); return; }
  if (!t.faulted) hv.print(`\nPANIC_THREAD: ${msg}\n${diagnosticBlock(hv, t)}`);
  t.faulted = true;
  t.flags = (t.flags & ~TF_RUNNING) | TF_STOPPED;
}

export function hypervisorPanic(hv: Hypervisor, msg: string): void {
  if (hv.dead) return;
  hv.dead = true;
  hv.print(`\nPANIC:\n${msg}${diagnosticBlock(hv, hv.loaded)}`);
  parked(hv);
}

/**
 * After a hypervisor panic the root "spins for ever" in its idle loop: every interrupt but the
 * console's TX (which finishes printing the panic) is masked at its first arrival.
 */
export function parked(hv: Hypervisor, code = -1): void {
  const cpu = hv.cpu;
  if (code === 0) {
    const irq = (cpu.readPhys(INTSTAT_PA, 4) ?? 0) & 0xff;
    if (irq === hv.consoleTxIrq) hv.out.txInterrupt();
    else {
      cpu.writePhys(iecPa(irq) + CLR, 4, irqBit(irq));
      cpu.writePhys(ifsPa(irq) + CLR, 4, irqBit(irq));
    }
  }
  cpu.mtc0(C0.GUESTCTL0, 0);
  cpu.mtc0(C0.EPC, hv.idleVa);
  cpu.mtc0(C0.STATUS, ST_IE | ST_EXL);
  cpu.eret();
}

function diagnosticBlock(hv: Hypervisor, t: Thread): string {
  const c = hv.cpu;
  const r = (n: number): number => (n === 0 ? 0 : c.rdpgpr(n));
  const g = (reg: number, sel: number): number => c.mfgc0(reg, sel);
  const lines = [
    `Phys:   EPC=${x8(c.mfc0(C0.EPC))} Status=${x8(c.mfc0(C0.STATUS))} Cause=${x8(c.mfc0(C0.CAUSE))} SRSctl=${x8(c.mfc0(C0.SRSCTL))} Context=${x8(c.mfc0(C0.CONTEXT))} ErrEPC=${x8(c.mfc0(C0.ERROREPC))}\n`,
    `\tGuestCtl0=${x8(c.mfc0(C0.GUESTCTL0))} GC1=${x8(c.mfc0(C0.GUESTCTL1))} GC2=${x8(c.mfc0(C0.GUESTCTL2))} GC3=${x8(c.mfc0(C0.GUESTCTL3))} GC0Ext=${x8(c.mfc0(C0.GUESTCTL0EXT))} BadVA=${x8(c.mfc0(C0.BADVADDR))} BadInstP=${x8(c.mfc0(C0.BADINSTRP))} BadInst=${x8(c.mfc0(C0.BADINSTR))}\n`,
    `\tNestedEPC=${x8(c.mfc0(C0.NESTEDEPC))} EXC=${x8(c.mfc0(C0.NESTEDEXC))} SP=${x8(r(29))} FP=${x8(r(30))} GP=${x8(r(28))} RA=${x8(r(31))} KSCR0=${x8(c.mfc0(C0.KSCRATCH1))} KSCR1=${x8(c.mfc0(C0.KSCRATCH2))}\n`,
    `Exfr: EPC=${x8(t.epc)} Status=${x8(t.status)} Cause=${x8(t.cause)} SRSctl=${x8(t.srs << 6)} Context=${x8(t.context)} GCtl0=${x8(t.guestCtl0)}\n`,
    `Guest:  EPC=${x8(g(14, 0))} Status=${x8(g(12, 0))} Cause=${x8(g(13, 0))} NestedEPC=${x8(g(14, 2))} EXC=${x8(g(13, 5))} Ebase=${x8(g(15, 1))} ErrEPC=${x8(g(30, 0))}\n`,
    `Thread${t.tid}: SRS=${t.srs} gid=${t.gid} IRQ=${t.injectedIrq} IPL=${t.injectedIpl}\n`,
    `\tGuest:  EPC=${x8(t.g[G.EPC]!)} Status=${x8(t.g[G.STATUS]!)} Cause=${x8(t.g[G.CAUSE]!)} NestedEPC=${x8(t.g[G.NESTEDEPC]!)} EXC=${x8(t.g[G.NESTEDEXC]!)}\n`,
  ];
  return lines.join('') + tlbDump(hv);
}

/** §8.5: live root TLB registers, then every entry with TLBR; the registers are restored. */
export function tlbDump(hv: Hypervisor): string {
  const c = hv.cpu;
  const saved = [C0.ENTRYHI, C0.ENTRYLO0, C0.ENTRYLO1, C0.PAGEMASK, C0.GUESTCTL1, C0.INDEX].map((i) => c.mfc0(i));
  let s = `EntryHI=0x${x8(saved[0]!)} Lo0=0x${x8(saved[1]!)} Lo1=0x${x8(saved[2]!)} PM=0x${x8(saved[3]!)} PG=${x8(c.mfc0(C0.PAGEGRAIN))} IND=0x${x8(saved[5]!)}\n`;
  const entries = ((c.mfc0(C0.CONFIG1) >>> 25) & 0x3f) + 1;
  for (let i = 0; i < entries; i++) {
    c.mtc0(C0.INDEX, i);
    c.tlbr();
    s += `TLB${i}: HI=0x${x8(c.mfc0(C0.ENTRYHI))} Lo0=0x${x8(c.mfc0(C0.ENTRYLO0))} Lo1=0x${x8(c.mfc0(C0.ENTRYLO1))} PM=0x${x8(c.mfc0(C0.PAGEMASK))} GCTL1=0x${x8(c.mfc0(C0.GUESTCTL1))}\n`;
  }
  [C0.ENTRYHI, C0.ENTRYLO0, C0.ENTRYLO1, C0.PAGEMASK, C0.GUESTCTL1, C0.INDEX].forEach((reg, k) => c.mtc0(reg, saved[k]!));
  return s;
}

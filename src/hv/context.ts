/**
 * The exit path and the context switch (tinyvp-runtime.md §4.4, §7.4, §7.5). Switch decisions
 * only change `hv.current`; the hardware follows here, once per exit: save the outgoing
 * thread's state (guest CP0 and wired guest TLB entries, HI/LO, shared-set GPRs), flush the
 * root TLB, clear the guest LL bit, load the incoming thread and ERET into it.
 *
 * The LL bit: the M5150 has no Config5.LLB, so root clears the guest's LL bit the way tinyVP
 * does, with a guest ERET: root ERETs into guest mode with an excursion GuestID at the ERET
 * page's GVA; VM0's tree maps that page onto the hypervisor's code page, where an ERET (clearing
 * the guest LL bit, jumping to guest EPC) is followed by a HYPCALL that exits back to root. The
 * excursion GuestID is the widest one the core accepts (so no VM shares it; tinyVP used 7),
 * probed at boot; its page sits in the wired root TLB entry 0.
 *
 * Decision (isolation, issue #6 item 10): tinyVP ran the excursion when switching away from a
 * VM; here it runs before every switch into a VM, with root interrupts enabled. The guarantee
 * is the same (a VM never sees an LL bit it did not set since it was last loaded), but its cost
 * then no longer depends on what ran before: entering VM 2 from an idle root or from a busy
 * VM 3 takes the same cycles. An interrupt during the excursion abandons it; the exit path
 * starts it again for whichever VM is entered next.
 */
import { C0, ST_EXL, ST_IE } from '../mips/cp0.ts';
import { handleInterrupt } from './interrupts.ts';
import { GEXC } from '../mips/vz.ts';
import { EXC } from '../mips/cp0.ts';
import { hypervisorPanic } from './diagnostics.ts';
import type { Hypervisor } from './hypervisor.ts';
import { flushRootTlb, refill, ROOT_WIRED } from './refill.ts';
import { readHiLo, writeHiLo } from './root-isa.ts';
import { reschedule } from './scheduler.ts';
import { G, GC0EXT_IDLE, GUEST_SAVED, TF_RUNNING, TF_STOPPED, VM_GUESTCTL0, type Thread } from './thread.ts';

const SRS_PSS_MASK = 0xf << 6;
/** Root Status bits that decide which interrupts are taken: IE, IM7..0 / IPL. */
const ROOT_IRQ_BITS = ST_IE | 0x0004ff00;
const TLBGR = 0x42000009;
const TLBGWI = 0x4200000a;

/** After an exception was handled: run the scheduler if thread 0 or a blocked thread is current, then resume. */
export function exitPath(hv: Hypervisor): void {
  const c = hv.current;
  if (c === hv.root || !(c.flags & TF_RUNNING) || c.flags & TF_STOPPED) reschedule(hv, false);
  resume(hv);
}

/** Makes the hardware hold `hv.current` and ERETs into it. */
export function resume(hv: Hypervisor): void {
  const next = hv.current;
  if (hv.loaded !== next || hv.discardLoaded) {
    const prev = hv.loaded;
    const keep = !hv.discardLoaded;
    hv.discardLoaded = false;
    accountSlice(hv, prev);
    if (keep) saveThread(hv, prev);
    hv.loaded = hv.root;
    if (next.kind === 'vm') { startExcursion(hv, next); return; }
    loadThread(hv, next);
  }
  eretTo(hv, next);
}

/** The exception that ends (or interrupts) the LL-bit excursion. */
export function excursionExit(hv: Hypervisor, code: number): void {
  const cpu = hv.cpu;
  const gexc = (cpu.mfc0(C0.GUESTCTL0) >>> 2) & 0x1f;
  if (code === EXC.INT) {
    // Abandoned: nothing of a thread is in the hardware yet, so there is no frame to save.
    hv.excursion = false;
    cpu.mtc0(C0.GUESTCTL0, 0);
    hv.counters.interrupts++;
    hv.counters.excursionsAbandoned++;
    handleInterrupt(hv);
    if (!hv.dead) exitPath(hv);
    return;
  }
  if (code === EXC.GE && gexc === GEXC.HC) {
    cpu.mtc0(C0.GUESTCTL0, 0);
    hv.excursion = false;
    hv.counters.excursions++;
    loadThread(hv, hv.current);
    eretTo(hv, hv.current);
    return;
  }
  // The ERET page is the wired entry 0, so nothing else can happen here.
  hypervisorPanic(hv, `LL-bit excursion failed: exception ${code}, gcause ${gexc}\n`);
}

/** At boot: the excursion's ERET page from VM0's tree into the wired entry 0. */
export function wireExcursionPage(hv: Hypervisor): void {
  const cpu = hv.cpu;
  const tree = hv.root.info?.tree;
  cpu.mtc0(C0.WIRED, ROOT_WIRED);
  if (tree === undefined || tree === null) return;
  cpu.mtc0(C0.GUESTCTL1, ((hv.llGid << 16) | hv.llGid) >>> 0);
  cpu.mtc0(C0.ENTRYHI, 0);
  // The guest reaches it through guest kseg0: the root TLB sees the GPA.
  refill(hv, hv.root, tree, hv.eretVa & 0x1fffffff, 0);
  cpu.mtc0(C0.GUESTCTL1, 0);
}

/** The excursion before `next` is loaded; root interrupts as `next` will take them. */
function startExcursion(hv: Hypervisor, next: Thread): void {
  const cpu = hv.cpu;
  hv.excursion = true;
  cpu.mtgc0(12, 0, 0);
  cpu.mtgc0(13, 0, 0);
  cpu.mtgc0(14, 0, (hv.eretVa + 4) | 0);
  cpu.mtc0(C0.GUESTCTL1, ((hv.llGid << 16) | hv.llGid) >>> 0);
  cpu.mtc0(C0.GUESTCTL0EXT, GC0EXT_IDLE);
  cpu.mtc0(C0.GUESTCTL2, 0);
  cpu.mtc0(C0.ENTRYHI, 0);
  cpu.mtc0(C0.GUESTCTL0, VM_GUESTCTL0);
  setPss(hv, 0);
  cpu.mtc0(C0.EPC, hv.eretVa);
  cpu.mtc0(C0.STATUS, (next.status & ROOT_IRQ_BITS) | ST_EXL);
  cpu.eret();
}

/** Instructions of the outgoing slice, measured with the root Count (2 cycles per count). */
function accountSlice(hv: Hypervisor, t: Thread): void {
  const now = hv.cpu.mfc0(C0.COUNT) >>> 0;
  if (t !== hv.root) t.instructions += 2 * ((now - hv.sliceStart) >>> 0);
  hv.sliceStart = now;
}

function saveThread(hv: Hypervisor, t: Thread): void {
  if (t === hv.root) return;
  const cpu = hv.cpu;
  readHiLo(cpu, t.hilo);
  if (t.kind === 'vm') saveGuest(hv, t);
  else if (t.srs === 0) {
    setPss(hv, 0);
    for (let n = 1; n < 32; n++) t.gpr[n] = cpu.rdpgpr(n);
  }
}

function loadThread(hv: Hypervisor, t: Thread): void {
  const cpu = hv.cpu;
  hv.counters.switches++;
  if (t !== hv.root) flushRootTlb(hv, ROOT_WIRED);
  hv.sliceStart = cpu.mfc0(C0.COUNT) >>> 0;
  cpu.mtc0(C0.GUESTCTL1, t.gc1);
  cpu.mtc0(C0.ENTRYHI, t.entryHi);
  hv.loaded = t;
  if (t === hv.root) return;
  writeHiLo(cpu, t.hilo[0]!, t.hilo[1]!);
  if (t.kind === 'vm') restoreGuest(hv, t);
  else if (t.srs === 0) {
    setPss(hv, 0);
    for (let n = 1; n < 32; n++) cpu.wrpgpr(n, t.gpr[n]!);
  }
}

/** ERET into `t` (thread 0: the root idle loop). */
function eretTo(hv: Hypervisor, t: Thread): void {
  const cpu = hv.cpu;
  if (t === hv.root) {
    cpu.mtc0(C0.GUESTCTL0, 0);
    setPss(hv, 0);
    cpu.mtc0(C0.CONTEXT, 0);
    cpu.mtc0(C0.EPC, hv.idleVa);
    cpu.mtc0(C0.STATUS, ST_IE | ST_EXL);
    cpu.eret();
    return;
  }
  setPss(hv, t.srs);
  cpu.mtc0(C0.CONTEXT, t.context);
  cpu.mtc0(C0.EPC, t.epc);
  cpu.mtc0(C0.GUESTCTL0, t.kind === 'vm' ? t.guestCtl0 : 0);
  cpu.mtc0(C0.STATUS, t.status | ST_EXL);
  cpu.eret();
}

function setPss(hv: Hypervisor, set: number): void {
  const cpu = hv.cpu;
  const s = cpu.mfc0(C0.SRSCTL);
  if (((s >>> 6) & 0xf) !== set) cpu.mtc0(C0.SRSCTL, (s & ~SRS_PSS_MASK) | (set << 6));
}

/** §7.4 step 2: the guest CP0 copies, wired guest TLB entries, GuestCtl0Ext/2, GTOffset. */
export function saveGuest(hv: Hypervisor, t: Thread): void {
  const cpu = hv.cpu;
  for (let i = 0; i < GUEST_SAVED.length; i++) {
    const [reg, sel] = GUEST_SAVED[i]!;
    t.g[i] = cpu.mfgc0(reg, sel);
  }
  t.gc0ext = cpu.mfc0(C0.GUESTCTL0EXT);
  t.gc2 = cpu.mfc0(C0.GUESTCTL2);
  t.gtoffset = cpu.mfc0(C0.GTOFFSET);
  const wired = t.g[G.WIRED]! & 15;
  if (wired > 0) {
    const gc1 = cpu.mfc0(C0.GUESTCTL1);
    for (let i = 0; i < wired; i++) {
      cpu.mtgc0(0, 0, i);
      cpu.rootOp(TLBGR);
      t.gWired[4 * i] = cpu.mfgc0(10, 0);
      t.gWired[4 * i + 1] = cpu.mfgc0(2, 0);
      t.gWired[4 * i + 2] = cpu.mfgc0(3, 0);
      t.gWired[4 * i + 3] = cpu.mfgc0(5, 0);
    }
    cpu.mtc0(C0.GUESTCTL1, gc1);
    // TLBGR overwrote the guest's own EntryHi/EntryLo/PageMask/Index, already saved above.
  }
}

/** §7.4 step 5. */
export function restoreGuest(hv: Hypervisor, t: Thread): void {
  const cpu = hv.cpu;
  const g = t.g;
  const wired = g[G.WIRED]! & 15;
  for (let i = 0; i < wired; i++) {
    cpu.mtgc0(0, 0, i);
    cpu.mtgc0(10, 0, t.gWired[4 * i]!);
    cpu.mtgc0(2, 0, t.gWired[4 * i + 1]!);
    cpu.mtgc0(3, 0, t.gWired[4 * i + 2]!);
    cpu.mtgc0(5, 0, t.gWired[4 * i + 3]!);
    cpu.rootOp(TLBGWI);
  }
  for (let i = 0; i < GUEST_SAVED.length; i++) {
    if (i === G.COMPARE || i === G.CAUSE) continue;
    const [reg, sel] = GUEST_SAVED[i]!;
    cpu.mtgc0(reg, sel, g[i]!);
  }
  cpu.mtgc0(13, 0, g[G.CAUSE]!);
  cpu.mtc0(C0.GTOFFSET, t.gtoffset);
  // Writing Compare clears Cause.TI; a pending timer is written back after it.
  cpu.mtgc0(11, 0, g[G.COMPARE]!);
  if (g[G.CAUSE]! & (1 << 30)) cpu.mtgc0(13, 0, g[G.CAUSE]!);
  cpu.mtc0(C0.GUESTCTL0EXT, t.gc0ext);
  cpu.mtc0(C0.GUESTCTL2, t.gc2);
  cpu.mtc0(C0.GUESTCTL3, t.gc3);
}

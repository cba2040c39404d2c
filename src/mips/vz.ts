/**
 * The VZ option (spec/mips-vz-m5150.md §1-§5): the guest CP0 context, guest-mode CP0
 * instructions with their traps (GPSI, GSFC, HC, GRR), guest exceptions and their GHFC exit,
 * two-stage translation, root access to the guest context (MFGC0/MTGC0, TLBG*), the guest
 * timer and interrupt injection through GuestCtl2. Where the spec leaves a behaviour open the
 * choice is a named constant here and listed in docs/vz.md.
 */
import type { Cpu } from './cpu.ts';
import {
  C0, CA_DC, CA_IV, CA_RIPL_MASK, CA_RIPL_SHIFT, CA_TI, CFG3_VEIC, CFG3_VZ, CP0_REGS, EH_EHINV,
  EXC, ST_BEV, ST_CU0, ST_CU1, ST_ERL, ST_EXL, ST_FR, ST_IE, ST_MX,
  ST_UM, TLB_ENTRIES, cp0Index, enterExceptionState, tlbFaultState,
} from './cp0.ts';
import { ACC_FETCH, ACC_STORE } from './softtlb.ts';
import { permissionFault } from './tlb.ts';

// GuestCtl0 fields.
export const GC0_GM = 1 << 31;
export const GC0_RI = 1 << 30;
export const GC0_MC = 1 << 29;
export const GC0_CP0 = 1 << 28;
export const GC0_AT_SHIFT = 26;
export const GC0_GT = 1 << 25;
export const GC0_CG = 1 << 24;
export const GC0_CF = 1 << 23;
export const GC0_SFC2 = 1 << 1;
export const GC0_SFC1 = 1 << 0;
export const GC0_GEXC_SHIFT = 2;
// GuestCtl0Ext fields.
export const GC0X_CGI = 1 << 4;
export const GC0X_FCD = 1 << 3;
export const GC0X_OG = 1 << 2;
export const GC0X_BG = 1 << 1;

/** GuestCtl0.GExcCode values. */
export const GEXC = { GPSI: 0, GSFC: 1, HC: 2, GRR: 3, GVA: 8, GHFC: 9, GPA: 10 } as const;

const VEC_GENERAL = 0x180;
const BEV_BASE = 0xbfc00200 | 0;

/**
 * Guest Status bits whose change by a guest MTC0 always exits with GSFC (root-sensitive):
 * CU1 (unless SFC1), CU2 (unless SFC2), CU3, RE, FR, MX.
 */
const GSFC_STATUS_ALWAYS = (1 << 31) | ST_FR | (1 << 25) | ST_MX;
/** Guest Status bits tracked when GuestCtl0.MC=1 and GuestCtl0Ext.FCD=0: EXL, ERL, UM, IE, IM/IPL. */
const GSFC_STATUS_TRACKED = ST_EXL | ST_ERL | ST_UM | ST_IE | 0x0005ff00;
/** Guest Cause bits tracked the same way: IV, DC, IP1:0. */
const GSFC_CAUSE_TRACKED = CA_IV | (1 << 27) | 0x300;
/** The guest has no shadow register sets of its own (guest SRSCtl.HSS = 0; spec §5.3). */
export const GUEST_SHADOW_SETS = 1;

interface GuestReg {
  reset: number;
  /** Bits the guest writes with MTC0 (after trap checks). */
  gmask: number;
  /** Bits root writes with MTGC0 (the whole saved state, for hypervisors that switch contexts). */
  rmask: number;
}

const rootReset = (i: number): number => CP0_REGS.get(i)?.reset ?? 0;
const rootMask = (i: number): number => CP0_REGS.get(i)?.wmask ?? 0;

/** Registers replicated in the guest context (spec §2.1). */
export const GUEST_REGS: ReadonlyMap<number, GuestReg> = new Map<number, GuestReg>([
  [C0.INDEX, { reset: 0, gmask: rootMask(C0.INDEX), rmask: (1 << 31) | rootMask(C0.INDEX) }],
  [C0.ENTRYLO0, { reset: 0, gmask: rootMask(C0.ENTRYLO0), rmask: rootMask(C0.ENTRYLO0) }],
  [C0.ENTRYLO1, { reset: 0, gmask: rootMask(C0.ENTRYLO1), rmask: rootMask(C0.ENTRYLO1) }],
  [C0.CONTEXT, { reset: 0, gmask: rootMask(C0.CONTEXT), rmask: -1 }],
  [C0.USERLOCAL, { reset: 0, gmask: -1, rmask: -1 }],
  [C0.PAGEMASK, { reset: 0, gmask: rootMask(C0.PAGEMASK), rmask: rootMask(C0.PAGEMASK) }],
  [C0.PAGEGRAIN, { reset: 0, gmask: rootMask(C0.PAGEGRAIN), rmask: rootMask(C0.PAGEGRAIN) }],
  [C0.WIRED, { reset: 0, gmask: rootMask(C0.WIRED), rmask: rootMask(C0.WIRED) }],
  [C0.HWRENA, { reset: 0, gmask: rootMask(C0.HWRENA), rmask: rootMask(C0.HWRENA) }],
  [C0.BADVADDR, { reset: 0, gmask: 0, rmask: -1 }],
  [C0.BADINSTR, { reset: 0, gmask: 0, rmask: -1 }],
  [C0.BADINSTRP, { reset: 0, gmask: 0, rmask: -1 }],
  [C0.ENTRYHI, { reset: 0, gmask: rootMask(C0.ENTRYHI), rmask: rootMask(C0.ENTRYHI) }],
  [C0.COMPARE, { reset: 0, gmask: -1, rmask: -1 }],
  [C0.STATUS, { reset: ST_BEV | ST_ERL, gmask: rootMask(C0.STATUS), rmask: rootMask(C0.STATUS) }],
  [C0.INTCTL, { reset: rootReset(C0.INTCTL), gmask: rootMask(C0.INTCTL), rmask: rootMask(C0.INTCTL) }],
  [C0.SRSCTL, { reset: 0, gmask: 0, rmask: 0xf3cf }],
  [C0.SRSMAP, { reset: 0, gmask: 0, rmask: -1 }],
  [C0.SRSMAP2, { reset: 0, gmask: 0, rmask: 0xff }],
  [C0.CAUSE, { reset: 0, gmask: rootMask(C0.CAUSE), rmask: -1 }],
  [C0.NESTEDEXC, { reset: 0, gmask: 0, rmask: 6 }],
  [C0.EPC, { reset: 0, gmask: -1, rmask: -1 }],
  [C0.NESTEDEPC, { reset: 0, gmask: -1, rmask: -1 }],
  [C0.PRID, { reset: rootReset(C0.PRID), gmask: 0, rmask: 0 }],
  [C0.EBASE, { reset: rootReset(C0.EBASE), gmask: rootMask(C0.EBASE), rmask: rootMask(C0.EBASE) }],
  [C0.CONFIG0, { reset: rootReset(C0.CONFIG0), gmask: 7, rmask: 7 }],
  // Root may resize the guest TLB (Config1.MMUSize-1) and hide the FPU (Config1.FP).
  [C0.CONFIG1, { reset: rootReset(C0.CONFIG1), gmask: 0, rmask: (0x3f << 25) | 1 }],
  [C0.CONFIG2, { reset: rootReset(C0.CONFIG2), gmask: 0, rmask: 0 }],
  // Root decides whether the guest sees an EIC (Config3.VEIC) and vectored interrupts.
  [C0.CONFIG3, { reset: rootReset(C0.CONFIG3) & ~CFG3_VZ, gmask: 0, rmask: CFG3_VEIC | (1 << 5) | (1 << 13) }],
  [C0.CONFIG4, { reset: rootReset(C0.CONFIG4), gmask: 0, rmask: 0 }],
  [C0.CONFIG5, { reset: rootReset(C0.CONFIG5), gmask: 0, rmask: 0 }],
  [C0.CONFIG6, { reset: 0, gmask: 0, rmask: 0 }],
  [C0.CONFIG7, { reset: rootReset(C0.CONFIG7), gmask: 0, rmask: 0 }],
  [C0.LLADDR, { reset: 0, gmask: 0, rmask: 0 }],
  [C0.ERROREPC, { reset: 0, gmask: -1, rmask: -1 }],
  [C0.KSCRATCH1, { reset: 0, gmask: -1, rmask: -1 }],
  [C0.KSCRATCH2, { reset: 0, gmask: -1, rmask: -1 }],
]);

const G_IMPL = new Uint8Array(256);
const G_GMASK = new Int32Array(256);
const G_RMASK = new Int32Array(256);
for (const [i, d] of GUEST_REGS) {
  G_IMPL[i] = 1;
  G_GMASK[i] = d.gmask;
  G_RMASK[i] = d.rmask;
}

/** Guest CP0 at reset (before a hypervisor initialises it). */
export function guestReset(cpu: Cpu): void {
  cpu.gcp0.fill(0);
  for (const [i, d] of GUEST_REGS) cpu.gcp0[i] = d.reset;
  if (cpu.eic === null) cpu.gcp0[C0.CONFIG3]! &= ~CFG3_VEIC;
  if (!cpu.hasFpu) cpu.gcp0[C0.CONFIG1]! &= ~1;
  cpu.gtlb.reset();
  cpu.gllbit = false;
  cpu.gRandomEpoch = cpu.clock.now;
}

/** Guest Count = root Count + GTOffset. */
export function guestCount(cpu: Cpu): number {
  return (cpu.count() + cpu.cp0[C0.GTOFFSET]!) | 0;
}

function guestRandom(cpu: Cpu): number {
  const wired = cpu.gcp0[C0.WIRED]!;
  if (wired >= TLB_ENTRIES) return TLB_ENTRIES - 1;
  return TLB_ENTRIES - 1 - ((cpu.clock.now - cpu.gRandomEpoch) % (TLB_ENTRIES - wired));
}

/** Schedules the guest timer's next match (guest Cause.TI). */
export function scheduleGuestCompare(cpu: Cpu): void {
  // Cause.DC stops root Count, and with it guest Count: no match can come.
  if (cpu.cp0[C0.CAUSE]! & CA_DC) { cpu.clock.cancel(cpu.gCompareTimer); return; }
  let delta = (cpu.gcp0[C0.COMPARE]! - guestCount(cpu)) >>> 0;
  if (delta === 0) delta = 0x1_0000_0000;
  cpu.clock.schedule(cpu.gCompareTimer, (Math.floor(cpu.clock.now / 2) + delta) * 2);
}

export function guestCompareMatch(cpu: Cpu): void {
  cpu.gcp0[C0.CAUSE]! |= CA_TI;
  scheduleGuestCompare(cpu);
  cpu.brk = true;
}

/** Guest kernel privilege from the guest Status. */
export function guestKernel(cpu: Cpu): boolean {
  const st = cpu.gcp0[C0.STATUS]!;
  return !(st & ST_UM) || (st & (ST_EXL | ST_ERL)) !== 0;
}

// ------------------------------------------------------------------ exits and guest exceptions

/** Leaves guest mode with a Guest Exit (root ExcCode 27) of kind `gexc` for the current instruction. */
export function guestExit(cpu: Cpu, gexc: number): void {
  setGExcCode(cpu, gexc);
  cpu.enter(EXC.GE, cpu.ipc, cpu.inDs, VEC_GENERAL, true, 0);
}

function setGExcCode(cpu: Cpu, gexc: number): void {
  const c = cpu.cp0;
  c[C0.GUESTCTL0] = (c[C0.GUESTCTL0]! & ~(0x1f << GC0_GEXC_SHIFT)) | (gexc << GC0_GEXC_SHIFT);
}

/**
 * Exception entry in the guest context: the guest's EPC/Cause/Status/vector, no root
 * involvement — except the GHFC exit when root tracks guest mode changes (MC=1, FCD=0).
 */
export function guestEnter(cpu: Cpu, code: number, epc: number, inDs: boolean, vec: number, badInstr: boolean, ce: number): void {
  const g = cpu.gcp0;
  const stat = enterExceptionState(g, code, epc, inDs, badInstr ? cpu.iw : null, cpu.brw, ce);
  const base = stat & ST_BEV ? BEV_BASE : g[C0.EBASE]! & ~0xfff;
  cpu.setPc((base + vec) | 0);
  cpu.trap = true;
  cpu.brk = true;
  cpu.modeChanged();
  if (cpu.excHook !== null) cpu.excHook(cpu, code, true, true);
  const c = cpu.cp0;
  if (!(stat & ST_EXL) && c[C0.GUESTCTL0]! & GC0_MC && !(c[C0.GUESTCTL0EXT]! & GC0X_FCD)) {
    // GHFC: reported after the guest state change; root EPC is where the guest resumes.
    setGExcCode(cpu, GEXC.GHFC);
    cpu.enter(EXC.GE, cpu.pc, false, VEC_GENERAL, false, 0);
  }
}

/** A guest-level synchronous exception for the current instruction. */
export function guestRaise(cpu: Cpu, code: number, ce = 0): void {
  guestEnter(cpu, code, cpu.ipc, cpu.inDs, VEC_GENERAL, true, ce);
}

/** Reserved instruction in guest mode: to root as GRR when GuestCtl0.RI=1, else the guest's RI. */
export function guestReserved(cpu: Cpu): void {
  if (cpu.cp0[C0.GUESTCTL0]! & GC0_RI) guestExit(cpu, GEXC.GRR);
  else guestRaise(cpu, EXC.RI);
}

/** Coprocessor unusable in guest mode: the guest's own CU bits first, then root's (lazy FPU). */
export function guestCpUnusable(cpu: Cpu, unit: number): void {
  const gst = cpu.gcp0[C0.STATUS]!;
  if (unit === 1 && gst & ST_CU1) cpu.enter(EXC.CPU, cpu.ipc, cpu.inDs, VEC_GENERAL, true, 1);
  else guestRaise(cpu, EXC.CPU, unit);
}

// ------------------------------------------------------------------ two-stage translation

/**
 * GVA → GPA with the guest segments and guest TLB (faults go to the guest), then GPA → RPA
 * with the root TLB entries of GuestCtl1.ID (faults exit to root with GExcCode=GPA).
 */
export function translateGuest(cpu: Cpu, va: number, acc: number): number {
  const g = cpu.gcp0;
  const gst = g[C0.STATUS]!;
  let gpa: number;
  if (va < 0) {
    if (!cpu.kernel) { guestAddressError(cpu, va, acc); return -1; }
    if (va < (0xc0000000 | 0)) gpa = va & 0x1fffffff;
    else { gpa = guestMapped(cpu, va, acc); if (gpa < 0) return -1; }
  } else if (gst & ST_ERL) gpa = va;
  else { gpa = guestMapped(cpu, va, acc); if (gpa < 0) return -1; }
  const rpa = rootStage2(cpu, gpa >>> 0, acc);
  if (rpa < 0) return -1;
  const host = cpu.bus.pageBase(rpa >>> 12, acc === ACC_STORE);
  if (host >= 0) cpu.currentContext().fill(acc, va, host, gpa >>> 12);
  return rpa;
}

/** Address error in the guest context (guest BadVAddr, guest vector). */
export function guestAddressError(cpu: Cpu, va: number, acc: number): void {
  cpu.gcp0[C0.BADVADDR] = va;
  guestEnter(cpu, acc === ACC_STORE ? EXC.ADES : EXC.ADEL, cpu.ipc, cpu.inDs, VEC_GENERAL, acc !== ACC_FETCH, 0);
}

function guestTlbException(cpu: Cpu, code: number, va: number, refill: boolean, fetch: boolean): void {
  const g = cpu.gcp0;
  tlbFaultState(g, va);
  const vec = refill && !(g[C0.STATUS]! & ST_EXL) ? 0 : VEC_GENERAL;
  guestEnter(cpu, code, cpu.ipc, cpu.inDs, vec, !fetch, 0);
}

function guestMapped(cpu: Cpu, va: number, acc: number): number {
  const g = cpu.gcp0;
  const t = cpu.gtlb;
  const gid = cpu.cp0[C0.GUESTCTL1]! & 0xff;
  const i = t.lookup(va, g[C0.ENTRYHI]! & 0xff, gid);
  const code = acc === ACC_STORE ? EXC.TLBS : EXC.TLBL;
  if (i < 0) { guestTlbException(cpu, code, va, true, acc === ACC_FETCH); return -1; }
  const lo = t.entryLo(i, va);
  const fault = permissionFault(lo, acc, g[C0.PAGEGRAIN]!);
  if (fault >= 0) { guestTlbException(cpu, fault, va, false, acc === ACC_FETCH); return -1; }
  return t.physical(i, lo, va);
}

function rootStage2(cpu: Cpu, gpa: number, acc: number): number {
  const c = cpu.cp0;
  const t = cpu.tlb;
  const i = t.lookup(gpa | 0, c[C0.ENTRYHI]! & 0xff, c[C0.GUESTCTL1]! & 0xff);
  const code = acc === ACC_STORE ? EXC.TLBS : EXC.TLBL;
  if (i < 0) { stage2Fault(cpu, code, gpa, true, acc); return -1; }
  const lo = t.entryLo(i, gpa);
  const fault = permissionFault(lo, acc, c[C0.PAGEGRAIN]!);
  if (fault >= 0) { stage2Fault(cpu, fault, gpa, false, acc); return -1; }
  return t.physical(i, lo, gpa);
}

function stage2Fault(cpu: Cpu, code: number, gpa: number, refill: boolean, acc: number): void {
  setGExcCode(cpu, GEXC.GPA);
  cpu.tlbException(code, gpa | 0, refill, acc === ACC_FETCH);
}


// ------------------------------------------------------------------ guest CP0 instructions

/** Registers whose guest MFC0/MTC0 always exit with GPSI (root emulates them). */
function alwaysTraps(i: number): boolean {
  const reg = i >>> 3;
  return i === C0.PRID || i === cp0Index(15, 2) || i === cp0Index(15, 3) || i === C0.SRSCTL || i === C0.SRSMAP || i === C0.SRSMAP2
    || reg === 18 || reg === 19 || reg === 23 || reg === 24 || reg === 25 || reg === 26 || reg === 27 || reg === 28;
}

/** GPSI rules for a guest MFC0 (write=false) or MTC0 (write=true) of register i. */
function cp0Traps(cpu: Cpu, i: number, write: boolean): boolean {
  const gc0 = cpu.cp0[C0.GUESTCTL0]!;
  const ext = cpu.cp0[C0.GUESTCTL0EXT]!;
  if (alwaysTraps(i)) return true;
  if (i === C0.COUNT) return write || !(gc0 & GC0_GT);
  if (i === C0.COMPARE) return !(gc0 & GC0_GT);
  if (i >>> 3 === 16) return i === C0.CONFIG7 || (write && !(gc0 & GC0_CF));
  if (i === C0.LLADDR) return write || (ext & GC0X_OG) !== 0;
  if (i === C0.USERLOCAL || i === C0.HWRENA || i === C0.KSCRATCH1 || i === C0.KSCRATCH2) return (ext & GC0X_OG) !== 0;
  if (i === C0.BADVADDR || i === C0.BADINSTR || i === C0.BADINSTRP) return (ext & GC0X_BG) !== 0;
  return false;
}

/** GSFC rule for a guest MTC0: true when the write must be completed by root. */
function fieldChangeTraps(cpu: Cpu, i: number, v: number): boolean {
  const g = cpu.gcp0;
  const gc0 = cpu.cp0[C0.GUESTCTL0]!;
  const tracking = (gc0 & GC0_MC) !== 0 && !(cpu.cp0[C0.GUESTCTL0EXT]! & GC0X_FCD);
  if (i === C0.STATUS) {
    const changed = (g[i]! ^ v) & G_GMASK[i]!;
    let always = GSFC_STATUS_ALWAYS;
    if (!(gc0 & GC0_SFC1)) always |= ST_CU1;
    if (!(gc0 & GC0_SFC2)) always |= 1 << 30;
    if ((g[i]! ^ v) & always) return true;
    return tracking && (changed & GSFC_STATUS_TRACKED) !== 0;
  }
  if (!tracking) return false;
  if (i === C0.CAUSE) return ((g[i]! ^ v) & GSFC_CAUSE_TRACKED) !== 0;
  if (i === C0.INTCTL || i === C0.PAGEGRAIN) return ((g[i]! ^ v) & G_GMASK[i]!) !== 0;
  return false;
}

/** Guest view of a guest CP0 register (guest MFC0 after traps, and root MFGC0). */
export function guestRead(cpu: Cpu, i: number): number {
  const g = cpu.gcp0;
  switch (i) {
    case C0.COUNT: return guestCount(cpu);
    case C0.RANDOM: return guestRandom(cpu);
    case C0.VIEW_IPL: return guestIpl(cpu) << 2;
    case C0.VIEW_RIPL: return (((g[C0.CAUSE]! >>> CA_RIPL_SHIFT) & 0xff) << 2) | ((g[C0.CAUSE]! >>> 8) & 3);
    case C0.CAUSE: return guestCauseView(cpu);
    default: return G_IMPL[i] ? g[i]! : 0;
  }
}

/** Writes a guest CP0 register with `mask` (guest MTC0 or root MTGC0) and applies side effects. */
export function guestWrite(cpu: Cpu, i: number, v: number, root: boolean): void {
  const g = cpu.gcp0;
  if (i === C0.VIEW_IPL) {
    const ipl = (v >>> 2) & 0xff;
    g[C0.STATUS] = (g[C0.STATUS]! & ~((0x7f << 10) | (1 << 18))) | ((ipl & 0x7f) << 10) | ((ipl & 0x80) << 11);
    cpu.brk = true;
    return;
  }
  const m = root ? G_RMASK[i]! : G_GMASK[i]!;
  g[i] = (g[i]! & ~m) | (v & m);
  switch (i) {
    case C0.COMPARE:
      g[C0.CAUSE]! &= ~CA_TI;
      scheduleGuestCompare(cpu);
      break;
    case C0.WIRED: cpu.gRandomEpoch = cpu.clock.now; break;
    case C0.PAGEGRAIN: cpu.flushGuestTranslations(-1); break;
    case C0.STATUS: case C0.ENTRYHI: cpu.modeChanged(); break;
    default: break;
  }
  cpu.brk = true;
}

function guestIpl(cpu: Cpu): number {
  const st = cpu.gcp0[C0.STATUS]!;
  return ((st >>> 10) & 0x7f) | ((st >>> 11) & 0x80);
}

function guestEicMode(cpu: Cpu): boolean {
  const g = cpu.gcp0;
  return (g[C0.CONFIG3]! & CFG3_VEIC) !== 0 && (g[C0.CAUSE]! & CA_IV) !== 0 && !(g[C0.STATUS]! & ST_BEV);
}

/** Pending guest IP7..IP0 in the non-EIC form: guest software, GuestCtl2.VIP, guest timer. */
function guestPendingIp(cpu: Cpu): number {
  const g = cpu.gcp0;
  let ip = (g[C0.CAUSE]! >>> 8) & 3;
  ip |= ((cpu.cp0[C0.GUESTCTL2]! >>> 10) & 0x3f) << 2;
  if (g[C0.CAUSE]! & CA_TI) ip |= 1 << (g[C0.INTCTL]! >>> 29);
  return ip;
}

function guestCauseView(cpu: Cpu): number {
  const c = cpu.gcp0[C0.CAUSE]!;
  if ((cpu.gcp0[C0.CONFIG3]! & CFG3_VEIC) !== 0) return c;
  return (c & ~(0xfc << 8)) | ((guestPendingIp(cpu) & 0xfc) << 8);
}

/**
 * Delivers a guest interrupt if one is pending and the guest accepts it: EIC form from
 * GuestCtl2.GRIPL/GVEC (GRIPL cleared by hardware on acceptance), or the non-EIC form.
 */
export function checkGuestInterrupts(cpu: Cpu): void {
  const g = cpu.gcp0;
  const gst = g[C0.STATUS]!;
  if (gst & (ST_EXL | ST_ERL)) return;
  const c = cpu.cp0;
  if (g[C0.CONFIG3]! & CFG3_VEIC) {
    const gctl2 = c[C0.GUESTCTL2]!;
    const gripl = gctl2 >>> 24;
    if (gripl === 0 || gripl <= guestIpl(cpu) || !(gst & ST_IE)) return;
    g[C0.CAUSE] = (g[C0.CAUSE]! & ~CA_RIPL_MASK) | (gripl << CA_RIPL_SHIFT);
    c[C0.GUESTCTL2] = gctl2 & 0x00ffffff;
    const vec = guestEicMode(cpu) ? gctl2 & 0xffff : g[C0.CAUSE]! & CA_IV ? 0x200 : VEC_GENERAL;
    guestEnter(cpu, EXC.INT, cpu.pc, cpu.nextDs, vec, false, 0);
    return;
  }
  const ip = guestPendingIp(cpu) & (gst >>> 8) & 0xff;
  if (ip === 0 || !(gst & ST_IE)) return;
  let vec = VEC_GENERAL;
  if (g[C0.CAUSE]! & CA_IV) {
    // Vectored interrupts (guest Config3.VInt, IntCtl.VS): the highest pending IP picks the slot.
    const vs = (g[C0.INTCTL]! >>> 5) & 0x1f;
    const vint = (g[C0.CONFIG3]! & (1 << 5)) !== 0;
    vec = 0x200 + (vint && vs !== 0 && !(gst & ST_BEV) ? (31 - Math.clz32(ip)) * (vs << 5) : 0);
  }
  guestEnter(cpu, EXC.INT, cpu.pc, cpu.nextDs, vec, false, 0);
}

/** A COP0-opcode instruction executed in guest mode. */
export function guestCop0(cpu: Cpu, w: number): void {
  const c = cpu.cp0;
  // Guest user mode without CU0: every COP0 instruction, HYPCALL included, is a guest CpU.
  if (!cpu.kernel && !(cpu.gcp0[C0.STATUS]! & ST_CU0)) { guestRaise(cpu, EXC.CPU, 0); return; }
  if (isHypcall(w)) { guestExit(cpu, GEXC.HC); return; }
  if (!(c[C0.GUESTCTL0]! & GC0_CP0)) { guestExit(cpu, GEXC.GPSI); return; }
  const rs = (w >>> 21) & 31, rt = (w >>> 16) & 31, rd = (w >>> 11) & 31;
  const r = cpu.gpr;
  if (rs >= 16) { guestCop0Function(cpu, w); return; }
  switch (rs) {
    case 0x00: { // MFC0
      const i = (rd << 3) | (w & 7);
      if (cp0Traps(cpu, i, false)) { guestExit(cpu, GEXC.GPSI); return; }
      if (rt !== 0) r[rt] = guestRead(cpu, i);
      return;
    }
    case 0x04: { // MTC0
      const i = (rd << 3) | (w & 7);
      const v = r[rt]!;
      if (cp0Traps(cpu, i, true)) { guestExit(cpu, GEXC.GPSI); return; }
      if (fieldChangeTraps(cpu, i, v)) { guestExit(cpu, GEXC.GSFC); return; }
      guestWrite(cpu, i, v, false);
      return;
    }
    case 0x0a: if (rd !== 0) r[rd] = r[rt]!; return; // RDPGPR: no guest shadow sets
    case 0x0e: if (rd !== 0) r[rd] = r[rt]!; return; // WRPGPR
    case 0x0b: { // DI / EI on the guest Status
      if (rd !== 12 || (w & 0x7ff & ~0x20) !== 0) { guestReserved(cpu); return; }
      const g = cpu.gcp0;
      const old = g[C0.STATUS]!;
      if (rt !== 0) r[rt] = old;
      g[C0.STATUS] = w & 0x20 ? old | ST_IE : old & ~ST_IE;
      cpu.brk = true;
      return;
    }
    default: guestReserved(cpu); return; // MFGC0/MTGC0 and XPA forms do not exist in the guest
  }
}

function isHypcall(w: number): boolean {
  return (w & 0xfe00003f) === 0x42000028;
}

function guestCop0Function(cpu: Cpu, w: number): void {
  const at = (cpu.cp0[C0.GUESTCTL0]! >>> GC0_AT_SHIFT) & 3;
  switch (w & 63) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x06: case 0x08: // guest TLB operations
      if (at !== 3) { guestExit(cpu, GEXC.GPSI); return; }
      guestTlbOp(cpu, w & 63, cpu.cp0[C0.GUESTCTL1]! & 0xff);
      return;
    case 0x18: // ERET in the guest context
      if (w & 0x40) { guestReserved(cpu); return; }
      guestEret(cpu);
      cpu.trap = true;
      return;
    case 0x20: guestExit(cpu, GEXC.GPSI); return; // WAIT: root decides whether to deschedule
    default: guestReserved(cpu); return; // TLBG*, DERET, IRET do not exist for the guest
  }
}

/** ERET with the guest context; clears the guest LL bit. Also legal with EXL=ERL=0 (PC ← EPC). */
export function guestEret(cpu: Cpu): void {
  const g = cpu.gcp0;
  const st = g[C0.STATUS]!;
  if (st & ST_ERL) {
    g[C0.STATUS] = st & ~ST_ERL;
    cpu.setPc(g[C0.ERROREPC]!);
  } else {
    g[C0.STATUS] = st & ~ST_EXL;
    cpu.setPc(g[C0.EPC]!);
  }
  cpu.gllbit = false;
  cpu.brk = true;
  cpu.modeChanged();
}

/** CACHE in guest kernel mode: which operations exit (GuestCtl0.CG, GuestCtl0Ext.CGI). */
export function guestCacheTraps(cpu: Cpu, w: number): boolean {
  const gc0 = cpu.cp0[C0.GUESTCTL0]!;
  if (!(gc0 & GC0_CG)) return true;
  const op = (w >>> 18) & 7;
  if (op >= 4) return false;
  return !(op === 0 && cpu.cp0[C0.GUESTCTL0EXT]! & GC0X_CGI);
}

/** RDHWR $2 (CC) exits when the guest may not read the timer. */
export function guestRdhwrTraps(cpu: Cpu, rd: number): boolean {
  return rd === 2 && !(cpu.cp0[C0.GUESTCTL0]! & GC0_GT);
}

// ------------------------------------------------------------------ guest TLB

/**
 * TLBR/TLBWI/TLBINV/TLBINVF/TLBWR/TLBP on the guest TLB with guest CP0 registers, entries
 * tagged `gid`. Used by the guest itself (gid = GuestCtl1.ID) and by root's TLBG* (gid = RID).
 */
export function guestTlbOp(cpu: Cpu, fn: number, gid: number): void {
  const g = cpu.gcp0, t = cpu.gtlb;
  switch (fn) {
    case 0x01: { // TLBR
      const i = g[C0.INDEX]! & (TLB_ENTRIES - 1);
      g[C0.ENTRYHI] = t.hi[i]! | (t.inv[i] ? EH_EHINV : 0);
      g[C0.PAGEMASK] = t.mask[i]!;
      g[C0.ENTRYLO0] = t.lo0[i]!;
      g[C0.ENTRYLO1] = t.lo1[i]!;
      cpu.modeChanged();
      return;
    }
    case 0x02: guestTlbWrite(cpu, g[C0.INDEX]! & (TLB_ENTRIES - 1), gid); return;
    case 0x06: guestTlbWrite(cpu, guestRandom(cpu), gid); return;
    case 0x08: { // TLBP
      const i = t.probe(g[C0.ENTRYHI]!, gid);
      g[C0.INDEX] = i < 0 ? 0x80000000 | 0 : i;
      return;
    }
    default: { // TLBINV (ASID-matching, non-global) / TLBINVF (all of this GuestID)
      const asid = g[C0.ENTRYHI]! & 0xff;
      for (let i = 0; i < t.size; i++) {
        if (t.inv[i] || t.gid[i] !== gid) continue;
        if (fn === 0x03 && ((t.lo0[i]! & t.lo1[i]! & 1) !== 0 || (t.hi[i]! & 0xff) !== asid)) continue;
        t.inv[i] = 1;
      }
      cpu.flushGuestTranslations(gid);
    }
  }
}

function guestTlbWrite(cpu: Cpu, i: number, gid: number): void {
  const g = cpu.gcp0, t = cpu.gtlb;
  if (!t.inv[i]) cpu.dropGuestVirtual(t.gid[i]!, ...t.range(i));
  t.write(i, g[C0.ENTRYHI]!, g[C0.PAGEMASK]!, g[C0.ENTRYLO0]!, g[C0.ENTRYLO1]!, gid);
  if (!t.inv[i]) cpu.dropGuestVirtual(gid, ...t.range(i));
}

/** Root-mode VZ instructions: MFGC0/MTGC0 (COP0 rs=3) and TLBGR/TLBGWI/TLBGINV(F)/TLBGWR/TLBGP. */
export function rootVzOp(cpu: Cpu, w: number): boolean {
  const rs = (w >>> 21) & 31;
  if (rs === 3) {
    const op = (w >>> 8) & 7;
    const rt = (w >>> 16) & 31;
    const i = (((w >>> 11) & 31) << 3) | (w & 7);
    if (op === 0) { if (rt !== 0) cpu.gpr[rt] = guestRead(cpu, i); return true; }
    if (op === 2) { guestWrite(cpu, i, cpu.gpr[rt]!, true); return true; }
    return false; // MFHGC0/MTHGC0: no XPA
  }
  if (rs < 16) return false;
  const rid = (cpu.cp0[C0.GUESTCTL1]! >>> 16) & 0xff;
  switch (w & 63) {
    case 0x09: { // TLBGR: also returns the entry's GuestID in GuestCtl1.RID
      guestTlbOp(cpu, 0x01, rid);
      const i = cpu.gcp0[C0.INDEX]! & (TLB_ENTRIES - 1);
      const c = cpu.cp0;
      if (!cpu.gtlb.inv[i]) c[C0.GUESTCTL1] = (c[C0.GUESTCTL1]! & ~(0xff << 16)) | (cpu.gtlb.gid[i]! << 16);
      return true;
    }
    case 0x0a: guestTlbOp(cpu, 0x02, rid); return true; // TLBGWI
    case 0x0b: guestTlbOp(cpu, 0x03, rid); return true; // TLBGINV
    case 0x0c: guestTlbOp(cpu, 0x04, rid); return true; // TLBGINVF
    case 0x0e: guestTlbOp(cpu, 0x06, rid); return true; // TLBGWR
    case 0x10: guestTlbOp(cpu, 0x08, rid); return true; // TLBGP
    default: return false;
  }
}


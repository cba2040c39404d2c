/**
 * Coprocessor 0 of the M5150 (MIPS32 Release 5 PRA; spec/mips-vz-m5150.md §1, §4.5, §5, §6).
 * Registers live in one Int32Array indexed by reg*8+sel; this file holds their numbering,
 * fields, reset values and software-writable masks. Behaviour (Count, Random, side effects)
 * is in cpu.ts.
 */

/** Index of CP0 register (reg, sel) in the register file. */
export const cp0Index = (reg: number, sel: number): number => (reg << 3) | sel;

export const C0 = {
  INDEX: cp0Index(0, 0),
  RANDOM: cp0Index(1, 0),
  ENTRYLO0: cp0Index(2, 0),
  ENTRYLO1: cp0Index(3, 0),
  CONTEXT: cp0Index(4, 0),
  USERLOCAL: cp0Index(4, 2),
  PAGEMASK: cp0Index(5, 0),
  PAGEGRAIN: cp0Index(5, 1),
  WIRED: cp0Index(6, 0),
  HWRENA: cp0Index(7, 0),
  BADVADDR: cp0Index(8, 0),
  BADINSTR: cp0Index(8, 1),
  BADINSTRP: cp0Index(8, 2),
  COUNT: cp0Index(9, 0),
  ENTRYHI: cp0Index(10, 0),
  GUESTCTL1: cp0Index(10, 4),
  GUESTCTL2: cp0Index(10, 5),
  GUESTCTL3: cp0Index(10, 6),
  COMPARE: cp0Index(11, 0),
  GUESTCTL0EXT: cp0Index(11, 4),
  STATUS: cp0Index(12, 0),
  INTCTL: cp0Index(12, 1),
  SRSCTL: cp0Index(12, 2),
  SRSMAP: cp0Index(12, 3),
  VIEW_IPL: cp0Index(12, 4),
  SRSMAP2: cp0Index(12, 5),
  GUESTCTL0: cp0Index(12, 6),
  GTOFFSET: cp0Index(12, 7),
  CAUSE: cp0Index(13, 0),
  VIEW_RIPL: cp0Index(13, 4),
  NESTEDEXC: cp0Index(13, 5),
  EPC: cp0Index(14, 0),
  NESTEDEPC: cp0Index(14, 2),
  PRID: cp0Index(15, 0),
  EBASE: cp0Index(15, 1),
  CDMMBASE: cp0Index(15, 2),
  CONFIG0: cp0Index(16, 0),
  CONFIG1: cp0Index(16, 1),
  CONFIG2: cp0Index(16, 2),
  CONFIG3: cp0Index(16, 3),
  CONFIG4: cp0Index(16, 4),
  CONFIG5: cp0Index(16, 5),
  CONFIG6: cp0Index(16, 6),
  CONFIG7: cp0Index(16, 7),
  LLADDR: cp0Index(17, 0),
  WATCHLO: cp0Index(18, 0),
  WATCHHI: cp0Index(19, 0),
  DEBUG: cp0Index(23, 0),
  DEPC: cp0Index(24, 0),
  PERFCTL0: cp0Index(25, 0),
  PERFCNT0: cp0Index(25, 1),
  ERRCTL: cp0Index(26, 0),
  CACHEERR: cp0Index(27, 0),
  TAGLO: cp0Index(28, 0),
  DATALO: cp0Index(28, 1),
  ERROREPC: cp0Index(30, 0),
  DESAVE: cp0Index(31, 0),
  KSCRATCH1: cp0Index(31, 2),
  KSCRATCH2: cp0Index(31, 3),
} as const;

// Status fields.
export const ST_IE = 1 << 0;
export const ST_EXL = 1 << 1;
export const ST_ERL = 1 << 2;
export const ST_UM = 1 << 4;
export const ST_IM_SHIFT = 8;
export const ST_NMI = 1 << 19;
export const ST_SR = 1 << 20;
export const ST_BEV = 1 << 22;
export const ST_MX = 1 << 24;
export const ST_FR = 1 << 26;
export const ST_CU0 = 1 << 28;
export const ST_CU1 = 1 << 29;

// Cause fields.
export const CA_EXC_SHIFT = 2;
export const CA_EXC_MASK = 0x1f << 2;
export const CA_IP_SHIFT = 8;
/** RIPL (EIC mode): Cause[17:10], 8 bits wide on the M5150 (Config3.IPLW=1). */
export const CA_RIPL_SHIFT = 10;
export const CA_RIPL_MASK = 0xff << 10;
export const CA_IV = 1 << 23;
export const CA_DC = 1 << 27;
export const CA_CE_SHIFT = 28;
export const CA_TI = 1 << 30;
export const CA_BD = 1 << 31;

// Config3 fields.
export const CFG3_VINT = 1 << 5;
export const CFG3_VEIC = 1 << 6;
export const CFG3_RXI = 1 << 12;
export const CFG3_ULRI = 1 << 13;
export const CFG3_IPLW_8BIT = 1 << 21;
export const CFG3_VZ = 1 << 23;
export const CFG3_BI = 1 << 26;
export const CFG3_BP = 1 << 27;

// PageGrain.
export const PG_IEC = 1 << 27;
export const PG_XIE = 1 << 30;
export const PG_RIE = 1 << 31;

// EntryLo.
export const LO_G = 1 << 0;
export const LO_V = 1 << 1;
export const LO_D = 1 << 2;
export const LO_XI = 1 << 30;
export const LO_RI = 1 << 31;

export const EH_EHINV = 1 << 10;

/** Processor ID: MIPS (company 1), M5150 (0xA7); the revision byte of the PIC32MZ EF part is not public. */
export const PRID_M5150 = 0x0001a700;
/** Revision byte chosen for the model (spec §6.1 leaves it open). */
export const PRID_REVISION = 0x00;

/** Number of JTLB entries (dual pages): Config1.MMUSize-1 = 15. */
export const TLB_ENTRIES = 16;
/** Shadow register sets: SRSCtl.HSS = 7 (eight sets). */
export const SHADOW_SETS = 8;
/**
 * Largest page size the model's PageMask accepts: 256 MB (Mask bits 28:13). Microchip states
 * 1 MB for PIC32MZ, but tinyVP writes 256 MB masks; unsupported bits read back as 0.
 */
export const PAGEMASK_IMPLEMENTED = 0x1fffe000;

/** Config1: M, MMUSize-1=15, I$ 16 KB 4-way 16 B lines, D$ 4 KB 4-way 16 B lines, EP, FP. No watch or perf regs. */
export const CONFIG1_RESET = (1 << 31) | ((TLB_ENTRIES - 1) << 25) | (2 << 22) | (3 << 19) | (3 << 16) | (0 << 13) | (3 << 10) | (3 << 7) | (1 << 1) | 1;

/** Config3 without VEIC (set when an EIC is attached): VZ, 8-bit IPL, BI/BP, RXI, ULRI, VInt. */
export const CONFIG3_BASE = (1 << 31) | CFG3_BP | CFG3_BI | CFG3_VZ | CFG3_IPLW_8BIT | CFG3_ULRI | CFG3_RXI | CFG3_VINT;

interface RegDef {
  reset: number;
  /** Bits software may write with MTC0. */
  wmask: number;
}

/** Every implemented root CP0 register with its reset value and writable mask. */
export const CP0_REGS: ReadonlyMap<number, RegDef> = new Map<number, RegDef>([
  [C0.INDEX, { reset: 0, wmask: TLB_ENTRIES - 1 }],
  [C0.RANDOM, { reset: TLB_ENTRIES - 1, wmask: 0 }],
  [C0.ENTRYLO0, { reset: 0, wmask: 0xc3ffffff | 0 }],
  [C0.ENTRYLO1, { reset: 0, wmask: 0xc3ffffff | 0 }],
  [C0.CONTEXT, { reset: 0, wmask: 0xff800000 | 0 }],
  [C0.USERLOCAL, { reset: 0, wmask: -1 }],
  [C0.PAGEMASK, { reset: 0, wmask: PAGEMASK_IMPLEMENTED }],
  [C0.PAGEGRAIN, { reset: 0, wmask: PG_RIE | PG_XIE | PG_IEC }],
  [C0.WIRED, { reset: 0, wmask: TLB_ENTRIES - 1 }],
  [C0.HWRENA, { reset: 0, wmask: 0x2000000f }],
  [C0.BADVADDR, { reset: 0, wmask: 0 }],
  [C0.BADINSTR, { reset: 0, wmask: 0 }],
  [C0.BADINSTRP, { reset: 0, wmask: 0 }],
  [C0.COUNT, { reset: 0, wmask: -1 }],
  [C0.ENTRYHI, { reset: 0, wmask: 0xffffe4ff | 0 }],
  [C0.GUESTCTL1, { reset: 0, wmask: 0xffff00ff | 0 }],
  [C0.GUESTCTL2, { reset: 0, wmask: 0xff3cffff | 0 }],
  [C0.GUESTCTL3, { reset: 0, wmask: 0xf }],
  [C0.COMPARE, { reset: 0, wmask: -1 }],
  [C0.GUESTCTL0EXT, { reset: 0, wmask: 0x3df }],
  [C0.STATUS, { reset: ST_BEV | ST_ERL, wmask: 0x3d5dff17 }],
  [C0.INTCTL, { reset: 7 << 29, wmask: 0x3e0 }],
  [C0.SRSCTL, { reset: (SHADOW_SETS - 1) << 26, wmask: 0xf3c0 }],
  [C0.SRSMAP, { reset: 0, wmask: -1 }],
  [C0.VIEW_IPL, { reset: 0, wmask: 0 }],
  [C0.SRSMAP2, { reset: 0, wmask: 0xff }],
  // GuestCtl0: G1, G0E, PT, G2 read-only ones; RAD=0 (GuestID in use); DRG not implemented.
  [C0.GUESTCTL0, { reset: (1 << 22) | (1 << 19) | (1 << 18) | (1 << 7), wmask: 0xffa3fc03 | 0 }],
  [C0.GTOFFSET, { reset: 0, wmask: -1 }],
  [C0.CAUSE, { reset: 0, wmask: CA_DC | CA_IV | (1 << 22) | (3 << 8) }],
  [C0.VIEW_RIPL, { reset: 0, wmask: 0 }],
  [C0.NESTEDEXC, { reset: 0, wmask: 0 }],
  [C0.EPC, { reset: 0, wmask: -1 }],
  [C0.NESTEDEPC, { reset: 0, wmask: -1 }],
  [C0.PRID, { reset: PRID_M5150 | PRID_REVISION, wmask: 0 }],
  [C0.EBASE, { reset: 0x80000000 | 0, wmask: 0x3ffff000 }],
  [C0.CDMMBASE, { reset: 0, wmask: 0 }],
  [C0.CONFIG0, { reset: (1 << 31) | (1 << 10) | (1 << 7) | 2, wmask: 7 }],
  [C0.CONFIG1, { reset: CONFIG1_RESET, wmask: 0 }],
  [C0.CONFIG2, { reset: 1 << 31, wmask: 0 }],
  [C0.CONFIG3, { reset: CONFIG3_BASE, wmask: 0 }],
  // Config4: M, IE=2 (EHINV, TLBINV/TLBINVF), KScrExist = regs 2 and 3.
  [C0.CONFIG4, { reset: (1 << 31) | (2 << 29) | (0x0c << 16), wmask: 0 }],
  // Config5: NF (nested fault registers); no LLB (hence tinyVP's ERET-page trick).
  [C0.CONFIG5, { reset: 1, wmask: 0 }],
  [C0.CONFIG6, { reset: 0, wmask: 0 }],
  // Config7: WII, WAIT wakes on a pending interrupt even with Status.IE=0.
  [C0.CONFIG7, { reset: 1 << 31, wmask: 0 }],
  [C0.LLADDR, { reset: 0, wmask: 0 }],
  [C0.WATCHLO, { reset: 0, wmask: -1 }],
  [C0.WATCHHI, { reset: 0, wmask: -1 }],
  [C0.DEBUG, { reset: 0, wmask: 0 }],
  [C0.DEPC, { reset: 0, wmask: -1 }],
  [C0.PERFCTL0, { reset: 0, wmask: 0 }],
  [C0.PERFCNT0, { reset: 0, wmask: 0 }],
  [C0.ERRCTL, { reset: 0, wmask: -1 }],
  [C0.CACHEERR, { reset: 0, wmask: 0 }],
  [C0.TAGLO, { reset: 0, wmask: -1 }],
  [C0.DATALO, { reset: 0, wmask: -1 }],
  [C0.ERROREPC, { reset: 0, wmask: -1 }],
  [C0.DESAVE, { reset: 0, wmask: -1 }],
  [C0.KSCRATCH1, { reset: 0, wmask: -1 }],
  [C0.KSCRATCH2, { reset: 0, wmask: -1 }],
]);

/** Writable masks as a dense array (0 for unimplemented registers). */
export const CP0_WMASK = new Int32Array(256);
/** 1 for implemented registers. */
export const CP0_IMPL = new Uint8Array(256);
for (const [i, d] of CP0_REGS) {
  CP0_WMASK[i] = d.wmask;
  CP0_IMPL[i] = 1;
}

/** Exception codes (Cause.ExcCode). */
export const EXC = {
  INT: 0,
  MOD: 1,
  TLBL: 2,
  TLBS: 3,
  ADEL: 4,
  ADES: 5,
  IBE: 6,
  DBE: 7,
  SYS: 8,
  BP: 9,
  RI: 10,
  CPU: 11,
  OV: 12,
  TR: 13,
  FPE: 15,
  TLBRI: 19,
  TLBXI: 20,
  MCHECK: 24,
  GE: 27,
} as const;

export const EXC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(EXC).map(([k, v]) => [v, k]));

/**
 * The part of exception entry that root and guest contexts share (PRA 6.2.1), applied to one
 * CP0 register file: BadInstr/BadInstrP (when `badInstr` is given), Cause.ExcCode/CE, the
 * nested-fault registers (Config5.NF), EPC and Cause.BD when EXL was clear, then Status.EXL.
 * Returns Status as it was before.
 */
export function enterExceptionState(c: Int32Array, code: number, epc: number, inDs: boolean, badInstr: number | null,
  badInstrP: number, ce: number): number {
  const stat = c[C0.STATUS]!;
  if (badInstr !== null) {
    c[C0.BADINSTR] = badInstr;
    if (inDs) c[C0.BADINSTRP] = badInstrP;
  }
  let cause = (c[C0.CAUSE]! & ~(CA_EXC_MASK | (3 << CA_CE_SHIFT))) | (code << 2) | (ce << CA_CE_SHIFT);
  if (stat & (ST_EXL | ST_ERL)) {
    c[C0.NESTEDEPC] = inDs ? (epc - 4) | 0 : epc;
    c[C0.NESTEDEXC] = stat & (ST_EXL | ST_ERL);
  }
  if (!(stat & ST_EXL)) {
    c[C0.EPC] = inDs ? (epc - 4) | 0 : epc;
    cause = inDs ? cause | CA_BD : cause & ~CA_BD;
  }
  c[C0.CAUSE] = cause;
  c[C0.STATUS] = stat | ST_EXL;
  return stat;
}

/** TLB fault state (PRA 4.9): BadVAddr, Context.BadVPN2 (PTEBase kept), EntryHi.VPN2 (ASID kept). */
export function tlbFaultState(c: Int32Array, va: number): void {
  c[C0.BADVADDR] = va;
  c[C0.CONTEXT] = (c[C0.CONTEXT]! & 0xff800000) | ((va >>> 9) & 0x007ffff0);
  c[C0.ENTRYHI] = (va & ~0x1fff) | (c[C0.ENTRYHI]! & 0xff);
}

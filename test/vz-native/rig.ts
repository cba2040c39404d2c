/**
 * Test rig for the VZ cases driven through the native root handler (docs/core.md "Native root
 * handlers"; spec/mips-vz-m5150.md §1-§5). A tiny guest program is poked into RAM, guest RAM is
 * mapped with root TLB entries tagged with the GuestID, the core enters the guest with a root
 * ERET, and every root exception is recorded by a TypeScript handler that plays the hypervisor.
 * The handler touches the core only through architectural operations (mfc0, mtgc0, tlbwi, eret).
 *
 * Layout (physical RAM is 512 KB at 0):
 *   RPA 0x20000-0x3FFFF  guest RAM: GPA 0x00000-0x1FFFF through two 64 KB root pages
 *   RPA 0x40000-0x6FFFF  extra RPAs for stage-2 mappings made by the tests
 *   RPA 0x70000          root EBase (vectors; MIPS root code for the cases that need it)
 * Guest EBase is guest kseg0 0x80000000 (GPA 0); each guest vector holds a HYPCALL whose code
 * names the vector, so a guest exception shows up as one HC exit with EPC = the vector.
 */
import { Machine } from '../../src/machine/machine.ts';
import { PFM_BASE as FLASH_BASE, RAM_BASE, RAM_SIZE } from '../../src/soc/pic32mz.ts';
import type { Cpu } from '../../src/mips/cpu.ts';
import { C0, EXC, ST_EXL } from '../../src/mips/cp0.ts';
import { GC0_AT_SHIFT, GC0_CP0, GC0_GM, GEXC } from '../../src/mips/vz.ts';
import { HYPCALL, bytesOf } from '../util/mips-asm.ts';

export const ROOT_EBASE = 0x80070000 | 0;
export const GUEST_EBASE = 0x80000000 | 0;
/** Where guest programs start (guest kseg0, GPA 0x1000). */
export const ENTRY = 0x80001000 | 0;
/** A data area in guest RAM (guest kseg0, GPA 0x8000). */
export const GDATA = 0x80008000 | 0;
export const GUEST_RAM_RPA = 0x20000;
export const GUEST_RAM_SIZE = 0x20000;
export const GID = 1;
/** Root ASID kept in EntryHi while guests run (a stage-2 fault must preserve it). */
export const ROOT_ASID = 0x5a;
/** Root TLB entries below this index are fixed test mappings; TLBWR never replaces them. */
export const WIRED = 4;

export const PM_4K = 0, PM_16K = 0x6000, PM_64K = 0x1e000, PM_1M = 0x1fe000, PM_16M = 0x1ffe000, PM_256M = 0x1fffe000;

/** HYPCALL codes: the guest vectors, and the end of a guest program. */
export const HC_VEC_REFILL = 0x3f0;
export const HC_VEC_GENERAL = 0x3f1;
export const HC_VEC_INT = 0x3f2;
export const HC_VEC_GVEC = 0x3f3;
export const HC_DONE = 0x3ff;
/** GuestCtl2.GVEC used by the injection cases. */
export const GVEC_OFF = 0x240;

/** GuestCtl0 for a guest that owns its CP0 and TLB (GM is added by the rig). */
export const GC0_BASE = GC0_CP0 | (3 << GC0_AT_SHIFT);

/** EntryLo for physical address `pa`: PFN, cacheable (C=3), flags (D, V, G bits). */
export const entryLo = (pa: number, flags: number): number => (((pa >>> 12) << 6) | (3 << 3) | flags) | 0;
export const LO_DV = 6;
export const LO_DVG = 7;

/** Root state at one root exception, read through mfc0/mfgc0/rdpgpr in the handler. */
export interface Exit {
  code: number;
  gexc: number;
  /** Root PC at handler entry, relative to root EBase (0x000 refill, 0x180 general). */
  vector: number;
  epc: number;
  cause: number;
  status: number;
  badvaddr: number;
  badinstr: number;
  badinstrp: number;
  entryhi: number;
  context: number;
  gctl0: number;
  gctl2: number;
  nestedEpc: number;
  nestedExc: number;
  /** HYPCALL code when this is a GE/HC exit, else -1. */
  hc: number;
  /** The guest's GPRs (previous shadow set). */
  gpr: number[];
  g: { status: number; cause: number; epc: number; badvaddr: number; badinstr: number; entryhi: number };
  /** Virtual time at the exit. */
  now: number;
}

/** What the handler does after recording an exit. */
export type Action =
  | 'halt' // stop the run; root stays in EXL with GM=1 (a later enter/resume continues)
  | 'skip' // EPC += 4, ERET (emulated the instruction)
  | 'retry' // ERET without advancing (the fault was fixed)
  | 'vector' // return false: MIPS root code at the vector runs
  | ((cpu: Cpu, e: Exit) => void); // custom: must end in eret() or halt()

export interface GuestOptions {
  /** GuestCtl0 without GM (default GC0_BASE). */
  gc0?: number;
  gc0x?: number;
  gstatus?: number;
  gcause?: number;
  gid?: number;
  entry?: number;
  /** Where the code is placed (guest kseg0; default `entry`). */
  codeAt?: number;
  /** Prepare everything but stay in root (EXL=1); `resume` enters the guest later. */
  noEnter?: boolean;
  /** Decides per exit; default: halt on HC_DONE and on anything else. */
  act?: (e: Exit, n: number) => Action;
}

const MAX_EXITS = 32;

/**
 * One machine per test file: building a Machine costs far more than a test case, so each Rig
 * cold-resets it (boot) and clears RAM and the flash window the cases use.
 */
let shared: Machine | null = null;
const FLASH_USED = 0x80000;

export class Rig {
  readonly m: Machine;
  readonly cpu: Cpu;
  readonly exits: Exit[] = [];
  act: (e: Exit, n: number) => Action = () => 'halt';

  constructor() {
    shared ??= new Machine();
    this.m = shared;
    this.m.boot(null);
    this.m.bus.poke(RAM_BASE, new Uint8Array(RAM_SIZE));
    this.m.bus.poke(FLASH_BASE, new Uint8Array(FLASH_USED));
    this.cpu = this.m.cpu;
    const c = this.cpu;
    c.mtc0(C0.EBASE, ROOT_EBASE);
    c.mtc0(C0.STATUS, ST_EXL); // BEV=0, ERL=0: root mode until the ERET
    c.mtc0(C0.WIRED, WIRED);
    // Guest vectors: HYPCALLs naming the vector.
    this.pokeGuest(GUEST_EBASE + 0x000, [HYPCALL(HC_VEC_REFILL)]);
    this.pokeGuest(GUEST_EBASE + 0x180, [HYPCALL(HC_VEC_GENERAL)]);
    this.pokeGuest(GUEST_EBASE + 0x200, [HYPCALL(HC_VEC_INT)]);
    this.pokeGuest(GUEST_EBASE + GVEC_OFF, [HYPCALL(HC_VEC_GVEC)]);
    c.rootHandler = (cpu, code) => this.onException(cpu, code);
  }

  /** Root TLB entry `index` for guest `gid`: GPA pair at `gpa` → even/odd RPA. */
  mapGpa(index: number, gid: number, gpa: number, pageMask: number, lo0: number, lo1: number): void {
    const c = this.cpu;
    const saved = c.mfc0(C0.GUESTCTL1);
    const savedHi = c.mfc0(C0.ENTRYHI);
    c.mtc0(C0.GUESTCTL1, (saved & ~(0xff << 16)) | (gid << 16));
    c.mtc0(C0.PAGEMASK, pageMask);
    c.mtc0(C0.ENTRYHI, gpa & ~0x1fff);
    c.mtc0(C0.ENTRYLO0, lo0);
    c.mtc0(C0.ENTRYLO1, lo1);
    c.mtc0(C0.INDEX, index);
    c.tlbwi();
    c.mtc0(C0.GUESTCTL1, saved);
    c.mtc0(C0.ENTRYHI, savedHi);
    c.mtc0(C0.PAGEMASK, 0);
  }

  /** Maps guest RAM (GPA 0-0x1FFFF) for `gid` at root TLB `index`. */
  mapGuestRam(gid: number, index: number): void {
    this.mapGpa(index, gid, 0, PM_64K, entryLo(GUEST_RAM_RPA, LO_DV), entryLo(GUEST_RAM_RPA + 0x10000, LO_DV));
  }

  /** Root physical address of a guest kseg0/kseg1 address inside guest RAM. */
  static rpa(gva: number): number {
    const gpa = gva & 0x1fffffff;
    if (gpa >= GUEST_RAM_SIZE) throw new Error(`rig: 0x${gpa.toString(16)} is outside guest RAM`);
    return GUEST_RAM_RPA + gpa;
  }

  pokeGuest(gva: number, words: readonly number[]): void {
    this.poke(Rig.rpa(gva), words);
  }

  poke(pa: number, words: readonly number[]): void {
    if (!this.m.bus.poke(pa, bytesOf(words))) throw new Error(`rig: poke at 0x${pa.toString(16)} failed`);
  }

  peek(pa: number): number {
    const v = this.cpu.readPhys(pa, 4);
    if (v === undefined) throw new Error(`rig: peek at 0x${pa.toString(16)} failed`);
    return v | 0;
  }

  /** Guest program at `entry`, guest CP0 basics, GuestCtl0/1, then ERET into the guest. */
  setup(code: readonly number[], o: GuestOptions = {}): void {
    const c = this.cpu;
    const gid = o.gid ?? GID;
    const entry = o.entry ?? ENTRY;
    this.pokeGuest(o.codeAt ?? entry, code);
    this.mapGuestRam(gid, 0);
    c.mtgc0(15, 1, GUEST_EBASE);
    c.mtgc0(13, 0, o.gcause ?? 0);
    c.mtgc0(12, 0, o.gstatus ?? 0);
    c.mtc0(C0.GUESTCTL0, GC0_GM | (o.gc0 ?? GC0_BASE));
    c.mtc0(C0.GUESTCTL0EXT, o.gc0x ?? 0);
    c.mtc0(C0.GUESTCTL1, gid);
    c.mtc0(C0.ENTRYHI, ROOT_ASID);
    if (o.act) this.act = o.act;
    if (!o.noEnter) this.resume(entry);
  }

  /** ERET into the guest at `pc` (root must be at EXL=1, e.g. after a 'halt'). */
  resume(pc: number): void {
    this.cpu.mtc0(C0.EPC, pc);
    this.cpu.eret();
  }

  /** Runs until the handler halts; fails the test if the budget runs out first. */
  run(cycles = 100_000): Exit[] {
    const reason = this.m.run(cycles);
    if (reason !== 'halt') throw new Error(`rig: run ended with '${reason}' after ${this.exits.length} exit(s)`);
    return this.exits;
  }

  /** The guest's GPR n, read as root firmware would (previous shadow set). */
  gpr(n: number): number {
    return this.cpu.rdpgpr(n);
  }

  private onException(cpu: Cpu, code: number): boolean {
    const e = record(cpu, code);
    this.exits.push(e);
    if (this.exits.length >= MAX_EXITS) { cpu.halt(); return true; }
    const a = this.act(e, this.exits.length - 1);
    switch (a) {
      case 'halt': cpu.halt(); return true;
      case 'skip': cpu.mtc0(C0.EPC, (cpu.mfc0(C0.EPC) + 4) | 0); cpu.eret(); return true;
      case 'retry': cpu.eret(); return true;
      case 'vector': return false;
      default: a(cpu, e); return true;
    }
  }
}

function record(cpu: Cpu, code: number): Exit {
  const gctl0 = cpu.mfc0(C0.GUESTCTL0);
  const gexc = (gctl0 >>> 2) & 0x1f;
  const badinstr = cpu.mfc0(C0.BADINSTR);
  const gpr: number[] = [];
  for (let i = 0; i < 32; i++) gpr.push(cpu.rdpgpr(i));
  return {
    code,
    gexc,
    vector: (cpu.pc - ROOT_EBASE) | 0,
    epc: cpu.mfc0(C0.EPC),
    cause: cpu.mfc0(C0.CAUSE),
    status: cpu.mfc0(C0.STATUS),
    badvaddr: cpu.mfc0(C0.BADVADDR),
    badinstr,
    badinstrp: cpu.mfc0(C0.BADINSTRP),
    entryhi: cpu.mfc0(C0.ENTRYHI),
    context: cpu.mfc0(C0.CONTEXT),
    gctl0,
    gctl2: cpu.mfc0(C0.GUESTCTL2),
    nestedEpc: cpu.mfc0(C0.NESTEDEPC),
    nestedExc: cpu.mfc0(C0.NESTEDEXC),
    hc: code === EXC.GE && gexc === GEXC.HC ? (badinstr >>> 11) & 0x3ff : -1,
    gpr,
    g: {
      status: cpu.mfgc0(12, 0),
      cause: cpu.mfgc0(13, 0),
      epc: cpu.mfgc0(14, 0),
      badvaddr: cpu.mfgc0(8, 0),
      badinstr: cpu.mfgc0(8, 1),
      entryhi: cpu.mfgc0(10, 0),
    },
    now: cpu.clock.now,
  };
}

export const excCode = (cause: number): number => (cause >>> 2) & 0x1f;
export const u32 = (v: number): number => v >>> 0;

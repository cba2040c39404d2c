/**
 * The M5150 core: MIPS32 Release 5 integer ISA, CP0, JTLB, shadow register sets, EIC
 * interrupts, the FPU hook-up and the VZ guest context (spec/mips-vz-m5150.md).
 *
 * Execution model (DESIGN.md): `exec` is the one hot loop. It keeps pc/npc and the current
 * translation-cache arrays in locals, decodes with nested switches on the encoding fields,
 * and runs until the time budget ends or an instruction sets `brk` (mode change, exception,
 * MMIO access that may raise an interrupt). Exceptions are data plus an early exit: `raise`
 * writes CP0 and the new pc and sets `trap`; nothing is thrown.
 */
import type { Bus, PhysMem } from './bus.ts';
import type { EicPort, IrqSink } from './eic.ts';
import { Timer, type Clock } from '../sim/clock.ts';
import {
  C0, CA_DC, enterExceptionState, tlbFaultState, CA_IV, CA_RIPL_MASK, CA_RIPL_SHIFT, CA_TI, CFG3_VEIC, CP0_IMPL, CP0_REGS,
  CP0_WMASK, EH_EHINV, EXC, SHADOW_SETS, ST_BEV, ST_CU0, ST_CU1,
  ST_ERL, ST_EXL, ST_FR, ST_IE, ST_NMI, ST_SR, ST_UM, TLB_ENTRIES,
} from './cp0.ts';
import { Tlb, permissionFault } from './tlb.ts';
import { ACC_FETCH, ACC_LOAD, ACC_STORE, SOFT_MASK, SoftTlb, ctxGid, ctxIsGuest, ctxKey } from './softtlb.ts';
import {
  GC0_GM, checkGuestInterrupts, guestCacheTraps, guestCompareMatch, guestCop0, guestCount, guestCpUnusable,
  guestAddressError, guestExit, guestKernel, guestRaise, guestRdhwrTraps, guestReserved, guestReset, rootVzOp, scheduleGuestCompare, translateGuest, GEXC,
} from './vz.ts';
import { BlockCache, JIT_HOT } from './jit.ts';

/** Vector offsets from the exception base. */
const VEC_REFILL = 0x000;
const VEC_GENERAL = 0x180;
const VEC_INTERRUPT = 0x200;
/** Base of the BEV=1 vectors (refill at +0, general at +0x180). */
const BEV_BASE = 0xbfc00200 | 0;
export const RESET_VECTOR = 0xbfc00000 | 0;

/** Count increments every CCRES cycles (RDHWR $3): 100 MHz at a 200 MHz core clock. */
export const CCRES = 2;
/** RDHWR $1 SYNCI_Step: the 16-byte cache line (spec §6.3, unverified). */
export const SYNCI_STEP = 16;
/** DIV/DIVU by zero leave this in LO (architecturally UNPREDICTABLE); HI gets the dividend. */
const DIV0_LO = -1;
/** Translation contexts kept before the cache of them is cleared. */
const MAX_CONTEXTS = 64;

/** A native root exception handler: runs instead of vectoring to EBase. Return false to vector anyway. */
export type RootHandler = (cpu: Cpu, excCode: number) => boolean;

/** The FPU as the core drives it (see fpu-unit.ts); absent means Config1.FP=0. */
export interface FpuUnit {
  /** Status.FR, kept current by the core. */
  fr: boolean;
  reset(): void;
  getW(n: number): number;
  setW(n: number, v: number): void;
  getDLo(n: number): number;
  getDHi(n: number): number;
  setD64(n: number, lo: number, hi: number): void;
  /** Condition code n (0..7). */
  cc(n: number): boolean;
  /** COP1 instruction other than branches and loads/stores: 0 or an exception code. */
  execCop1(gpr: Int32Array, insn: number): number;
  /** COP1X arithmetic (MADD/MSUB/NMADD/NMSUB): 0 or an exception code. */
  execCop1x(gpr: Int32Array, insn: number): number;
}

export interface CpuOptions {
  eic?: EicPort | null;
  fpu?: FpuUnit | null;
  /**
   * Compile hot blocks to JavaScript (default true); false interprets everything; 'eager'
   * compiles every block on its first execution (tests use it to run everything compiled).
   */
  jit?: boolean | 'eager';
}

/** Stand-in when no FPU is fitted: Status.CU1 stays 0, so no method is ever reached. */
const NO_FPU: FpuUnit = {
  fr: false,
  reset: () => {},
  getW: () => 0,
  setW: () => {},
  getDLo: () => 0,
  getDHi: () => 0,
  setD64: () => {},
  cc: () => false,
  execCop1: () => EXC.RI,
  execCop1x: () => EXC.RI,
};

export class Cpu implements IrqSink {
  readonly mem: PhysMem;
  private readonly m8: Uint8Array;
  private readonly m16: Uint16Array;
  private readonly m32: Int32Array;

  /** All shadow register sets, 32 registers each. */
  readonly gprFile = new Int32Array(32 * SHADOW_SETS);
  /** The current set (SRSCtl.CSS). */
  gpr: Int32Array;
  hi = 0;
  lo = 0;
  /** Address of the next instruction to execute. */
  pc = RESET_VECTOR;
  /** Address of the instruction after it (differs from pc+4 after a branch). */
  npc = RESET_VECTOR + 4;
  /** The next instruction is in a branch delay slot. */
  nextDs = false;
  /** Word of the last branch executed, for BadInstrP. */
  brw = 0;

  readonly cp0 = new Int32Array(256);
  /** Guest CP0 context (VZ). */
  readonly gcp0 = new Int32Array(256);
  readonly tlb = new Tlb(TLB_ENTRIES);
  readonly gtlb = new Tlb(TLB_ENTRIES);
  readonly fpu: FpuUnit;
  readonly hasFpu: boolean;
  llbit = false;
  /** The guest context's LL bit, separate from root's (spec §3.7). */
  gllbit = false;

  /** WAIT executed; sleeping until an interrupt is pending. */
  waiting = false;
  halted = false;
  /** Instructions retired (cycles spent in WAIT are not instructions). */
  instret = 0;
  /** Executing in guest mode (GuestCtl0.GM && !EXL && !ERL). */
  guest = false;
  /** Current privilege of the executing context is kernel. */
  kernel = true;

  rootHandler: RootHandler | null = null;
  /**
   * Observer of every exception entry (traces, debuggers): called after the entry state is
   * written and before the native handler; it must not change state. `guestCtx` is true for an
   * exception taken in the guest context, `fromGuest` when guest mode was interrupted.
   */
  excHook: ((cpu: Cpu, code: number, guestCtx: boolean, fromGuest: boolean) => void) | null = null;
  /**
   * Debug hook called before every instruction (traces, breakpoints, single-step). While it is
   * set the core runs one instruction per inner-loop entry; returning true halts before `pc`.
   */
  stepHook: ((cpu: Cpu) => boolean) | null = null;
  eic: EicPort | null;
  /** Hardware interrupt lines IP7..IP2 as a bit mask (bit 2..7) when no EIC is attached. */
  private ipLines = 0;

  // Run-loop state shared with the slow paths.
  /** An exception was entered during this instruction. */
  trap = false;
  /** Leave the inner loop after this instruction. */
  brk = false;
  private runStart = 0;
  /** PC of the instruction being executed when a slow path (MMIO, exception) runs; read-only. */
  ipc = 0;
  /** @internal */
  inDs = false;
  /** @internal */
  iw = 0;
  /** @internal Status.CU1 lets the executing context use the FPU (guest: guest and root CU1). */
  cu1ok = false;
  /** Compiled blocks, or null when the JIT is off. */
  readonly jit: BlockCache | null;
  /** @internal Random register epoch of the guest context. */
  gRandomEpoch = 0;
  /** @internal */
  readonly gCompareTimer: Timer;

  private ctx: SoftTlb;
  private readonly contexts = new Map<number, SoftTlb>();
  private countOffset = 0;
  private randomEpoch = 0;
  private readonly compareTimer: Timer;

  constructor(
    readonly bus: Bus,
    readonly clock: Clock,
    opts: CpuOptions = {},
  ) {
    this.mem = bus.mem;
    this.m8 = bus.mem.u8;
    this.m16 = bus.mem.u16;
    this.m32 = bus.mem.i32;
    this.eic = opts.eic ?? null;
    this.jit = opts.jit === false ? null : new BlockCache(bus.mem.i32, bus.mem.u8.length, opts.jit === 'eager' ? 1 : JIT_HOT);
    if (this.jit !== null) {
      const jit = this.jit;
      jit.onCodePage = (page) => {
        for (const t of this.contexts.values()) t.dropStoresToHostPage(page);
        this.ctx.dropStoresToHostPage(page);
      };
      // Any write that bypasses the store fast path may hit compiled code.
      bus.onMemWrite = (off, len) => jit.dropRange(off, len);
    }
    this.fpu = opts.fpu ?? NO_FPU;
    this.hasFpu = opts.fpu != null;
    this.gpr = this.gprFile.subarray(0, 32);
    this.ctx = new SoftTlb(-1);
    this.compareTimer = new Timer('cp0-compare', () => this.compareMatch());
    this.gCompareTimer = new Timer('guest-compare', () => guestCompareMatch(this));
    bus.onMapChange = () => this.flushTranslations();
    clock.onEarlier = () => {
      this.brk = true;
    };
    this.reset();
  }

  /** Cold reset: CP0 to reset values, pc at the reset vector (BEV=1, ERL=1). */
  reset(): void {
    this.cp0.fill(0);
    for (const [i, d] of CP0_REGS) this.cp0[i] = d.reset;
    if (this.eic !== null) this.cp0[C0.CONFIG3]! |= CFG3_VEIC;
    if (!this.hasFpu) this.cp0[C0.CONFIG1]! &= ~1;
    this.tlb.reset();
    guestReset(this);
    this.jit?.clear();
    this.fpu.reset();
    this.gprFile.fill(0);
    this.gpr = this.gprFile.subarray(0, 32);
    this.hi = this.lo = 0;
    this.llbit = this.gllbit = false;
    this.waiting = this.halted = false;
    this.countOffset = -Math.floor(this.clock.now / CCRES);
    this.randomEpoch = this.clock.now;
    this.clock.cancel(this.compareTimer);
    this.clock.cancel(this.gCompareTimer);
    this.setPc(RESET_VECTOR);
    this.flushTranslations();
    this.modeChanged();
  }

  /**
   * Non-maskable interrupt (PRA 6.2.2): ErrorEPC ← the restart PC, Status.BEV, ERL and NMI set,
   * then the reset vector. Memory and peripherals are left alone.
   */
  nmi(): void {
    const c = this.cp0;
    c[C0.ERROREPC] = this.nextDs ? (this.pc - 4) | 0 : this.pc;
    c[C0.STATUS] = (c[C0.STATUS]! & ~ST_SR) | ST_BEV | ST_ERL | ST_NMI;
    this.waiting = false;
    this.setPc(RESET_VECTOR);
    this.modeChanged();
  }

  /** Sets the next instruction address (no delay slot pending). */
  setPc(pc: number): void {
    this.pc = pc | 0;
    this.npc = (pc + 4) | 0;
    this.nextDs = false;
  }

  /** Stops `run` at the next instruction boundary. */
  halt(): void {
    this.halted = true;
    this.brk = true;
  }

  /** IrqSink: an interrupt input changed; re-evaluate at the next instruction boundary. */
  irqChanged(): void {
    this.brk = true;
  }

  /** Drives hardware interrupt line n (2..7) when no EIC is attached. */
  setIrqLine(n: number, level: boolean): void {
    this.ipLines = level ? this.ipLines | (1 << n) : this.ipLines & ~(1 << n);
    this.brk = true;
  }

  // ---------------------------------------------------------------- run loop

  /** Runs until virtual time `until` (cycles) or `halt()`. */
  run(until: number): void {
    const clk = this.clock;
    this.halted = false;
    while (clk.now < until && !this.halted) {
      clk.dispatch();
      this.checkInterrupts();
      if (this.halted) break;
      const limit = Math.min(clk.nextAt, until);
      if (this.waiting) {
        // Sleeping costs no wall time: jump to the next event (or the end of the run).
        if (limit === Infinity) break;
        clk.now = Math.max(clk.now, limit);
        continue;
      }
      this.runStart = clk.now;
      if (this.stepHook !== null && this.stepHook(this)) { this.halted = true; break; }
      const n = this.exec(this.stepHook !== null ? 1 : Math.max(1, limit - clk.now));
      clk.now = this.runStart + n;
      this.instret += n;
    }
  }

  /** Makes slow-path state current: the clock and the faulting-instruction context. */
  private sync(ipc: number, inDs: boolean, n: number, w: number): void {
    this.ipc = ipc;
    this.inDs = inDs;
    this.iw = w;
    this.clock.now = this.runStart + n;
  }

  /** The hot loop: executes at most `budget` instructions; returns how many ran. */
  private exec(budget: number): number {
    const r = this.gpr;
    const m8 = this.m8, m16 = this.m16, m32 = this.m32;
    const ctx = this.ctx;
    const lt = ctx.tag[ACC_LOAD]!, lo = ctx.off[ACC_LOAD]!;
    const st = ctx.tag[ACC_STORE]!, so = ctx.off[ACC_STORE]!;
    const ft = ctx.tag[ACC_FETCH]!, fo = ctx.off[ACC_FETCH]!;
    const SM = SOFT_MASK; // a local: imported bindings cost a TDZ check per use
    const jit = this.jit;
    const blocks = jit !== null ? jit.fns : null;
    const blockLen = jit !== null ? jit.len : null;
    const blockVa = jit !== null ? jit.va : null;
    const hits = jit !== null ? jit.hits : null;
    const HOT = jit !== null ? jit.hot : 0;
    let pc = this.pc, npc = this.npc, ds = this.nextDs;
    let n = 0;
    this.trap = false;
    this.brk = false;
    loop: while (n < budget) {
      const ipc = pc;
      const inDs = ds;
      ds = false;
      let w: number;
      const fe = (ipc >>> 12) & SM;
      if (ft[fe] === ipc >>> 12 && (ipc & 3) === 0) {
        const hw = ((ipc + fo[fe]!) | 0) >> 2;
        if (blocks !== null && !inDs) {
          let b = blocks[hw];
          if (b === undefined || blockVa![hw] !== ipc) {
            // Not compiled for this PC yet: count the visit; when hot, compile and run it now.
            b = ++hits![hw] === HOT ? jit!.compileAt(hw, ipc) : undefined;
          }
          if (b !== undefined && n + blockLen![hw]! <= budget) {
            const k = b(this, r, m8, m16, m32, lt, lo, st, so, budget - n);
            if (k > 0) {
              n += k;
              pc = this.pc;
              npc = this.npc;
              ds = this.nextDs;
              continue;
            }
          }
        }
        n++;
        w = m32[hw]!;
      } else {
        n++;
        this.sync(ipc, inDs, n, 0);
        w = this.fetchSlow(ipc);
        if (this.trap) break;
      }
      pc = npc;
      npc = (npc + 4) | 0;
      const rs = (w >>> 21) & 31, rt = (w >>> 16) & 31;
      switch (w >>> 26) {
        case 0x00: { // SPECIAL
          const rd = (w >>> 11) & 31, sa = (w >>> 6) & 31;
          switch (w & 63) {
            case 0x00: r[rd] = r[rt]! << sa; break; // SLL (NOP, SSNOP, EHB, PAUSE)
            case 0x01: // MOVF/MOVT
              if (!this.cu1ok) { this.sync(ipc, inDs, n, w); this.cpUnusable(1); break loop; }
              if (this.fpu.cc((w >>> 18) & 7) === ((w >>> 16 & 1) === 1)) r[rd] = r[rs]!;
              break;
            case 0x02: r[rd] = w & (1 << 21) ? (r[rt]! >>> sa) | (r[rt]! << (32 - sa)) : r[rt]! >>> sa; break; // SRL, ROTR
            case 0x03: r[rd] = r[rt]! >> sa; break; // SRA
            case 0x04: r[rd] = r[rt]! << (r[rs]! & 31); break; // SLLV
            case 0x06: { // SRLV, ROTRV
              const s = r[rs]! & 31;
              r[rd] = w & (1 << 6) ? (r[rt]! >>> s) | (r[rt]! << (32 - s)) : r[rt]! >>> s;
              break;
            }
            case 0x07: r[rd] = r[rt]! >> (r[rs]! & 31); break; // SRAV
            case 0x08: npc = r[rs]!; ds = true; this.brw = w; break; // JR, JR.HB
            case 0x09: { const t = r[rs]!; r[rd] = (ipc + 8) | 0; npc = t; ds = true; this.brw = w; break; } // JALR
            case 0x0a: if (r[rt] === 0) r[rd] = r[rs]!; break; // MOVZ
            case 0x0b: if (r[rt] !== 0) r[rd] = r[rs]!; break; // MOVN
            case 0x0c: this.sync(ipc, inDs, n, w); this.raiseInsn(EXC.SYS); break loop; // SYSCALL
            case 0x0d: this.sync(ipc, inDs, n, w); this.raiseInsn(EXC.BP); break loop; // BREAK
            case 0x0f: break; // SYNC (all stypes are full barriers; nothing to order here)
            case 0x10: r[rd] = this.hi; break; // MFHI
            case 0x11: this.hi = r[rs]!; break; // MTHI
            case 0x12: r[rd] = this.lo; break; // MFLO
            case 0x13: this.lo = r[rs]!; break; // MTLO
            case 0x18: this.mult(r[rs]!, r[rt]!); break; // MULT
            case 0x19: this.multu(r[rs]!, r[rt]!); break; // MULTU
            case 0x1a: { // DIV
              const a = r[rs]!, b = r[rt]!;
              if (b === 0) { this.lo = DIV0_LO; this.hi = a; } else { this.lo = (a / b) | 0; this.hi = (a % b) | 0; }
              break;
            }
            case 0x1b: { // DIVU
              const a = r[rs]! >>> 0, b = r[rt]! >>> 0;
              if (b === 0) { this.lo = DIV0_LO; this.hi = a | 0; } else { this.lo = (a / b) | 0; this.hi = (a % b) | 0; }
              break;
            }
            case 0x20: { // ADD
              const s = r[rs]! + r[rt]!;
              if (s > 0x7fffffff || s < -0x80000000) { this.sync(ipc, inDs, n, w); this.raiseInsn(EXC.OV); break loop; }
              r[rd] = s;
              break;
            }
            case 0x21: r[rd] = (r[rs]! + r[rt]!) | 0; break; // ADDU
            case 0x22: { // SUB
              const s = r[rs]! - r[rt]!;
              if (s > 0x7fffffff || s < -0x80000000) { this.sync(ipc, inDs, n, w); this.raiseInsn(EXC.OV); break loop; }
              r[rd] = s;
              break;
            }
            case 0x23: r[rd] = (r[rs]! - r[rt]!) | 0; break; // SUBU
            case 0x24: r[rd] = r[rs]! & r[rt]!; break; // AND
            case 0x25: r[rd] = r[rs]! | r[rt]!; break; // OR
            case 0x26: r[rd] = r[rs]! ^ r[rt]!; break; // XOR
            case 0x27: r[rd] = ~(r[rs]! | r[rt]!); break; // NOR
            case 0x2a: r[rd] = r[rs]! < r[rt]! ? 1 : 0; break; // SLT
            case 0x2b: r[rd] = r[rs]! >>> 0 < r[rt]! >>> 0 ? 1 : 0; break; // SLTU
            case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x36: // TGE TGEU TLT TLTU TEQ TNE
              if (trapCond(w & 7, r[rs]!, r[rt]!)) { this.sync(ipc, inDs, n, w); this.raiseInsn(EXC.TR); break loop; }
              break;
            default: this.sync(ipc, inDs, n, w); this.reserved(); break loop;
          }
          break;
        }
        case 0x01: { // REGIMM
          const a = r[rs]!;
          switch (rt) {
            case 0x00: if (a < 0) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BLTZ
            case 0x01: if (a >= 0) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BGEZ
            case 0x02: case 0x03: case 0x12: case 0x13: // BLTZL BGEZL BLTZALL BGEZALL
              this.brw = w;
              if (rt & 0x10) r[31] = (ipc + 8) | 0;
              if ((rt & 1) === 0 ? a < 0 : a >= 0) { npc = (pc + ((w << 16) >> 14)) | 0; ds = true; } else { pc = npc; npc = (npc + 4) | 0; }
              break;
            case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0e: // TGEI TGEIU TLTI TLTIU TEQI TNEI
              if (trapCond(rt & 7, a, (w << 16) >> 16)) { this.sync(ipc, inDs, n, w); this.raiseInsn(EXC.TR); break loop; }
              break;
            case 0x10: r[31] = (ipc + 8) | 0; if (a < 0) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BLTZAL
            case 0x11: r[31] = (ipc + 8) | 0; if (a >= 0) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BGEZAL, BAL
            case 0x1f: break; // SYNCI: caches are not modelled
            default: this.sync(ipc, inDs, n, w); this.reserved(); break loop;
          }
          break;
        }
        case 0x02: npc = (pc & 0xf0000000) | ((w & 0x3ffffff) << 2); ds = true; this.brw = w; break; // J
        case 0x03: r[31] = (ipc + 8) | 0; npc = (pc & 0xf0000000) | ((w & 0x3ffffff) << 2); ds = true; this.brw = w; break; // JAL
        case 0x04: if (r[rs] === r[rt]) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BEQ
        case 0x05: if (r[rs] !== r[rt]) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BNE
        case 0x06: if (r[rs]! <= 0) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BLEZ
        case 0x07: if (r[rs]! > 0) npc = (pc + ((w << 16) >> 14)) | 0; ds = true; this.brw = w; break; // BGTZ
        case 0x08: { // ADDI
          const s = r[rs]! + ((w << 16) >> 16);
          if (s > 0x7fffffff || s < -0x80000000) { this.sync(ipc, inDs, n, w); this.raiseInsn(EXC.OV); break loop; }
          r[rt] = s;
          break;
        }
        case 0x09: r[rt] = (r[rs]! + ((w << 16) >> 16)) | 0; break; // ADDIU
        case 0x0a: r[rt] = r[rs]! < (w << 16) >> 16 ? 1 : 0; break; // SLTI
        case 0x0b: r[rt] = r[rs]! >>> 0 < ((w << 16) >> 16) >>> 0 ? 1 : 0; break; // SLTIU
        case 0x0c: r[rt] = r[rs]! & (w & 0xffff); break; // ANDI
        case 0x0d: r[rt] = r[rs]! | (w & 0xffff); break; // ORI
        case 0x0e: r[rt] = r[rs]! ^ (w & 0xffff); break; // XORI
        case 0x0f: r[rt] = w << 16; break; // LUI
        case 0x10: this.sync(ipc, inDs, n, w); this.cop0(w); if (this.brk) break loop; break; // COP0
        case 0x11: { // COP1
          if (!this.cu1ok) { this.sync(ipc, inDs, n, w); this.cpUnusable(1); break loop; }
          if (rs === 8) { // BC1F BC1T BC1FL BC1TL
            this.brw = w;
            const taken = this.fpu.cc((w >>> 18) & 7) === ((w & (1 << 16)) !== 0);
            if (taken) { npc = (pc + ((w << 16) >> 14)) | 0; ds = true; } else if (w & (1 << 17)) { pc = npc; npc = (npc + 4) | 0; } else ds = true;
            break;
          }
          const e = this.fpu.execCop1(r, w);
          if (e !== 0) { this.sync(ipc, inDs, n, w); this.raiseInsn(e); break loop; }
          break;
        }
        case 0x12: this.sync(ipc, inDs, n, w); this.cpUnusable(2); break loop; // COP2
        case 0x13: { // COP1X
          this.sync(ipc, inDs, n, w);
          if (!this.cu1ok) { this.cpUnusable(1); break loop; }
          this.cop1x(w);
          if (this.brk) break loop;
          break;
        }
        case 0x14: case 0x15: case 0x16: case 0x17: { // BEQL BNEL BLEZL BGTZL
          this.brw = w;
          const a = r[rs]!, b = r[rt]!;
          const op = w >>> 26;
          const taken = op === 0x14 ? a === b : op === 0x15 ? a !== b : op === 0x16 ? a <= 0 : a > 0;
          if (taken) { npc = (pc + ((w << 16) >> 14)) | 0; ds = true; } else { pc = npc; npc = (npc + 4) | 0; }
          break;
        }
        case 0x1c: { // SPECIAL2
          switch (w & 63) {
            case 0x00: this.madd(r[rs]!, r[rt]!, 1); break; // MADD
            case 0x01: this.maddu(r[rs]!, r[rt]!, 1); break; // MADDU
            case 0x02: r[(w >>> 11) & 31] = Math.imul(r[rs]!, r[rt]!); break; // MUL
            case 0x04: this.madd(r[rs]!, r[rt]!, -1); break; // MSUB
            case 0x05: this.maddu(r[rs]!, r[rt]!, -1); break; // MSUBU
            case 0x20: r[(w >>> 11) & 31] = Math.clz32(r[rs]!); break; // CLZ
            case 0x21: r[(w >>> 11) & 31] = Math.clz32(~r[rs]!); break; // CLO
            default: this.sync(ipc, inDs, n, w); this.reserved(); break loop; // incl. SDBBP (no EJTAG)
          }
          break;
        }
        case 0x1f: { // SPECIAL3
          const rd = (w >>> 11) & 31, sa = (w >>> 6) & 31;
          switch (w & 63) {
            case 0x00: { // EXT
              const size = rd + 1;
              r[rt] = size >= 32 ? r[rs]! >>> sa : (r[rs]! >>> sa) & ((1 << size) - 1);
              break;
            }
            case 0x04: { // INS
              if (rd < sa) break; // UNPREDICTABLE; leave rt
              const size = rd - sa + 1;
              const mask = (size >= 32 ? -1 : (1 << size) - 1) << sa;
              r[rt] = (r[rt]! & ~mask) | ((r[rs]! << sa) & mask);
              break;
            }
            case 0x20: // BSHFL
              if (sa === 0x02) r[rd] = ((r[rt]! & 0x00ff00ff) << 8) | ((r[rt]! >>> 8) & 0x00ff00ff); // WSBH
              else if (sa === 0x10) r[rd] = (r[rt]! << 24) >> 24; // SEB
              else if (sa === 0x18) r[rd] = (r[rt]! << 16) >> 16; // SEH
              else { this.sync(ipc, inDs, n, w); this.reserved(); break loop; }
              break;
            case 0x3b: { // RDHWR
              this.sync(ipc, inDs, n, w);
              const v = this.rdhwr(rd);
              if (this.trap) break loop;
              r[rt] = v;
              break;
            }
            default: this.sync(ipc, inDs, n, w); this.reserved(); break loop;
          }
          break;
        }
        case 0x20: { // LB
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          let v: number;
          if (lt[e] === va >>> 12) v = (m8[(va + lo[e]!) | 0]! << 24) >> 24;
          else { this.sync(ipc, inDs, n, w); v = this.loadSlow(va, 1); if (this.trap) break loop; v = (v << 24) >> 24; if (this.brk) { r[rt] = v; break loop; } }
          r[rt] = v;
          break;
        }
        case 0x24: { // LBU
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          let v: number;
          if (lt[e] === va >>> 12) v = m8[(va + lo[e]!) | 0]!;
          else { this.sync(ipc, inDs, n, w); v = this.loadSlow(va, 1); if (this.trap) break loop; if (this.brk) { r[rt] = v; break loop; } }
          r[rt] = v;
          break;
        }
        case 0x21: { // LH
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          let v: number;
          if (lt[e] === va >>> 12 && (va & 1) === 0) v = (m16[((va + lo[e]!) | 0) >> 1]! << 16) >> 16;
          else { this.sync(ipc, inDs, n, w); v = this.loadSlow(va, 2); if (this.trap) break loop; v = (v << 16) >> 16; if (this.brk) { r[rt] = v; break loop; } }
          r[rt] = v;
          break;
        }
        case 0x25: { // LHU
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          let v: number;
          if (lt[e] === va >>> 12 && (va & 1) === 0) v = m16[((va + lo[e]!) | 0) >> 1]!;
          else { this.sync(ipc, inDs, n, w); v = this.loadSlow(va, 2); if (this.trap) break loop; if (this.brk) { r[rt] = v; break loop; } }
          r[rt] = v;
          break;
        }
        case 0x23: { // LW
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          let v: number;
          if (lt[e] === va >>> 12 && (va & 3) === 0) v = m32[((va + lo[e]!) | 0) >> 2]!;
          else { this.sync(ipc, inDs, n, w); v = this.loadSlow(va, 4); if (this.trap) break loop; if (this.brk) { r[rt] = v; break loop; } }
          r[rt] = v;
          break;
        }
        case 0x28: { // SB
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          if (st[e] === va >>> 12) m8[(va + so[e]!) | 0] = r[rt]!;
          else { this.sync(ipc, inDs, n, w); this.storeSlow(va, 1, r[rt]!); if (this.brk) break loop; }
          break;
        }
        case 0x29: { // SH
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          if (st[e] === va >>> 12 && (va & 1) === 0) m16[((va + so[e]!) | 0) >> 1] = r[rt]!;
          else { this.sync(ipc, inDs, n, w); this.storeSlow(va, 2, r[rt]!); if (this.brk) break loop; }
          break;
        }
        case 0x2b: { // SW
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          if (st[e] === va >>> 12 && (va & 3) === 0) m32[((va + so[e]!) | 0) >> 2] = r[rt]!;
          else { this.sync(ipc, inDs, n, w); this.storeSlow(va, 4, r[rt]!); if (this.brk) break loop; }
          break;
        }
        case 0x22: case 0x26: case 0x2a: case 0x2e: // LWL LWR SWL SWR
          this.sync(ipc, inDs, n, w);
          this.unaligned(w);
          if (this.brk) break loop;
          break;
        case 0x2f: // CACHE: caches are not modelled; privileged, and trapped in guests per GuestCtl0.CG
          if (!this.kernel || this.guest) {
            this.sync(ipc, inDs, n, w);
            if (this.cacheTraps(w)) break loop;
          }
          break;
        case 0x30: { // LL
          this.sync(ipc, inDs, n, w);
          const v = this.loadSlow((r[rs]! + ((w << 16) >> 16)) | 0, 4);
          if (this.trap) break loop;
          r[rt] = v;
          this.setLL(true);
          if (this.brk) break loop;
          break;
        }
        case 0x38: { // SC: the address is checked and translated even when the LL bit is clear
          this.sync(ipc, inDs, n, w);
          this.storeConditional((r[rs]! + ((w << 16) >> 16)) | 0, rt);
          if (this.brk) break loop;
          break;
        }
        case 0x35: { // LDC1 (fast path; the slow path below handles the rest)
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          if (this.cu1ok && lt[e] === va >>> 12 && (va & 7) === 0) {
            const o = ((va + lo[e]!) | 0) >> 2;
            this.fpu.setD64(rt, m32[o]!, m32[o + 1]!);
            break;
          }
          this.sync(ipc, inDs, n, w);
          this.fpMem(0x35, va, rt);
          if (this.brk) break loop;
          break;
        }
        case 0x3d: { // SDC1
          const va = (r[rs]! + ((w << 16) >> 16)) | 0;
          const e = (va >>> 12) & SM;
          if (this.cu1ok && st[e] === va >>> 12 && (va & 7) === 0) {
            const o = ((va + so[e]!) | 0) >> 2;
            m32[o] = this.fpu.getDLo(rt);
            m32[o + 1] = this.fpu.getDHi(rt);
            break;
          }
          this.sync(ipc, inDs, n, w);
          this.fpMem(0x3d, va, rt);
          if (this.brk) break loop;
          break;
        }
        case 0x31: case 0x39: // LWC1 SWC1
          this.sync(ipc, inDs, n, w);
          this.fpMem(w >>> 26, (r[rs]! + ((w << 16) >> 16)) | 0, rt);
          if (this.brk) break loop;
          break;
        case 0x33: break; // PREF
        case 0x32: case 0x36: case 0x3a: case 0x3e: // LWC2 LDC2 SWC2 SDC2
          this.sync(ipc, inDs, n, w); this.cpUnusable(2); break loop;
        default: this.sync(ipc, inDs, n, w); this.reserved(); break loop; // incl. JALX (no microMIPS)
      }
      r[0] = 0;
      // `brk` is only ever set inside a slow-path call, and every call site checks it.
    }
    r[0] = 0;
    if (!this.trap) {
      this.pc = pc;
      this.npc = npc;
      this.nextDs = ds;
    }
    return n;
  }

  // ---------------------------------------------------------------- arithmetic helpers

  /** @internal */
  mult(a: number, b: number): void {
    const lo = Math.imul(a, b);
    this.lo = lo;
    this.hi = Math.round((a * b - (lo >>> 0)) / 4294967296) | 0;
  }

  /** @internal */
  multu(a: number, b: number): void {
    const ua = a >>> 0, ub = b >>> 0;
    const lo = Math.imul(a, b);
    this.lo = lo;
    this.hi = Math.round((ua * ub - (lo >>> 0)) / 4294967296) | 0;
  }

  /** HI:LO += sign * (a*b), signed 64-bit (MADD/MSUB). */
  /** @internal */
  madd(a: number, b: number, sign: number): void {
    const hi = this.hi, lo = this.lo;
    this.mult(a, b);
    this.accumulate(hi, lo, sign);
  }

  /** HI:LO += sign * (a*b), unsigned product (MADDU/MSUBU). */
  /** @internal */
  maddu(a: number, b: number, sign: number): void {
    const hi = this.hi, lo = this.lo;
    this.multu(a, b);
    this.accumulate(hi, lo, sign);
  }

  /** HI:LO = acc ± (product now in HI:LO), 64-bit with carry. */
  private accumulate(accHi: number, accLo: number, sign: number): void {
    const pLo = this.lo >>> 0, pHi = this.hi;
    const aLo = accLo >>> 0;
    if (sign > 0) {
      const l = aLo + pLo;
      this.lo = l | 0;
      this.hi = (accHi + pHi + (l > 0xffffffff ? 1 : 0)) | 0;
    } else {
      const l = aLo - pLo;
      this.lo = l | 0;
      this.hi = (accHi - pHi - (l < 0 ? 1 : 0)) | 0;
    }
  }

  // ---------------------------------------------------------------- exceptions

  /** Raises a synchronous exception for the instruction being executed (BadInstr = its word). */
  private raiseInsn(code: number, ce = 0): void {
    if (this.guest) guestRaise(this, code, ce);
    else this.enter(code, this.ipc, this.inDs, VEC_GENERAL, true, ce);
  }

  private reserved(): void {
    if (this.guest) guestReserved(this);
    else this.raiseInsn(EXC.RI);
  }

  private cpUnusable(unit: number): void {
    if (this.guest) guestCpUnusable(this, unit);
    else this.raiseInsn(EXC.CPU, unit);
  }

  /** CACHE from user mode or a guest: returns true when it raised an exception or exit. */
  private cacheTraps(w: number): boolean {
    if (this.guest) {
      if (!this.kernel && !(this.gcp0[C0.STATUS]! & ST_CU0)) { guestRaise(this, EXC.CPU, 0); return true; }
      if (guestCacheTraps(this, w)) { guestExit(this, GEXC.GPSI); return true; }
      return false;
    }
    if (!(this.cp0[C0.STATUS]! & ST_CU0)) { this.cpUnusable(0); return true; }
    return false;
  }

  /** Address error on `va` for the current instruction (root context). */
  private addressError(va: number, store: boolean, fetch: boolean): void {
    if (this.guest) { guestAddressError(this, va, store ? ACC_STORE : fetch ? ACC_FETCH : ACC_LOAD); return; }
    this.cp0[C0.BADVADDR] = va;
    this.enter(store ? EXC.ADES : EXC.ADEL, this.ipc, this.inDs, VEC_GENERAL, !fetch, 0);
  }

  /** TLB exception on `va`: BadVAddr, Context.BadVPN2, EntryHi.VPN2 set. */
  /** @internal */
  tlbException(code: number, va: number, refill: boolean, fetch: boolean): void {
    const c = this.cp0;
    tlbFaultState(c, va);
    const vec = refill && !(c[C0.STATUS]! & ST_EXL) ? VEC_REFILL : VEC_GENERAL;
    this.enter(code, this.ipc, this.inDs, vec, !fetch, 0);
  }

  /**
   * Exception entry in root context (PRA 6.2): EPC/BD (or the nested-fault registers), Cause,
   * EXL, shadow-set switch, BadInstr/BadInstrP, then the native handler or the vector.
   */
  /** @internal */
  enter(code: number, epc: number, inDs: boolean, vec: number, badInstr: boolean, ce: number, eicSrs = -1): void {
    const c = this.cp0;
    const fromGuest = this.guest;
    const stat = enterExceptionState(c, code, epc, inDs, badInstr ? this.iw : null, this.brw, ce);
    if (!(stat & ST_EXL) && !(stat & ST_BEV)) {
      const srs = c[C0.SRSCTL]!;
      const css = srs & 0xf;
      const next = eicSrs >= 0 ? eicSrs : (srs >>> 12) & 0xf;
      c[C0.SRSCTL] = (srs & ~(0xf | (0xf << 6) | (0xf << 18))) | (css << 6) | next | ((eicSrs >= 0 ? eicSrs : 0) << 18);
      this.selectShadowSet(next);
    }
    this.waiting = false;
    this.trap = true;
    this.brk = true;
    this.modeChanged();
    const base = stat & ST_BEV ? BEV_BASE : c[C0.EBASE]! & ~0xfff;
    this.setPc((base + vec) | 0);
    if (this.excHook !== null) this.excHook(this, code, false, fromGuest);
    if (this.rootHandler !== null) this.rootHandler(this, code);
  }

  private selectShadowSet(set: number): void {
    this.gpr = this.gprFile.subarray(set * 32, set * 32 + 32);
  }

  /** ERET (PRA): return from exception or error level; restores the shadow set; clears LLbit. */
  eret(): void {
    const c = this.cp0;
    const stat = c[C0.STATUS]!;
    if (stat & ST_ERL) {
      c[C0.STATUS] = stat & ~ST_ERL;
      this.setPc(c[C0.ERROREPC]!);
    } else {
      c[C0.STATUS] = stat & ~ST_EXL;
      this.setPc(c[C0.EPC]!);
      if (!(stat & ST_BEV)) {
        const srs = c[C0.SRSCTL]!;
        const pss = (srs >>> 6) & 0xf;
        c[C0.SRSCTL] = (srs & ~0xf) | pss;
        this.selectShadowSet(pss);
      }
    }
    this.llbit = false;
    this.brk = true;
    this.modeChanged();
  }

  // ---------------------------------------------------------------- interrupts

  /** Current interrupt priority level {Status[18], Status[16:10]}. */
  private ipl(): number {
    const st = this.cp0[C0.STATUS]!;
    return ((st >>> 10) & 0x7f) | ((st >>> 11) & 0x80);
  }

  private eicMode(): boolean {
    const c = this.cp0;
    return this.eic !== null && (c[C0.CAUSE]! & CA_IV) !== 0 && (c[C0.STATUS]! & ST_BEV) === 0;
  }

  /** Pending interrupt bits IP7..IP0 in the non-EIC modes. */
  private pendingIp(): number {
    const c = this.cp0;
    let ip = (c[C0.CAUSE]! >>> 8) & 3;
    if (this.eic !== null) ip |= (this.eic.ripl & 0x3f) << 2;
    else {
      ip |= this.ipLines;
      if (c[C0.CAUSE]! & CA_TI) ip |= 1 << (c[C0.INTCTL]! >>> 29);
    }
    return ip;
  }

  /** Root interrupts first (they pre-empt guests), then interrupts injected into the guest. */
  private checkInterrupts(): void {
    if (this.rootInterrupt()) return;
    if (this.guest) checkGuestInterrupts(this);
  }

  /** Takes a root interrupt if one is pending and enabled; wakes WAIT (Config7.WII) regardless of IE. */
  private rootInterrupt(): boolean {
    const c = this.cp0;
    const stat = c[C0.STATUS]!;
    let pending: boolean;
    const eic = this.eicMode();
    if (eic) pending = this.eic!.ripl > this.ipl();
    else pending = (this.pendingIp() & (stat >>> 8) & 0xff) !== 0;
    if (!pending || stat & (ST_EXL | ST_ERL)) return false;
    this.waiting = false;
    if (!(stat & ST_IE)) return false;
    this.takeInterrupt(eic);
    return true;
  }

  private takeInterrupt(eic: boolean): void {
    const c = this.cp0;
    this.iw = 0;
    let vec = VEC_GENERAL;
    let srs = -1;
    if (eic) {
      const e = this.eic!;
      c[C0.CAUSE] = (c[C0.CAUSE]! & ~CA_RIPL_MASK) | ((e.ripl & 0xff) << CA_RIPL_SHIFT);
      vec = e.offset;
      srs = e.srs & 0xf;
    } else if (c[C0.CAUSE]! & CA_IV) {
      const vs = (c[C0.INTCTL]! >>> 5) & 0x1f;
      const ip = this.pendingIp() & (c[C0.STATUS]! >>> 8) & 0xff;
      const n = 31 - Math.clz32(ip);
      vec = VEC_INTERRUPT + (vs === 0 || c[C0.STATUS]! & ST_BEV ? 0 : n * (vs << 5));
      if (vs !== 0) srs = n < 8 ? (c[C0.SRSMAP]! >>> (4 * n)) & 0xf : -1;
    }
    this.trap = false;
    this.enter(EXC.INT, this.pc, this.nextDs, vec, false, 0, srs);
  }

  // ---------------------------------------------------------------- timer

  /** Count register: CCRES cycles per increment from the virtual clock. */
  /** Root Count register; Cause.DC freezes it. */
  count(): number {
    if (this.cp0[C0.CAUSE]! & CA_DC) return this.countFrozen;
    return (this.countOffset + Math.floor(this.clock.now / CCRES)) | 0;
  }

  private countFrozen = 0;

  /** Cause.DC changed: freeze Count or let it run on from the frozen value. */
  private countDisable(on: boolean): void {
    if (on) {
      this.countFrozen = this.count();
      this.clock.cancel(this.compareTimer);
      this.clock.cancel(this.gCompareTimer);
    } else {
      this.countOffset = this.countFrozen - Math.floor(this.clock.now / CCRES);
      this.scheduleCompare();
      scheduleGuestCompare(this);
    }
  }

  private setCount(v: number): void {
    this.countOffset = v - Math.floor(this.clock.now / CCRES);
    this.countFrozen = v;
    this.scheduleCompare();
    scheduleGuestCompare(this);
  }

  private scheduleCompare(): void {
    if (this.cp0[C0.CAUSE]! & CA_DC) return;
    let delta = (this.cp0[C0.COMPARE]! - this.count()) >>> 0;
    if (delta === 0) delta = 0x1_0000_0000;
    this.clock.schedule(this.compareTimer, (Math.floor(this.clock.now / CCRES) + delta) * CCRES);
  }

  private compareMatch(): void {
    this.cp0[C0.CAUSE]! |= CA_TI;
    this.coreSignalsChanged();
    this.scheduleCompare();
  }

  private coreSignalsChanged(): void {
    const cause = this.cp0[C0.CAUSE]!;
    if (this.eic !== null) this.eic.coreSignals((cause & CA_TI) !== 0, (cause >>> 8) & 3);
    this.brk = true;
  }

  private random(): number {
    const wired = this.cp0[C0.WIRED]!;
    if (wired >= TLB_ENTRIES) return TLB_ENTRIES - 1;
    return TLB_ENTRIES - 1 - ((this.clock.now - this.randomEpoch) % (TLB_ENTRIES - wired));
  }

  // ---------------------------------------------------------------- translation

  /** Called whenever Status, EntryHi.ASID, GuestCtl0/1 change: picks the translation context. */
  modeChanged(): void {
    const c = this.cp0;
    const st = c[C0.STATUS]!;
    // Guest mode: GuestCtl0.GM with root EXL and ERL clear (spec §1.1).
    this.guest = (c[C0.GUESTCTL0]! & GC0_GM) !== 0 && (st & (ST_EXL | ST_ERL)) === 0;
    let key: number;
    if (this.guest) {
      const g = this.gcp0;
      const gst = g[C0.STATUS]!;
      this.kernel = guestKernel(this);
      this.fpu.fr = (gst & ST_FR) !== 0;
      this.cu1ok = (gst & st & ST_CU1) !== 0;
      key = ctxKey(true, c[C0.GUESTCTL1]! & 0xff, g[C0.ENTRYHI]! & 0xff, !this.kernel, (gst & ST_ERL) !== 0);
    } else {
      this.kernel = !(st & ST_UM) || (st & (ST_EXL | ST_ERL)) !== 0;
      this.fpu.fr = (st & ST_FR) !== 0;
      this.cu1ok = (st & ST_CU1) !== 0;
      key = ctxKey(false, 0, c[C0.ENTRYHI]! & 0xff, !this.kernel, (st & ST_ERL) !== 0);
    }
    if (this.ctx.key !== key) this.ctx = this.context(key);
    this.brk = true;
  }

  /** @internal The translation cache of the executing context. */
  currentContext(): SoftTlb {
    return this.ctx;
  }

  /** @internal Drops guest translations of GuestID `gid` (-1: every guest). */
  flushGuestTranslations(gid: number): void {
    for (const t of this.contexts.values()) if (ctxIsGuest(t.key) && (gid < 0 || ctxGid(t.key) === gid)) t.flush();
    this.brk = true;
  }

  /** @internal A guest TLB entry of `gid` covering guest-virtual [lo, hi) changed. */
  dropGuestVirtual(gid: number, lo: number, hi: number): void {
    for (const t of this.contexts.values()) if (ctxIsGuest(t.key) && ctxGid(t.key) === gid) t.dropVirtual(lo, hi);
    this.brk = true;
  }

  private context(key: number): SoftTlb {
    let t = this.contexts.get(key);
    if (t === undefined) {
      if (this.contexts.size >= MAX_CONTEXTS) this.contexts.clear();
      t = new SoftTlb(key, this.jit?.codePage ?? null);
      this.contexts.set(key, t);
    }
    return t;
  }

  /** Drops every cached translation (page map or protection changed). */
  flushTranslations(): void {
    for (const t of this.contexts.values()) t.flush();
    this.ctx.flush();
    this.brk = true;
  }

  /**
   * A root TLB entry changed: a root entry (GuestID 0) affects root translations of its virtual
   * range; a guest entry affects the translations of that GuestID that went through its GPAs.
   */
  private dropRootEntry(i: number): void {
    const t = this.tlb;
    if (t.inv[i]) return;
    const [lo, hi] = t.range(i);
    const gid = t.gid[i]!;
    for (const s of this.contexts.values()) {
      if (!ctxIsGuest(s.key)) { if (gid === 0) s.dropVirtual(lo, hi); }
      else if (gid !== 0 && ctxGid(s.key) === gid) s.dropGuestPhysical(lo, hi);
    }
    this.brk = true;
  }

  /**
   * Root-context translation of `va` for access kind `acc`; raises the architectural
   * exception and returns -1 on a fault. Fills the translation cache for plain memory.
   */
  private translate(va: number, acc: number): number {
    if (this.guest) return translateGuest(this, va, acc);
    const c = this.cp0;
    const st = c[C0.STATUS]!;
    let pa: number;
    if (va < 0) {
      if (!this.kernel) { this.addressError(va, acc === ACC_STORE, acc === ACC_FETCH); return -1; }
      if (va < (0xc0000000 | 0)) pa = va & 0x1fffffff; // kseg0, kseg1
      else { pa = this.mapped(va, acc); if (pa < 0) return -1; }
    } else if (st & ST_ERL) {
      pa = va; // kuseg is unmapped while ERL=1
    } else {
      pa = this.mapped(va, acc);
      if (pa < 0) return -1;
    }
    const host = this.bus.pageBase(pa >>> 12, acc === ACC_STORE);
    if (host >= 0) this.ctx.fill(acc, va, host, -1);
    return pa;
  }

  private mapped(va: number, acc: number): number {
    const c = this.cp0;
    const t = this.tlb;
    const i = t.lookup(va, c[C0.ENTRYHI]! & 0xff, 0);
    const code = acc === ACC_STORE ? EXC.TLBS : EXC.TLBL;
    if (i < 0) { this.tlbException(code, va, true, acc === ACC_FETCH); return -1; }
    const lo = t.entryLo(i, va);
    const fault = permissionFault(lo, acc, c[C0.PAGEGRAIN]!);
    if (fault >= 0) { this.tlbException(fault, va, false, acc === ACC_FETCH); return -1; }
    return t.physical(i, lo, va);
  }

  private fetchSlow(va: number): number {
    if (va & 3) { this.addressError(va, false, true); return 0; }
    const pa = this.translate(va, ACC_FETCH);
    if (pa < 0) return 0;
    const b = this.bus;
    const w = b.read(pa, 4);
    if (b.error) { b.error = false; this.enter(EXC.IBE, this.ipc, this.inDs, VEC_GENERAL, false, 0); return 0; }
    return w | 0;
  }

  /** Load of `size` bytes, zero-extended; on a fault raises and sets `trap`. */
  loadSlow(va: number, size: 1 | 2 | 4): number {
    if (va & (size - 1)) { this.addressError(va, false, false); return 0; }
    const pa = this.translate(va, ACC_LOAD);
    if (pa < 0) return 0;
    const b = this.bus;
    const v = b.read(pa, size);
    if (b.error) { b.error = false; this.enter(EXC.DBE, this.ipc, this.inDs, VEC_GENERAL, true, 0); return 0; }
    return size === 4 ? v | 0 : v;
  }

  /** Store; on a fault raises and sets `trap`. MMIO stores end the inner loop (interrupts may change). */
  storeSlow(va: number, size: 1 | 2 | 4, v: number): void {
    if (va & (size - 1)) { this.addressError(va, true, false); return; }
    const pa = this.translate(va, ACC_STORE);
    if (pa < 0) return;
    const b = this.bus;
    b.write(pa, size, size === 4 ? v : v & (size === 1 ? 0xff : 0xffff));
    if (b.error) { b.error = false; this.enter(EXC.DBE, this.ipc, this.inDs, VEC_GENERAL, true, 0); }
    // No need to leave the loop: a device that changes an interrupt calls irqChanged (brk),
    // and one that schedules an earlier event triggers clock.onEarlier (brk).
  }

  private storeConditional(va: number, rt: number): void {
    if (va & 3) { this.addressError(va, true, false); return; }
    const pa = this.translate(va, ACC_STORE);
    if (pa < 0) return;
    const ok = this.guest ? this.gllbit : this.llbit;
    if (ok) {
      const b = this.bus;
      b.write(pa, 4, this.gpr[rt]!);
      if (b.error) { b.error = false; this.enter(EXC.DBE, this.ipc, this.inDs, VEC_GENERAL, true, 0); return; }
      this.brk = true;
    }
    if (rt !== 0) this.gpr[rt] = ok ? 1 : 0;
    this.setLL(false);
  }

  private setLL(on: boolean): void {
    if (this.guest) this.gllbit = on;
    else this.llbit = on;
  }

  /** LWL/LWR/SWL/SWR, little-endian: merge with the aligned word. */
  private unaligned(w: number): void {
    const r = this.gpr;
    const rt = (w >>> 16) & 31;
    const va = (r[(w >>> 21) & 31]! + ((w << 16) >> 16)) | 0;
    const a = va & ~3;
    const sh = (va & 3) * 8;
    const op = w >>> 26;
    const old = r[rt]!;
    if (op === 0x22 || op === 0x26) {
      const mem = this.loadSlow(a, 4);
      if (this.trap) return;
      if (rt === 0) return;
      r[rt] = op === 0x22
        ? (sh === 24 ? mem : (mem << (24 - sh)) | (old & ((1 << (24 - sh)) - 1))) // LWL
        : (sh === 0 ? mem : (old & ~(-1 >>> sh)) | (mem >>> sh)); // LWR
      return;
    }
    // Stores translate as stores (TLBS/Mod), then merge into the word at that address.
    const pa = this.translate(a, ACC_STORE);
    if (pa < 0) return;
    const b = this.bus;
    const mem = b.read(pa, 4);
    const v = op === 0x2a
      ? (sh === 24 ? old : (mem & ~(-1 >>> (24 - sh))) | (old >>> (24 - sh))) // SWL
      : (sh === 0 ? old : (mem & ((1 << sh) - 1)) | (old << sh)); // SWR
    if (!b.error) b.write(pa, 4, v);
    if (b.error) { b.error = false; this.enter(EXC.DBE, this.ipc, this.inDs, VEC_GENERAL, true, 0); return; }
    this.brk = true;
  }

  /** Aligned word load through the translation cache, else the slow path. */
  private load32(va: number): number {
    const c = this.ctx;
    const e = (va >>> 12) & SOFT_MASK;
    if (c.tag[ACC_LOAD]![e] === va >>> 12 && (va & 3) === 0) return this.m32[((va + c.off[ACC_LOAD]![e]!) | 0) >> 2]!;
    return this.loadSlow(va, 4);
  }

  /** Aligned word store through the translation cache, else the slow path. */
  private store32(va: number, v: number): void {
    const c = this.ctx;
    const e = (va >>> 12) & SOFT_MASK;
    if (c.tag[ACC_STORE]![e] === va >>> 12 && (va & 3) === 0) this.m32[((va + c.off[ACC_STORE]![e]!) | 0) >> 2] = v;
    else this.storeSlow(va, 4, v);
  }

  /** LWC1/LDC1/SWC1/SDC1. */
  private fpMem(op: number, va: number, ft: number): void {
    if (!this.cu1ok) { this.cpUnusable(1); return; }
    const f = this.fpu;
    switch (op) {
      case 0x31: { const v = this.load32(va); if (!this.trap) f.setW(ft, v); break; }
      case 0x39: this.store32(va, f.getW(ft)); break;
      case 0x35: {
        if (va & 7) { this.addressError(va, false, false); return; }
        const l = this.load32(va);
        if (this.trap) return;
        const h = this.load32((va + 4) | 0);
        if (!this.trap) f.setD64(ft, l, h);
        break;
      }
      default: {
        if (va & 7) { this.addressError(va, true, false); return; }
        this.store32(va, f.getDLo(ft));
        if (!this.trap) this.store32((va + 4) | 0, f.getDHi(ft));
        break;
      }
    }
  }

  /** COP1X: indexed FPU loads/stores, PREFX, fused multiply-add. */
  private cop1x(w: number): void {
    const r = this.gpr;
    const base = r[(w >>> 21) & 31]!, index = r[(w >>> 16) & 31]!;
    const fs = (w >>> 11) & 31, fd = (w >>> 6) & 31;
    const va = (base + index) | 0;
    switch (w & 63) {
      case 0x00: this.fpMem(0x31, va, fd); return; // LWXC1
      case 0x01: this.fpMem(0x35, va, fd); return; // LDXC1
      case 0x05: this.fpMem(0x35, va & ~7, fd); return; // LUXC1
      case 0x08: this.fpMem(0x39, va, fs); return; // SWXC1
      case 0x09: this.fpMem(0x3d, va, fs); return; // SDXC1
      case 0x0d: this.fpMem(0x3d, va & ~7, fs); return; // SUXC1
      case 0x0f: return; // PREFX
      default: {
        const e = this.fpu.execCop1x(r, w);
        if (e !== 0) this.raiseInsn(e);
      }
    }
  }

  /** RDHWR: CPUNum, SYNCI_Step, CC, CCRes, UserLocal; user mode needs the HWREna bit. */
  private rdhwr(rd: number): number {
    const c = this.guest ? this.gcp0 : this.cp0;
    if (!this.kernel && !(c[C0.HWRENA]! & (1 << rd))) { this.reserved(); return 0; }
    if (this.guest && guestRdhwrTraps(this, rd)) { guestExit(this, GEXC.GPSI); return 0; }
    switch (rd) {
      case 0: return c[C0.EBASE]! & 0x3ff;
      case 1: return SYNCI_STEP;
      case 2: return this.guest ? guestCount(this) : this.count();
      case 3: return CCRES;
      case 29: return c[C0.USERLOCAL]!;
      default: this.reserved(); return 0;
    }
  }

  // ---------------------------------------------------------------- CP0 instructions

  private cop0(w: number): void {
    if (this.guest) { guestCop0(this, w); return; }
    const c = this.cp0;
    if (!this.kernel && !(c[C0.STATUS]! & ST_CU0)) { this.cpUnusable(0); return; }
    const rs = (w >>> 21) & 31, rt = (w >>> 16) & 31, rd = (w >>> 11) & 31;
    const r = this.gpr;
    if (rs === 3 || (rs >= 16 && (w & 63) >= 0x09 && (w & 63) <= 0x10)) {
      if (!rootVzOp(this, w)) this.reserved();
      return;
    }
    if (rs >= 16) { this.cop0Function(w); return; }
    switch (rs) {
      case 0x00: { const v = this.mfc0((rd << 3) | (w & 7)); if (rt !== 0) r[rt] = v; return; } // MFC0
      case 0x04: this.mtc0((rd << 3) | (w & 7), r[rt]!); return; // MTC0
      case 0x0a: { // RDPGPR
        const pss = (c[C0.SRSCTL]! >>> 6) & 0xf;
        if (rd !== 0) r[rd] = this.gprFile[pss * 32 + rt]!;
        return;
      }
      case 0x0e: { // WRPGPR
        const pss = (c[C0.SRSCTL]! >>> 6) & 0xf;
        if (rd !== 0) this.gprFile[pss * 32 + rd] = r[rt]!;
        return;
      }
      case 0x0b: { // MFMC0: DI / EI
        if (rd !== 12 || (w & 0x7ff & ~0x20) !== 0) { this.reserved(); return; }
        const old = c[C0.STATUS]!;
        if (rt !== 0) r[rt] = old;
        c[C0.STATUS] = w & 0x20 ? old | ST_IE : old & ~ST_IE;
        this.brk = true;
        return;
      }
      default: this.reserved(); return; // MFHC0/MTHC0 (no XPA); VZ ops are added by vz.ts
    }
  }

  private cop0Function(w: number): void {
    switch (w & 63) {
      case 0x01: this.tlbRead(); return; // TLBR
      case 0x02: this.tlbWrite(this.cp0[C0.INDEX]! & (TLB_ENTRIES - 1)); return; // TLBWI
      case 0x03: this.tlbInvalidate(false); return; // TLBINV
      case 0x04: this.tlbInvalidate(true); return; // TLBINVF
      case 0x06: this.tlbWrite(this.random()); return; // TLBWR
      case 0x08: this.tlbProbe(); return; // TLBP
      case 0x18: // ERET (ERETNC, bit 6, needs Config5.LLB: reserved here)
        if (w & 0x40) { this.reserved(); return; }
        this.eret();
        this.trap = true;
        return;
      case 0x20: this.waiting = true; this.brk = true; return; // WAIT
      default: this.reserved(); return; // DERET (no EJTAG), IRET (no MCU ASE), TLBG* and HYPCALL via VZ
    }
  }

  /** MFC0 of register index reg*8+sel in root context. */
  mfc0(i: number): number {
    const c = this.cp0;
    switch (i) {
      case C0.COUNT: return this.count();
      case C0.RANDOM: return this.random();
      case C0.CAUSE: return this.causeView();
      case C0.VIEW_IPL: return this.ipl() << 2;
      case C0.VIEW_RIPL: return (((this.causeView() >>> CA_RIPL_SHIFT) & 0xff) << 2) | ((c[C0.CAUSE]! >>> 8) & 3);
      default: return CP0_IMPL[i] ? c[i]! : 0;
    }
  }

  /** Cause as software reads it: IP7..IP2 / RIPL reflect the interrupt inputs now. */
  private causeView(): number {
    const c = this.cp0[C0.CAUSE]!;
    if (this.eicMode()) return (c & ~CA_RIPL_MASK) | ((this.eic!.ripl & 0xff) << CA_RIPL_SHIFT);
    return (c & ~(0xfc << 8)) | ((this.pendingIp() & 0xfc) << 8);
  }

  /** MTC0 in root context, with each register's side effects. */
  mtc0(i: number, v: number): void {
    const c = this.cp0;
    const m = CP0_WMASK[i]!;
    switch (i) {
      case C0.COUNT: this.setCount(v); return;
      case C0.COMPARE:
        c[i] = v;
        c[C0.CAUSE]! &= ~CA_TI;
        this.scheduleCompare();
        this.coreSignalsChanged();
        return;
      case C0.WIRED: c[i] = v & m; this.randomEpoch = this.clock.now; return;
      case C0.VIEW_IPL: {
        const ipl = (v >>> 2) & 0xff;
        c[C0.STATUS] = (c[C0.STATUS]! & ~((0x7f << 10) | (1 << 18))) | ((ipl & 0x7f) << 10) | ((ipl & 0x80) << 11);
        this.brk = true;
        return;
      }
      case C0.VIEW_RIPL: c[C0.CAUSE] = (c[C0.CAUSE]! & ~0x300) | ((v & 3) << 8); this.coreSignalsChanged(); return;
      case C0.CAUSE: {
        const old = c[i]!;
        const dc = (old ^ v) & m & CA_DC;
        if (dc && v & CA_DC) this.countDisable(true); // freeze at the value before this write
        c[i] = (old & ~m) | (v & m);
        if (dc && !(v & CA_DC)) this.countDisable(false);
        if ((old ^ c[i]!) & 0x300) this.coreSignalsChanged();
        this.brk = true;
        return;
      }
      case C0.PAGEGRAIN: c[i] = v & m; this.flushTranslations(); return;
      case C0.GTOFFSET: c[i] = v; scheduleGuestCompare(this); return;
      case C0.GUESTCTL2: case C0.GUESTCTL0EXT: case C0.GUESTCTL3: c[i] = (c[i]! & ~m) | (v & m); this.brk = true; return;
      case C0.ENTRYHI: c[i] = (c[i]! & ~m) | (v & m); this.modeChanged(); return;
      case C0.STATUS: {
        const sm = this.hasFpu ? m : m & ~(ST_CU1 | ST_FR);
        c[i] = (c[i]! & ~sm) | (v & sm);
        this.modeChanged();
        return;
      }
      default:
        c[i] = (c[i]! & ~m) | (v & m);
        if (i === C0.STATUS || i === C0.GUESTCTL0 || i === C0.GUESTCTL1) this.modeChanged();
        if (i === C0.SRSCTL) this.brk = true;
    }
  }

  // ---------------------------------------------------------------- root firmware API
  // Native root handlers and test harnesses drive the core only through these architectural
  // operations, exactly as root firmware would (DESIGN.md).

  /** Executes one COP0-opcode instruction word in root context (TLBWI, MTGC0, TLBGWI, DI, ...). */
  rootOp(w: number): void {
    if (this.guest) throw new Error('rootOp: the core is in guest mode');
    this.iw = w;
    this.cop0(w);
  }

  /** MFGC0 reg, sel. */
  mfgc0(reg: number, sel = 0): number {
    const saved = this.gpr[1]!;
    this.rootOp(0x40600000 | (1 << 16) | (reg << 11) | sel);
    const v = this.gpr[1]!;
    this.gpr[1] = saved;
    return v;
  }

  /** MTGC0 reg, sel. */
  mtgc0(reg: number, sel: number, v: number): void {
    const saved = this.gpr[1]!;
    this.gpr[1] = v;
    this.rootOp(0x40600200 | (1 << 16) | (reg << 11) | sel);
    this.gpr[1] = saved;
  }

  tlbr(): void { this.rootOp(0x42000001); }
  tlbwi(): void { this.rootOp(0x42000002); }
  tlbwr(): void { this.rootOp(0x42000006); }
  tlbp(): void { this.rootOp(0x42000008); }
  tlbinvf(): void { this.rootOp(0x42000004); }
  tlbgr(): void { this.rootOp(0x42000009); }
  tlbgwi(): void { this.rootOp(0x4200000a); }
  tlbgp(): void { this.rootOp(0x42000010); }

  /** RDPGPR: register `n` of the previous shadow set (SRSCtl.PSS). */
  rdpgpr(n: number): number {
    return this.gprFile[((this.cp0[C0.SRSCTL]! >>> 6) & 0xf) * 32 + n]!;
  }

  /** WRPGPR: writes register `n` of the previous shadow set. */
  wrpgpr(n: number, v: number): void {
    if (n !== 0) this.gprFile[((this.cp0[C0.SRSCTL]! >>> 6) & 0xf) * 32 + n] = v;
  }

  /** Physical bus access as root firmware does it through kseg1; returns undefined on a bus error. */
  readPhys(pa: number, size: 1 | 2 | 4): number | undefined {
    const v = this.bus.read(pa, size);
    if (this.bus.error) { this.bus.error = false; return undefined; }
    return v;
  }

  writePhys(pa: number, size: 1 | 2 | 4, v: number): boolean {
    this.bus.write(pa, size, v);
    if (this.bus.error) { this.bus.error = false; return false; }
    return true;
  }

  // ---------------------------------------------------------------- TLB instructions

  private tlbRead(): void {
    const c = this.cp0, t = this.tlb;
    const i = c[C0.INDEX]! & (TLB_ENTRIES - 1);
    c[C0.ENTRYHI] = t.hi[i]! | (t.inv[i] ? EH_EHINV : 0);
    c[C0.PAGEMASK] = t.mask[i]!;
    c[C0.ENTRYLO0] = t.lo0[i]!;
    c[C0.ENTRYLO1] = t.lo1[i]!;
    c[C0.GUESTCTL1] = (c[C0.GUESTCTL1]! & ~(0xff << 16)) | (t.gid[i]! << 16);
    this.modeChanged();
  }

  /** TLBWI/TLBWR: the entry gets GuestCtl1.RID; a guest entry written by root is forced global. */
  private tlbWrite(i: number): void {
    const c = this.cp0, t = this.tlb;
    this.dropRootEntry(i);
    const gid = (c[C0.GUESTCTL1]! >>> 16) & 0xff;
    let lo0 = c[C0.ENTRYLO0]!, lo1 = c[C0.ENTRYLO1]!;
    if (gid !== 0) { lo0 |= 1; lo1 |= 1; }
    t.write(i, c[C0.ENTRYHI]!, c[C0.PAGEMASK]!, lo0, lo1, gid);
    this.dropRootEntry(i);
  }

  private tlbProbe(): void {
    const c = this.cp0;
    const i = this.tlb.probe(c[C0.ENTRYHI]!, (c[C0.GUESTCTL1]! >>> 16) & 0xff);
    c[C0.INDEX] = i < 0 ? 0x80000000 | 0 : i;
  }

  /** TLBINV: invalidate entries with EntryHi.ASID (non-global); TLBINVF: all entries. RID must match. */
  private tlbInvalidate(all: boolean): void {
    const c = this.cp0, t = this.tlb;
    const gid = (c[C0.GUESTCTL1]! >>> 16) & 0xff;
    const asid = c[C0.ENTRYHI]! & 0xff;
    for (let i = 0; i < t.size; i++) {
      if (t.inv[i] || t.gid[i] !== gid) continue;
      if (!all && ((t.lo0[i]! & t.lo1[i]! & 1) !== 0 || (t.hi[i]! & 0xff) !== asid)) continue;
      t.inv[i] = 1;
    }
    this.flushTranslations();
  }
}

/** Trap condition for the TGE..TNE family by the low 3 bits of funct/rt. */
function trapCond(k: number, a: number, b: number): boolean {
  switch (k) {
    case 0: return a >= b; // TGE
    case 1: return a >>> 0 >= b >>> 0; // TGEU
    case 2: return a < b; // TLT
    case 3: return a >>> 0 < b >>> 0; // TLTU
    case 4: return a === b; // TEQ
    default: return a !== b; // TNE (6)
  }
}


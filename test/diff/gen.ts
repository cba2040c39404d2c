/**
 * Seeded generator of random MIPS32r2 unprivileged instruction sequences for the differential
 * test against qemu-mipsel (test/diff/README.md). Only architecturally defined behaviour is
 * generated (MIPS32 Architecture Vol. II, Release 2/5): where a result is UNPREDICTABLE the
 * generator avoids it, or marks the register as not compared.
 *
 * A case is a list of units (one or more instructions that branches never enter in the middle),
 * the initial register, HI/LO, FPU and scratch-buffer contents, and the set of results that are
 * defined at the end on every path.
 */
import * as A from './asm.ts';
import type { Insn } from './asm.ts';

/** Scratch buffer size in bytes; loads and stores stay inside it. */
export const BUF_BYTES = 64;
/** Register holding the scratch-buffer address plus BASE_BIAS: loaded by the prologue, never written. */
export const BASE_REG = 28;
/** The base points into the middle of the buffer, so offsets are negative as well as positive. */
export const BASE_BIAS = BUF_BYTES / 2;
/** Registers the generated code reads and writes ($zero is read only; sp, k0, k1, gp, ra are never touched). */
export const POOL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 30];
/** GPRs compared after a case: all but k0, k1, sp (never loaded); gp and ra are compared relative to their base. */
export const COMPARED_GPRS = [...Array(32).keys()].filter((n) => n !== 26 && n !== 27 && n !== 29);
/** Unit count of a sequence: uniformly MIN..MAX. */
export const MIN_UNITS = 8;
export const MAX_UNITS = 40;

/** A generated instruction; J/JAL carry the body index of their target, encoded when the image is laid out. */
export interface Item extends Insn {
  jumpTo?: number;
}

export interface Case {
  seed: number;
  fpu: boolean;
  /** Initial GPRs; entry 31 is an offset from the code base, entry 28 is ignored (the buffer address). */
  gpr: Int32Array;
  hi: number;
  lo: number;
  /** Initial FPRs as words: [2n] low, [2n+1] high. */
  fpr: Int32Array;
  fcsr: number;
  buf: Uint8Array;
  body: Item[];
  /** Results that are architecturally defined when the sequence ends. */
  hiDefined: boolean;
  loDefined: boolean;
  /** Per FPR: the high word is defined (the last write on every path was a 64-bit write). */
  fprHighDefined: boolean[];
  /** FCSR.Cause is comparable: no ABS/NEG since the last operation that sets it (see README). */
  causeDefined: boolean;
}

// ---------------------------------------------------------------- random numbers

/** xorshift32 (Marsaglia 2003) with a seed scrambler so nearby seeds diverge at once. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    let x = (seed ^ 0x9e3779b9) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    this.s = (x ^ (x >>> 16)) >>> 0 || 1;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** 0 .. n-1 */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

/** Seed of case k of a run with master seed s. */
export function caseSeed(master: number, k: number): number {
  return (Math.imul(master >>> 0, 0x01000193) ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0;
}

const EDGE_WORDS = [
  0, 1, -1, 2, 0x7fffffff, 0x80000000 | 0, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000,
  0xffff0000 | 0, 0x00ff00ff, 0x55555555, 0xaaaaaaaa | 0, 31, 32, 33, 0x1f,
];

function word(g: Rng): number {
  switch (g.int(4)) {
    case 0: return g.pick(EDGE_WORDS);
    case 1: return g.range(-300, 300);
    default: return g.u32() | 0;
  }
}

// Floating-point bit patterns (legacy NaN encoding: quiet NaNs have the top fraction bit clear).
const F32_EDGE = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x40400000, 0x40200000, 0xc0200000,
  0x3fc00000, 0xbfc00000, 0x7f800000, 0xff800000, 0x7f7fffff, 0x00800000, 0x00000001, 0x807fffff,
  0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x4effffff, 0x3effffff,
  0x7fbfffff, 0x7f800001, 0x7fc00000, 0xffbfffff,
  // around the rounding and tininess boundaries: 1 ± ulp, the smallest normal, the largest subnormal
  0x3f7fffff, 0x3f800001, 0x3fffffff, 0x00800001, 0x007fffff, 0x00400000, 0x1f800000, 0x20000000,
].map((x) => x | 0);
/** Exact doubles (hi, lo) around the same boundaries. */
const F64_EDGE_PAIRS: [number, number][] = [
  [0x3fefffff, 0xffffffff], [0x3ff00000, 0x00000001], [0x00100000, 0x00000000], [0x000fffff, 0xffffffff],
  [0x00100000, 0x00000001], [0x1ff00000, 0x00000000], [0x20000000, 0x00000000], [0x7fefffff, 0xffffffff],
  [0x41dfffff, 0xffc00000], [0xc1e00000, 0x00100000], [0x3fe00000, 0x00000001], [0x43300000, 0x00000001],
].map(([h, l]) => [h | 0, l | 0]);
const F64_EDGE_HI = [
  0x00000000, 0x80000000, 0x3ff00000, 0xbff00000, 0x3fe00000, 0x40080000, 0x40040000, 0xc0040000,
  0x7ff00000, 0xfff00000, 0x7fefffff, 0x00100000, 0x00000000, 0x41e00000, 0xc1e00000, 0x43e00000,
  0xc3e00000, 0x41dfffff, 0x7ff7ffff, 0x7ff00000, 0x7ff80000, 0x36a00000, 0x47e00000,
].map((x) => x | 0);

function f32bits(g: Rng): number {
  switch (g.int(3)) {
    case 0: return g.pick(F32_EDGE);
    case 1: return g.u32() | 0;
    default: return (((g.int(2) << 31) | (g.range(100, 154) << 23) | (g.u32() & 0x7fffff)) | 0);
  }
}

function f64bits(g: Rng): [number, number] {
  switch (g.int(3)) {
    case 0: {
      if (g.chance(0.3)) { const [hi, lo] = g.pick(F64_EDGE_PAIRS); return [lo, hi]; }
      return [g.chance(0.5) ? 0 : g.u32() | 0, g.pick(F64_EDGE_HI)];
    }
    case 1: return [g.u32() | 0, g.u32() | 0];
    default: return [g.u32() | 0, ((g.int(2) << 31) | (g.range(990, 1060) << 20) | (g.u32() & 0xfffff)) | 0];
  }
}

// ---------------------------------------------------------------- definedness tracking

/** What is defined at a program point; merged over incoming paths with `meet`. */
interface State {
  hi: boolean;
  lo: boolean;
  /** HI/LO hold an arithmetic result not yet read by MFHI/MFLO (MTHI/MTLO then spoil the other). */
  pending: boolean;
  fprHi: boolean[];
  /** Per FPR: the low word is a finite single / the register a finite double (set by constant loads only). */
  finS: boolean[];
  finD: boolean[];
  /** FCSR.Cause was last set by an operation qemu models (not ABS/NEG). */
  cause: boolean;
}

const cloneState = (s: State): State => ({ ...s, fprHi: [...s.fprHi], finS: [...s.finS], finD: [...s.finD] });

const and = (a: boolean[], b: boolean[]): boolean[] => a.map((v, k) => v && b[k]!);

function meet(a: State, b: State): State {
  return {
    hi: a.hi && b.hi, lo: a.lo && b.lo, pending: a.pending || b.pending, fprHi: and(a.fprHi, b.fprHi),
    finS: and(a.finS, b.finS), finD: and(a.finD, b.finD), cause: a.cause && b.cause,
  };
}

const finite32 = (bits: number): boolean => ((bits >>> 23) & 0xff) !== 0xff;
const finite64 = (hi: number): boolean => ((hi >>> 20) & 0x7ff) !== 0x7ff;

// ---------------------------------------------------------------- the generator

type Kind =
  | 'alu' | 'alui' | 'lui' | 'shift' | 'shiftv' | 'bits' | 'bshfl' | 'movzn' | 'clx' | 'mul'
  | 'multdiv' | 'div' | 'divovf' | 'mfhilo' | 'mthilo' | 'load' | 'store' | 'unaligned' | 'llsc'
  | 'const' | 'branch' | 'jump' | 'jr' | 'addsub' | 'trap' | 'misc' | 'loop'
  | 'fmove' | 'fconst' | 'farith' | 'funary' | 'fcvt' | 'fcmp' | 'fmovc' | 'fmadd' | 'fmem' | 'fmemx' | 'fcsr' | 'fbranch';

const INT_WEIGHTS: [Kind, number][] = [
  ['alu', 10], ['alui', 8], ['lui', 2], ['shift', 5], ['shiftv', 4], ['bits', 4], ['bshfl', 3],
  ['movzn', 3], ['clx', 2], ['mul', 2], ['multdiv', 5], ['div', 3], ['divovf', 1], ['mfhilo', 4],
  ['mthilo', 2], ['load', 6], ['store', 5], ['unaligned', 5], ['llsc', 1], ['const', 3],
  ['branch', 7], ['jump', 1], ['jr', 1], ['addsub', 2], ['trap', 1], ['misc', 1], ['loop', 2],
];
const FPU_WEIGHTS: [Kind, number][] = [
  ['fmove', 6], ['fconst', 5], ['farith', 10], ['funary', 5], ['fcvt', 6], ['fcmp', 4], ['fmovc', 3],
  ['fmadd', 4], ['fmem', 3], ['fmemx', 2], ['fcsr', 1], ['fbranch', 3],
];
/** Kinds that fit in a delay slot: one instruction, no branch. */
const SLOT_KINDS = new Set<Kind>(['trap', 'misc', 'alu', 'alui', 'lui', 'shift', 'shiftv', 'bits', 'bshfl', 'movzn', 'clx', 'mul', 'multdiv', 'mfhilo', 'mthilo', 'load', 'store', 'unaligned', 'farith', 'funary', 'fcvt', 'fcmp', 'fmovc', 'fmadd', 'fmem']);

interface Fixup {
  at: number;
  unit: number;
  kind: 'branch' | 'jump';
}

export class Generator {
  private readonly g: Rng;
  private readonly body: Item[] = [];
  private readonly fixups: Fixup[] = [];
  private readonly unitStart: number[] = [];
  private readonly incoming = new Map<number, State[]>();
  private st: State;
  private unit = 0;
  private readonly lastWrite = new Array<number>(32).fill(-1);
  /** POOL without the registers a loop reserves for its counter. */
  private free: number[] = POOL;
  /** Filling a delay slot: exactly one instruction. */
  private inSlot = false;
  private nUnits = 0;
  private readonly weights: [Kind, number][];
  private readonly total: number;

  constructor(readonly seed: number, readonly fpu: boolean) {
    this.g = new Rng(seed);
    const no = (): boolean[] => new Array<boolean>(32).fill(false);
    this.st = { hi: true, lo: true, pending: false, fprHi: new Array<boolean>(32).fill(true), finS: no(), finD: no(), cause: true };
    this.weights = fpu ? [...INT_WEIGHTS, ...FPU_WEIGHTS] : INT_WEIGHTS;
    this.total = this.weights.reduce((a, [, w]) => a + w, 0);
  }

  generate(): Case {
    const g = this.g;
    const gpr = new Int32Array(32);
    for (const n of POOL) gpr[n] = word(g);
    gpr[31] = 0;
    const fpr = new Int32Array(64);
    for (let n = 0; n < 32; n++) {
      if (g.chance(0.5)) [fpr[2 * n], fpr[2 * n + 1]] = f64bits(g);
      else { fpr[2 * n] = f32bits(g); fpr[2 * n + 1] = f32bits(g); }
    }
    const buf = new Uint8Array(BUF_BYTES);
    for (let k = 0; k < BUF_BYTES; k++) buf[k] = g.u32() & 0xff;
    const c: Case = {
      seed: this.seed, fpu: this.fpu, gpr, hi: word(g), lo: word(g), fpr, fcsr: this.fcsrValue(), buf, body: this.body,
      hiDefined: true, loDefined: true, fprHighDefined: [], causeDefined: true,
    };
    this.nUnits = g.range(MIN_UNITS, MAX_UNITS);
    for (this.unit = 0; this.unit < this.nUnits; this.unit++) {
      this.enterUnit();
      this.emitUnit(this.pickKind(false));
    }
    this.enterUnit(); // the end: every branch may target it
    for (const f of this.fixups) {
      const target = this.unitStart[f.unit]!;
      const x = this.body[f.at]!;
      if (f.kind === 'jump') x.jumpTo = target;
      else x.word = ((x.word & 0xffff0000) | ((target - f.at - 1) & 0xffff)) >>> 0;
      x.text = x.text.replace(/\.[+-]\d+$|0x[0-9a-f]+$/, `@${target}`);
    }
    c.hiDefined = this.st.hi;
    c.loDefined = this.st.lo;
    c.fprHighDefined = this.st.fprHi;
    c.causeDefined = this.st.cause;
    return c;
  }

  private enterUnit(): void {
    this.unitStart[this.unit] = this.body.length;
    for (const s of this.incoming.get(this.unit) ?? []) this.st = meet(this.st, s);
    this.incoming.delete(this.unit);
  }

  private pickKind(slot: boolean): Kind {
    for (;;) {
      let x = this.g.int(this.total);
      let k: Kind = this.weights[0]![0];
      for (const [kind, w] of this.weights) {
        if (x < w) { k = kind; break; }
        x -= w;
      }
      if (slot && !SLOT_KINDS.has(k)) continue;
      return k;
    }
  }

  private emit(x: Insn): void {
    this.body.push(x);
  }

  private reg(): number { return this.g.pick(this.free); }
  /**
   * A source register, now and then loaded with an edge value first (same unit), so that the
   * corner cases of each operation (-1, INT_MIN, 0x8000...) come up often.
   */
  private srcE(): number {
    if (this.inSlot || !this.g.chance(0.15)) return this.src();
    const rt = this.reg(), v = this.g.pick(EDGE_WORDS);
    if (v >= -32768 && v < 32768) this.emit(A.i2('addiu', rt, 0, v));
    else for (const x of A.li32(rt, v)) this.emit(x);
    return rt;
  }

  /**
   * A destination register: the least recently chosen of three, so results tend to survive to
   * the final dump; now and then $zero, whose writes must vanish.
   */
  private dst(): number {
    if (this.g.chance(0.03)) return 0;
    let best = this.reg();
    for (let k = 0; k < 2; k++) {
      const r = this.reg();
      if (this.lastWrite[r]! < this.lastWrite[best]!) best = r;
    }
    this.lastWrite[best] = this.body.length;
    return best;
  }
  /** A source register: sometimes $zero. */
  private src(): number { return this.g.chance(0.08) ? 0 : this.reg(); }
  private fr(): number { return this.g.int(32); }
  /** An FPR whose high word is defined (for 64-bit reads), or null. */
  private fr64(): number | null {
    const ok = this.st.fprHi.flatMap((v, k) => (v ? [k] : []));
    return ok.length === 0 ? null : this.g.pick(ok);
  }

  private fcsrValue(): number {
    const g = this.g;
    // RM, Flags and the condition codes; Cause, Enables and FS stay 0 so no trap is possible.
    return (g.int(4) | (g.int(32) << 2) | (g.int(2) << 23) | (g.int(128) << 25)) | 0;
  }

  /** Records a write of HI/LO by an arithmetic operation. */
  private arith(): void {
    this.st.hi = this.st.lo = true;
    this.st.pending = true;
  }

  private emitUnit(kind: Kind): void {
    const g = this.g;
    switch (kind) {
      case 'alu': this.emit(A.r3(g.pick(A.R3_OPS.filter((o) => o !== 'movz' && o !== 'movn')), this.dst(), this.srcE(), this.srcE())); return;
      case 'alui': this.emit(A.i2(g.pick(A.I_OPS), this.dst(), this.srcE(), g.chance(0.3) ? g.pick([0, 1, 0xffff, 0x8000, 0x7fff]) : g.u32() & 0xffff)); return;
      case 'lui': this.emit(A.lui(this.reg(), g.u32() & 0xffff)); return;
      case 'shift': this.emit(A.shift(g.pick(A.SH_OPS), this.dst(), this.srcE(), g.chance(0.2) ? g.pick([0, 1, 31]) : g.int(32))); return;
      case 'shiftv': this.emit(A.shiftv(g.pick(A.SHV_OPS), this.dst(), this.srcE(), this.srcE())); return;
      case 'bits': {
        const size = g.chance(0.3) ? g.pick([1, 31, 32]) : g.range(1, 32);
        const pos = g.chance(0.3) ? g.pick([0, 32 - size]) : g.int(33 - size);
        const rs = this.srcE();
        this.emit(g.chance(0.5) ? A.ext(this.dst(), rs, pos, size) : A.ins(this.dst(), rs, pos, size));
        return;
      }
      case 'bshfl': this.emit(A.bshfl(g.pick(A.BSHFL_OPS), this.dst(), this.srcE())); return;
      case 'movzn': this.emit(A.r3(g.chance(0.5) ? 'movz' : 'movn', this.dst(), this.srcE(), this.srcE())); return;
      case 'clx': this.emit(A.clx(g.chance(0.5) ? 'clo' : 'clz', this.dst(), this.srcE())); return;
      case 'mul':
        this.emit(A.mul(this.dst(), this.srcE(), this.srcE()));
        this.st.hi = this.st.lo = false; // MUL leaves HI and LO UNPREDICTABLE before Release 6
        return;
      case 'multdiv': {
        let op = g.pick(['mult', 'multu', 'madd', 'maddu', 'msub', 'msubu'] as const);
        // The accumulating forms read HI and LO, so both must be defined.
        if (op !== 'mult' && op !== 'multu' && !(this.st.hi && this.st.lo)) op = 'mult';
        this.emit(A.hilo(op, this.srcE(), this.srcE()));
        this.arith();
        return;
      }
      case 'div': {
        // The divisor is forced nonzero in the same unit, so no branch can skip the ORI.
        const rs = this.srcE(), rt = this.reg();
        this.emit(A.i2('ori', rt, rt, g.chance(0.2) ? 1 : g.range(1, 0xffff)));
        this.emit(A.hilo(g.chance(0.5) ? 'div' : 'divu', rs, rt));
        // gcc's divide-by-zero check (-mcheck-zero-division): never taken here.
        if (g.chance(0.5)) this.emit(A.trap('teq', rt, 0, 7));
        this.arith();
        return;
      }
      case 'divovf': {
        const rs = this.reg();
        let rt = this.reg();
        while (rt === rs) rt = this.reg();
        this.emit(A.lui(rs, 0x8000));
        this.emit(A.i2('addiu', rt, 0, -1));
        this.emit(A.hilo(g.chance(0.75) ? 'div' : 'divu', rs, rt));
        this.arith();
        return;
      }
      case 'mfhilo': {
        const hi = g.chance(0.5);
        if (!(hi ? this.st.hi : this.st.lo)) { this.emit(hi ? A.mthi(this.src()) : A.mtlo(this.src())); this.mtx(hi); return; }
        this.emit(hi ? A.mfhi(this.dst()) : A.mflo(this.dst()));
        this.st.pending = false;
        return;
      }
      case 'mthilo': {
        const hi = g.chance(0.5);
        this.emit(hi ? A.mthi(this.src()) : A.mtlo(this.src()));
        this.mtx(hi);
        return;
      }
      case 'load': {
        const op = g.pick(['lb', 'lbu', 'lh', 'lhu', 'lw'] as const);
        const w = op === 'lw' ? 4 : op.startsWith('lh') ? 2 : 1;
        this.emit(A.mem(op, this.dst(), w * g.int(BUF_BYTES / w) - BASE_BIAS, BASE_REG));
        return;
      }
      case 'store': {
        const op = g.pick(['sb', 'sh', 'sw'] as const);
        const w = op === 'sw' ? 4 : op === 'sh' ? 2 : 1;
        this.emit(A.mem(op, this.src(), w * g.int(BUF_BYTES / w) - BASE_BIAS, BASE_REG));
        return;
      }
      case 'unaligned': {
        const op = g.pick(['lwl', 'lwr', 'swl', 'swr'] as const);
        const off = g.int(BUF_BYTES);
        if (op.startsWith('l') && !this.inSlot && g.chance(0.5)) {
          // The usual pair for an unaligned word load: LWL at a+3, LWR at a.
          const rt = this.dst(), a = g.int(BUF_BYTES - 3);
          this.emit(A.mem('lwl', rt, a + 3 - BASE_BIAS, BASE_REG));
          this.emit(A.mem('lwr', rt, a - BASE_BIAS, BASE_REG));
          return;
        }
        this.emit(A.mem(op, op.startsWith('l') ? this.dst() : this.src(), off - BASE_BIAS, BASE_REG));
        return;
      }
      case 'llsc': {
        const off = 4 * g.int(BUF_BYTES / 4);
        this.emit(A.mem('ll', this.dst(), off - BASE_BIAS, BASE_REG));
        for (let k = g.int(3); k > 0; k--) this.emitUnit(g.pick(['alu', 'alui', 'shift'] as const));
        this.emit(A.mem('sc', this.dst(), off - BASE_BIAS, BASE_REG));
        return;
      }
      case 'const': {
        const rt = this.reg(), v = word(g);
        if (v >= -32768 && v < 32768) this.emit(A.i2('addiu', rt, 0, v));
        else for (const x of A.li32(rt, v)) this.emit(x);
        return;
      }
      case 'branch': this.branch(); return;
      case 'jump': {
        const link = g.chance(0.5);
        const at = this.body.length;
        this.emit(A.jump(link, 0));
        this.branchTo(at, 'jump', false);
        return;
      }
      case 'jr': this.indirect(); return;
      case 'loop': this.loop(); return;
      case 'addsub': {
        // The trapping ADD/SUB/ADDI with operands that cannot overflow.
        const pick = g.int(4);
        if (pick === 0) this.emit(A.addsub(g.chance(0.5) ? 'add' : 'sub', this.dst(), this.srcE(), 0));
        else if (pick === 1) this.emit(g.chance(0.5) ? A.addi(this.dst(), 0, g.u32()) : A.addi(this.dst(), this.srcE(), 0));
        else {
          // Sources first: an edge-value load must not land between ANDI/SRA and the ADD.
          const x = this.srcE(), y = this.srcE();
          const a = this.dst(), b = this.dst();
          this.emit(A.i2('andi', a, x, g.u32() & 0x7fff));
          this.emit(A.shift('sra', b, y, 16));
          if (pick === 2) this.emit(A.addsub(g.chance(0.5) ? 'add' : 'sub', this.dst(), a, b));
          else this.emit(A.addi(this.dst(), b, g.u32()));
        }
        return;
      }
      case 'trap': {
        // Conditional traps whose condition is false whatever the register values.
        const x = this.srcE();
        switch (g.int(6)) {
          case 0: this.emit(A.trap(g.pick(['tne', 'tlt', 'tltu'] as const), x, x, g.int(1024))); return;
          case 1: this.emit(A.trapi('tnei', 0, 0)); return;
          case 2: this.emit(A.trapi('teqi', 0, g.range(1, 0xffff))); return;
          case 3: this.emit(A.trapi('tltiu', 0, 0)); return;
          case 4: this.emit(A.trapi('tlti', 0, g.range(-32768, 0))); return;
          default: this.emit(A.trapi(g.pick(['tgei', 'tgeiu'] as const), 0, g.range(1, 0x7fff))); return;
        }
      }
      case 'misc': {
        switch (g.int(5)) {
          case 0: this.emit(A.sync(g.pick([0, 2, 3, 0x10]))); return;
          case 1: this.emit(g.chance(0.5) ? A.ssnop() : A.ehb()); return;
          case 2: this.emit(A.nop()); return;
          case 3: this.emit(A.pref(g.pick([0, 1, 4, 5, 6, 7]), g.int(BUF_BYTES) - BASE_BIAS, BASE_REG)); return;
          default: this.emit(A.synci(g.int(BUF_BYTES) - BASE_BIAS, BASE_REG)); return;
        }
      }
      default: this.fpuUnit(kind);
    }
  }

  /**
   * A counted loop, as gcc writes it: the body is straight-line code that leaves HI/LO and
   * the FPU alone (so the definedness state is the same on every iteration) and never writes
   * the counter; the backward branch has the decrement or another instruction in its slot.
   */
  private loop(): void {
    const g = this.g;
    const c = this.reg();
    this.emit(A.i2('addiu', c, 0, g.range(1, 5)));
    const head = this.body.length;
    this.free = POOL.filter((n) => n !== c);
    const kinds = ['alu', 'alui', 'shift', 'shiftv', 'bits', 'bshfl', 'movzn', 'clx', 'load', 'store', 'unaligned', 'const', 'addsub'] as const;
    for (let k = g.range(1, 4); k > 0; k--) this.emitUnit(g.pick(kinds));
    const back = (at: number): number => head - at - 1;
    const form = g.int(3);
    if (form === 0) {
      // decrement, then branch with an unrelated instruction in the slot
      this.emit(A.i2('addiu', c, c, -1));
      this.emit(A.br2('bne', c, 0, back(this.body.length)));
      this.inSlot = true;
      this.emitUnit(g.pick(['alu', 'alui', 'shift', 'load', 'store'] as const));
      this.inSlot = false;
    } else {
      // test, then decrement in the slot (always executed, or only when taken for BNEL)
      this.emit(A.br2(form === 1 ? 'bne' : 'bnel', c, 0, back(this.body.length)));
      this.emit(A.i2('addiu', c, c, -1));
    }
    const last = this.body[this.body.length - 2]!;
    last.text = last.text.replace(/\.[+-]\d+$/, `@${head}`);
    this.free = POOL;
  }

  /**
   * JR/JALR within one unit, as PIC code does it: BAL to get the pc into $ra, ADDIU the target
   * into rX, jump over 0-2 instructions that never run, then make rX (and the JALR link rY)
   * relative to $ra so that no absolute address is left in a compared register.
   */
  private indirect(): void {
    const g = this.g;
    const rx = this.reg();
    const jal = g.chance(0.5);
    const ry = jal ? (g.chance(0.25) ? 31 : g.pick(POOL.filter((n) => n !== rx))) : -1;
    const skip = g.int(3);
    const hb = g.chance(0.3);
    const clean = POOL.filter((n) => n !== rx && n !== ry);
    this.emit(A.br1('bgezal', 0, 1));
    this.emit(A.nop());
    // $ra = address of the ADDIU; the landing point follows ADDIU, jump, slot and the skipped words.
    this.emit(A.i2('addiu', rx, 31, 4 * (3 + skip)));
    this.emit(jal ? A.jalr(ry, rx, hb) : A.jr(rx, hb));
    this.emit(A.r3(g.pick(['addu', 'xor', 'or', 'subu'] as const), g.pick(clean), g.pick(clean), g.pick(clean)));
    for (let k = 0; k < skip; k++) this.emit(A.i2('addiu', g.pick(POOL), 0, 0x7777)); // never runs
    this.emit(A.r3('subu', rx, rx, 31));
    if (jal && ry !== 31) this.emit(A.r3('subu', ry, ry, 31));
  }

  private mtx(hi: boolean): void {
    if (this.st.pending) {
      if (hi) this.st.lo = false; else this.st.hi = false;
    }
    if (hi) this.st.hi = true; else this.st.lo = true;
    this.st.pending = false;
  }

  private branch(): void {
    const g = this.g;
    const at = this.body.length;
    const two = g.chance(0.4);
    let likely: boolean;
    if (two) {
      const op = g.pick(A.BR2_OPS);
      likely = op.endsWith('l');
      // beq $0,$0 is the unconditional B.
      const rs = g.chance(0.1) ? 0 : this.src();
      this.emit(A.br2(op, rs, rs === 0 && g.chance(0.5) ? 0 : this.src(), 0));
    } else {
      const op = g.pick(A.BR1_OPS);
      likely = op.endsWith('l') || op.endsWith('ll');
      this.emit(A.br1(op, this.src(), 0));
    }
    this.branchTo(at, 'branch', likely);
  }

  /** Picks a forward target unit for the branch at `at`, then fills its delay slot. */
  private branchTo(at: number, kind: 'branch' | 'jump', likely: boolean): void {
    const target = this.g.range(this.unit + 1, this.nUnits);
    this.fixups.push({ at, unit: target, kind });
    const before = cloneState(this.st);
    this.inSlot = true;
    this.emitUnit(this.g.chance(0.15) ? 'alu' : this.pickKind(true));
    this.inSlot = false;
    if (this.body.length !== at + 2) throw new Error(`gen: delay slot of @${at} is not one instruction`);
    const list = this.incoming.get(target) ?? [];
    list.push(cloneState(this.st));
    this.incoming.set(target, list);
    // A likely branch not taken nullifies its slot: the fall-through sees either state.
    if (likely) this.st = meet(this.st, before);
  }

  // -------------------------------------------------------------- FPU

  /** Records a write of FPR n: a 64-bit write defines its high word; nothing is known to be finite. */
  private wrote(n: number, wide: boolean): void {
    this.st.fprHi[n] = wide;
    this.st.finS[n] = this.st.finD[n] = false;
  }

  /** An arithmetic operation qemu models set FCSR.Cause. */
  private arithFp(): void {
    this.st.cause = true;
  }

  /** Loads a single (low word) or double into FPR fs through GPR t. */
  private loadConst(fs: number, double: boolean, lo: number, hi: number): void {
    const t = this.reg();
    for (const x of A.li32(t, lo)) this.emit(x);
    this.emit(A.xfer('mtc1', t, fs));
    if (double) {
      for (const x of A.li32(t, hi)) this.emit(x);
      this.emit(A.xfer('mthc1', t, fs));
    }
    this.wrote(fs, double);
    this.st.finS[fs] = finite32(lo);
    this.st.finD[fs] = double && finite64(hi);
  }

  private hasFinite(double: boolean): boolean {
    return (double ? this.st.finD : this.st.finS).includes(true);
  }

  /** An FPR holding a finite value of the format, loading one if there is none. */
  private finiteFr(double: boolean): number {
    const ok = (double ? this.st.finD : this.st.finS).flatMap((v, k) => (v ? [k] : []));
    if (ok.length > 0) return this.g.pick(ok);
    const fs = this.fr();
    for (;;) {
      if (double) {
        const [lo, hi] = f64bits(this.g);
        if (finite64(hi)) { this.loadConst(fs, true, lo, hi); return fs; }
      } else {
        const lo = f32bits(this.g);
        if (finite32(lo)) { this.loadConst(fs, false, lo, 0); return fs; }
      }
    }
  }

  private fpuUnit(kind: Kind): void {
    const g = this.g, st = this.st;
    switch (kind) {
      case 'fmove': {
        const op = g.pick(['mtc1', 'mthc1', 'mfc1', 'mfhc1'] as const);
        const fs = this.fr();
        if (op === 'mfhc1' && !st.fprHi[fs]) { this.emit(A.xfer('mfc1', this.dst(), fs)); return; }
        this.emit(A.xfer(op, op.startsWith('mt') ? this.src() : this.dst(), fs));
        if (op === 'mtc1') this.wrote(fs, false);
        // MTHC1 keeps the low word, so a defined high word is all it takes.
        if (op === 'mthc1') { this.wrote(fs, true); }
        return;
      }
      case 'fconst': {
        const fs = this.fr();
        if (g.chance(0.5)) this.loadConst(fs, false, f32bits(g), 0);
        else { const [lo, hi] = f64bits(g); this.loadConst(fs, true, lo, hi); }
        return;
      }
      case 'farith': {
        const op = g.pick(['add', 'sub', 'mul', 'div'] as const);
        const fd = this.fr();
        const d = g.chance(0.5) ? this.pair() : null;
        if (d !== null) this.emit(A.fp3(op, A.FMT_D, fd, d[0], d[1]));
        else this.emit(A.fp3(op, A.FMT_S, fd, this.fr(), this.fr()));
        this.wrote(fd, d !== null);
        this.arithFp();
        return;
      }
      case 'funary': {
        let op = g.pick(['sqrt', 'abs', 'mov', 'neg', 'recip', 'rsqrt', 'abs', 'neg'] as const);
        const fs64 = this.fr64();
        const double = g.chance(0.5) && fs64 !== null;
        if ((op === 'abs' || op === 'neg') && this.inSlot && !this.hasFinite(double)) op = 'mov';
        let fs = double ? fs64 : this.fr();
        // Legacy ABS/NEG are arithmetic (a NaN operand is Invalid, Cause is written); qemu treats
        // them as bit operations, so they get finite operands and Cause is not compared after them.
        if (op === 'abs' || op === 'neg') fs = this.finiteFr(double);
        const fd = this.fr();
        this.emit(A.fp1(op, double ? A.FMT_D : A.FMT_S, fd, fs));
        this.wrote(fd, double);
        if (op === 'abs' || op === 'neg') st.cause = false;
        else if (op !== 'mov') this.arithFp();
        return;
      }
      case 'fcvt': this.convert(); return;
      case 'fcmp': {
        const d = g.chance(0.5) ? this.pair() : null;
        if (d !== null) this.emit(A.fcmp(g.int(16), A.FMT_D, g.int(8), d[0], d[1]));
        else this.emit(A.fcmp(g.int(16), A.FMT_S, g.int(8), this.fr(), this.fr()));
        this.arithFp();
        return;
      }
      case 'fmovc': {
        const which = g.int(3);
        if (which === 0) { this.emit(A.movci(g.chance(0.5), this.dst(), this.src(), g.int(8))); return; }
        const fd = this.fr();
        const cond = (fmt: number, fs: number): Insn => which === 1
          ? A.fmovcf(g.chance(0.5), fmt, fd, fs, g.int(8))
          : A.fmovzn(g.chance(0.5), fmt, fd, fs, this.src());
        const fs = this.fr64();
        if (g.chance(0.5) && fs !== null) {
          this.emit(cond(A.FMT_D, fs));
          // fd keeps its value or receives fs: its high word is defined if both were.
          const hi = st.fprHi[fd]! && st.fprHi[fs]!;
          this.wrote(fd, hi);
        } else {
          this.emit(cond(A.FMT_S, this.fr()));
          this.wrote(fd, false);
        }
        return;
      }
      case 'fmadd': {
        let op = g.pick(A.MADD_OPS);
        const fd = this.fr();
        const double = g.chance(0.5) && this.fr64() !== null;
        if (op.startsWith('n') && this.inSlot && !this.hasFinite(double)) op = op === 'nmadd' ? 'madd' : 'msub';
        let a: number, b: number, c: number;
        if (op === 'nmadd' || op === 'nmsub') {
          // Whether NMADD/NMSUB negate a NaN result is not settled (the legacy NEG leaves a NaN
          // alone, QEMU flips its sign): finite operands never give a NaN.
          a = this.finiteFr(double); b = this.finiteFr(double); c = this.finiteFr(double);
        } else if (double) {
          a = this.fr64()!; b = this.fr64()!; c = this.fr64()!;
        } else {
          a = this.fr(); b = this.fr(); c = this.fr();
        }
        this.emit(A.fmadd(op, double ? A.FMT_D : A.FMT_S, fd, a, b, c));
        this.wrote(fd, double);
        this.arithFp();
        return;
      }
      case 'fmem': {
        const op = g.pick(['lwc1', 'ldc1', 'swc1', 'sdc1'] as const);
        const w = op.includes('d') ? 8 : 4;
        const off = w * g.int(BUF_BYTES / w);
        let ft = this.fr();
        if (op === 'sdc1') {
          const x = this.fr64();
          if (x === null) { this.emit(A.mem('swc1', ft, off - BASE_BIAS, BASE_REG)); return; }
          ft = x;
        }
        this.emit(A.mem(op, ft, off - BASE_BIAS, BASE_REG));
        if (op === 'lwc1' || op === 'ldc1') this.wrote(ft, op === 'ldc1');
        return;
      }
      case 'fmemx': {
        const op = g.pick(A.IDX_OPS);
        const w = op === 'lwxc1' || op === 'swxc1' ? 4 : 8;
        // LUXC1/SUXC1 ignore the low three address bits: give them any offset.
        const off = op.startsWith('lu') || op.startsWith('su') ? g.int(BUF_BYTES) : w * g.int(BUF_BYTES / w);
        const idx = this.reg();
        let fr = this.fr();
        if (w === 8 && op.startsWith('s')) {
          const x = this.fr64();
          if (x === null) return;
          fr = x;
        }
        this.emit(A.i2('addiu', idx, 0, off - BASE_BIAS));
        this.emit(A.memx(op, fr, idx, BASE_REG));
        if (op.startsWith('l')) this.wrote(fr, w === 8);
        return;
      }
      case 'fcsr': {
        const t = this.reg();
        const which = g.int(4);
        if (which < 2) {
          // FCSR, or one of its views: FCCR (condition codes), FEXR (Cause without E, Flags),
          // FENR (rounding mode only: no enables, FS=0). Reserved bits stay zero.
          const fcr = g.pick([31, 31, 25, 26, 28]);
          const v = fcr === 31 ? this.fcsrValue() : fcr === 25 ? g.int(256) : fcr === 26 ? ((g.int(32) << 12) | (g.int(32) << 2)) : g.int(4);
          for (const x of A.li32(t, v)) this.emit(x);
          this.emit(A.xfer('ctc1', t, fcr));
          if (fcr === 31 || fcr === 26) this.arithFp();
        } else {
          // FEXR (26) and FCSR (31) show Cause: read them only while it is comparable.
          this.emit(A.xfer('cfc1', t, g.pick(this.st.cause ? [25, 26, 28, 31] : [25, 28])));
        }
        return;
      }
      case 'fbranch': {
        const at = this.body.length;
        const likely = g.chance(0.4);
        this.emit(A.bc1(g.chance(0.5), likely, g.int(8), 0));
        this.branchTo(at, 'branch', likely);
        return;
      }
      default: throw new Error(`gen: unknown kind ${kind}`);
    }
  }

  private pair(): [number, number] | null {
    const a = this.fr64(), b = this.fr64();
    return a === null || b === null ? null : [a, b];
  }

  private convert(): void {
    const g = this.g;
    // [operation, source format, destination format]
    const forms: [A.Fp1Op, number, number][] = [
      ['cvt.s', A.FMT_D, A.FMT_S], ['cvt.d', A.FMT_S, A.FMT_D], ['cvt.s', A.FMT_W, A.FMT_S], ['cvt.d', A.FMT_W, A.FMT_D],
      ['cvt.s', A.FMT_L, A.FMT_S], ['cvt.d', A.FMT_L, A.FMT_D],
      ['cvt.w', A.FMT_S, A.FMT_W], ['cvt.w', A.FMT_D, A.FMT_W], ['cvt.l', A.FMT_S, A.FMT_L], ['cvt.l', A.FMT_D, A.FMT_L],
    ];
    for (const op of ['round', 'trunc', 'ceil', 'floor'] as const) {
      for (const from of [A.FMT_S, A.FMT_D]) {
        forms.push([`${op}.w`, from, A.FMT_W], [`${op}.l`, from, A.FMT_L]);
      }
    }
    const [op, from, to] = g.pick(forms);
    const wide = (fmt: number): boolean => fmt === A.FMT_D || fmt === A.FMT_L;
    const fs = wide(from) ? this.fr64() : this.fr();
    const fd = this.fr();
    if (fs === null) { this.emit(A.fp1('mov', A.FMT_S, fd, this.fr())); this.wrote(fd, false); return; }
    this.emit(A.fp1(op, from, fd, fs));
    this.wrote(fd, wide(to));
    this.arithFp();
  }
}

export function generate(seed: number, fpu: boolean): Case {
  return new Generator(seed, fpu).generate();
}

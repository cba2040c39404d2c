/**
 * The M5150 floating-point unit (coprocessor 1): MIPS32 Release 5 with a 64-bit FPU, formats
 * S, D, W and L, no paired single. Spec: mips-vz-m5150.md §7.3 (encodings) and §6.3 (FPU facts);
 * semantics from the MIPS32 architecture (IEEE 754-1985 mode: legacy NaN encoding, arithmetic
 * ABS/NEG, tininess after rounding, loss of accuracy = inexact).
 *
 * The core checks Status.CU1, executes branches and loads/stores, mirrors Status.FR into `fr`,
 * and raises the exception code these functions return (0 = none).
 */

import {
  BINARY32, BINARY64, RM_DOWN, RM_NEAREST, RM_UP, RM_ZERO, X_DIVZERO, X_INEXACT, X_INVALID,
  X_OVERFLOW, X_TINY, X_UNDERFLOW, X_UNIMPL, directed, fromWords, fx, hiWord, ilogb, ldexp, loWord, pow2,
  roundExact, twoProdErr, twoSumErr,
} from './softfloat-helpers.ts';

/** Return codes: no exception, Reserved Instruction, Floating-Point Exception (Cause.ExcCode). */
export const FPU_OK = 0;
export const EXC_RI = 10;
export const EXC_FPE = 15;

/**
 * Decisions where the M5150 documentation was not available (each one observable by software).
 * HAS_2008, FUSED_MADD, FLUSH_SUBNORMALS and RSQRT_TWO_ROUNDINGS name the behaviour implemented;
 * only that value is implemented. UNDERFLOW_TRAP_ON_EXACT_TINY and UNKNOWN_FCR_IS_RI are switches.
 * HAS_2008: the FPU implements only the legacy (IEEE 754-1985) NaN encoding and arithmetic ABS/NEG;
 * FIR.Has2008 = 0 and FCSR.NAN2008/ABS2008 read as 0. No public source states M5150 2008 support.
 */
export const HAS_2008 = false;
/** MADD/MSUB/NMADD/NMSUB round the product, then the sum (pre-R6 COP1X; GCC's ISA_HAS_UNFUSED_MADD4). */
export const FUSED_MADD = false;
/** FCSR.FS is stored but not honoured: subnormal operands and results are always fully supported. */
export const FLUSH_SUBNORMALS = false;
/** RSQRT is sqrt then reciprocal, each rounded (the architecture allows a less exact result). */
export const RSQRT_TWO_ROUNDINGS = true;
/** A tiny result signals Underflow when U is enabled even if exact (IEEE 754-1985 §7.4). */
export const UNDERFLOW_TRAP_ON_EXACT_TINY = true;
/** CFC1/CTC1 of a control register that does not exist (not 0, 25, 26, 28, 31) is Reserved. */
export const UNKNOWN_FCR_IS_RI = true;

/** FIR implementation byte: processor ID (0xA7, as PRId for M5150) and revision 0. */
export const FIR_PROCESSOR_ID = 0xa7;
export const FIR_REVISION = 0x00;
/** FIR: F64 (22), L (21), W (20), D (17), S (16); no PS, 3D, Has2008, UFRP or FREP. */
export const FIR_VALUE = (1 << 22) | (1 << 21) | (1 << 20) | (1 << 17) | (1 << 16) | (FIR_PROCESSOR_ID << 8) | FIR_REVISION;
/** Writable FCSR bits: all but 22:18 (NAN2008, ABS2008 and reserved read as 0). */
export const FCSR_WRITE_MASK = 0xff83ffff | 0;

/** Legacy default quiet NaNs. */
export const DEFAULT_NAN_S = 0x7fbfffff;
export const DEFAULT_NAN_D_HI = 0x7ff7ffff;
export const DEFAULT_NAN_D_LO = 0xffffffff | 0;

const CAUSE_MASK = 0x3f << 12;
const FEXR_MASK = 0x0003f07c;
const FENR_FCSR_MASK = 0x01000f83;
const MIN_NORMAL_S = 1.1754943508222875e-38;
const MIN_NORMAL_D = 2.2250738585072014e-308;
const TWO32 = 4294967296;
const TWO31 = 2147483648;
const TWO63 = 9223372036854775808;

const S = 0;
const D = 1;

/** FPU state: 32 × 64-bit registers plus FCSR. */
export class Fpu {
  readonly buf = new ArrayBuffer(32 * 8);
  readonly f64 = new Float64Array(this.buf);
  readonly f32 = new Float32Array(this.buf); // f32[2n] = single in FPR n
  readonly i32 = new Int32Array(this.buf); // i32[2n] = low word of FPR n, i32[2n+1] = high word
  fcsr = 0;
  readonly fir = FIR_VALUE;
  /**
   * Status.FR, mirrored by the core. true: 32 independent 64-bit registers. false (FR=0): FPR n is
   * the low word of slot n, and a double/long in even register n uses the low words of n and n+1.
   */
  fr = false;

  reset(): void { this.i32.fill(0); this.fcsr = 0; this.lazyOp = LAZY_NONE; }

  /**
   * Cause of the last fast-path operation not yet computed (see lazyCause): which operation
   * and its operands. Only used while FCSR's Inexact flag is already set.
   */
  lazyOp = 0;
  la = 0;
  lb = 0;
  lc = 0;

  /** FCSR with every pending Cause bit worked out (for debuggers; CFC1 does the same). */
  fcsrValue(): number {
    lazyCause(this);
    return this.fcsr;
  }

  /** 32-bit word of FPR n (LWC1/SWC1/MFC1/MTC1): the low word of slot n in both modes. */
  getW(n: number): number { return this.i32[2 * n]!; }
  setW(n: number, v: number): void { this.i32[2 * n] = v; }
  /** High word of the 64-bit value of FPR n (MFHC1/MTHC1); FR=0: the odd register of the pair. */
  getHi(n: number): number { return this.fr ? this.i32[2 * n + 1]! : this.i32[2 * (n | 1)]!; }
  setHi(n: number, v: number): void { if (this.fr) this.i32[2 * n + 1] = v; else this.i32[2 * (n | 1)] = v; }
  /** 64-bit value of FPR n as two words (LDC1/SDC1); FR=0 ignores bit 0 of n. */
  getDLo(n: number): number { return this.fr ? this.i32[2 * n]! : this.i32[2 * (n & ~1)]!; }
  getDHi(n: number): number { return this.getHi(this.fr ? n : n & ~1); }
  setD64(n: number, lo: number, hi: number): void {
    if (this.fr) { this.i32[2 * n] = lo; this.i32[2 * n + 1] = hi; } else { this.i32[2 * (n & ~1)] = lo; this.i32[2 * (n | 1)] = hi; }
  }
  /** Condition code n (0..7): FCSR bit 23 for cc0, bits 25..31 for cc1..7. */
  cc(n: number): boolean { return ((this.fcsr >>> (n === 0 ? 23 : 24 + n)) & 1) !== 0; }
}

// ---- register access by format ------------------------------------------------------------

function rd(f: Fpu, fmt: number, n: number): number {
  if (fmt === S) return f.f32[2 * n]!;
  return f.fr ? f.f64[n]! : fromWords(f.i32[2 * n]!, f.i32[2 * n + 2]!);
}

/** Legacy sNaN: exponent all ones and the fraction's top bit set. */
function isSnan(f: Fpu, fmt: number, n: number): boolean {
  if (fmt === S) return (f.i32[2 * n]! & 0x7fc00000) === 0x7fc00000;
  const hi = f.fr ? f.i32[2 * n + 1]! : f.i32[2 * n + 2]!;
  return (hi & 0x7ff80000) === 0x7ff80000;
}

function wrWords(f: Fpu, n: number, lo: number, hi: number): void {
  f.i32[2 * n] = lo;
  f.i32[f.fr ? 2 * n + 1 : 2 * n + 2] = hi;
}

/** Writes value v (NaN means the default NaN) in format fmt; singles keep the upper word. */
function wr(f: Fpu, fmt: number, n: number, v: number): void {
  if (fmt === S) {
    if (v !== v) f.i32[2 * n] = DEFAULT_NAN_S; else f.f32[2 * n] = v;
  } else if (v !== v) {
    wrWords(f, n, DEFAULT_NAN_D_LO, DEFAULT_NAN_D_HI);
  } else if (f.fr) {
    f.f64[n] = v;
  } else {
    wrWords(f, n, loWord(v), hiWord(v));
  }
}

function copyRaw(f: Fpu, fmt: number, fd: number, fs: number): void {
  const w = f.i32;
  w[2 * fd] = w[2 * fs]!;
  if (fmt === D) { if (f.fr) w[2 * fd + 1] = w[2 * fs + 1]!; else w[2 * fd + 2] = w[2 * fs + 2]!; }
}

/** Underflow = tiny and inexact, or tiny alone when U is enabled; per rounding step. */
function tinyToUnderflow(f: Fpu, x: number): number {
  if ((x & X_TINY) === 0) return x;
  x &= ~X_TINY;
  if ((x & X_INEXACT) !== 0 || (UNDERFLOW_TRAP_ON_EXACT_TINY && (f.fcsr & (X_UNDERFLOW << 7)) !== 0)) x |= X_UNDERFLOW;
  return x;
}

/**
 * Moves this instruction's exceptions (fx.exc) into FCSR.Cause. Returns true when an enabled one
 * (or Unimplemented) occurred: the caller must then not write the destination.
 */
function settle(f: Fpu): boolean {
  f.lazyOp = LAZY_NONE; // this operation's Cause replaces any pending one
  const x = tinyToUnderflow(f, fx.exc);
  let c = (f.fcsr & ~CAUSE_MASK) | (x << 12);
  if ((x & (((c >>> 7) & 0x1f) | X_UNIMPL)) !== 0) { f.fcsr = c; return true; }
  c |= (x & 0x1f) << 2;
  f.fcsr = c;
  return false;
}

function commit(f: Fpu, fmt: number, fd: number, v: number): number {
  if (settle(f)) return EXC_FPE;
  wr(f, fmt, fd, v);
  return FPU_OK;
}

// ---- IEEE operations on values (NaN operands already excluded) ----------------------------

/** Round-to-nearest single from a double that is RN of the exact value (safe for + - * / sqrt). */
function fastSingle(r: number, exactInDouble: boolean): number {
  const s = Math.fround(r);
  if (s !== r || !exactInDouble) fx.exc |= X_INEXACT;
  return s;
}

function inSingleNormalRange(r: number): boolean {
  const a = Math.abs(Math.fround(r));
  return a > MIN_NORMAL_S && a !== Infinity;
}

/** Finishes a binary64 result r = RN(exact) with error sign err when no range problem exists. */
function finishD(r: number, err: number, rm: number): number {
  if (err === 0) { if (Math.abs(r) < MIN_NORMAL_D && r !== 0) fx.exc |= X_TINY; return r; }
  fx.exc |= X_INEXACT;
  const v = directed(r, err, rm);
  if (v === Infinity || v === -Infinity) fx.exc |= X_OVERFLOW; // MAX nudged past the top
  return v;
}

function add(a: number, b: number, fmt: number, rm: number): number {
  if (a === Infinity || a === -Infinity || b === Infinity || b === -Infinity) {
    if (a === -b) { fx.exc |= X_INVALID; return NaN; }
    return a === Infinity || a === -Infinity ? a : b;
  }
  const s = a + b;
  if (s === 0) {
    if (a === 0 && b === 0 && Object.is(a, b)) return a; // same-signed zeros
    return rm === RM_DOWN ? -0 : 0; // exact zero sum of opposite signs
  }
  if (fmt === S) {
    const err = twoSumErr(a, b, s);
    if (rm === RM_NEAREST && inSingleNormalRange(s)) return fastSingle(s, err === 0);
    if (err === 0 && Math.fround(s) === s) { if (Math.abs(s) < MIN_NORMAL_S) fx.exc |= X_TINY; return s; }
    return roundExact(s, err, 0, BINARY32, rm);
  }
  const aa = Math.abs(a), ab = Math.abs(b);
  if ((aa >= HALVE_AT || ab >= HALVE_AT) && aa >= HALVE_MIN && ab >= HALVE_MIN) {
    // Either operand >= 2^1022: halve both (exact) so the sum cannot overflow.
    const ah = a * 0.5, bh = b * 0.5, sh = ah + bh;
    return roundExact(sh, twoSumErr(ah, bh, sh), 1, BINARY64, rm);
  }
  return finishD(s, twoSumErr(a, b, s), rm);
}

// Operand ranges where RN result, Dekker's error and one-ulp steps cannot leave the normal range.
const MUL_LO = pow2(-450), MUL_HI = pow2(450);
const DIV_LO = pow2(-300), DIV_HI = pow2(300);
const SQRT_LO = pow2(-896), SQRT_HI = pow2(896);
const HALVE_AT = pow2(1022), HALVE_MIN = pow2(-960);

function mul(a: number, b: number, fmt: number, rm: number): number {
  const ainf = a === Infinity || a === -Infinity, binf = b === Infinity || b === -Infinity;
  if (ainf || binf) {
    if (a === 0 || b === 0) { fx.exc |= X_INVALID; return NaN; }
    return (a < 0) !== (b < 0) ? -Infinity : Infinity;
  }
  const p = a * b;
  if (a === 0 || b === 0) return p; // signed zero, exact
  if (fmt === S) {
    // The product of two singles is exact in binary64.
    if (rm === RM_NEAREST && inSingleNormalRange(p)) return fastSingle(p, true);
    return roundExact(p, 0, 0, BINARY32, rm);
  }
  const aa = Math.abs(a), ab = Math.abs(b);
  if (aa >= MUL_LO && aa <= MUL_HI && ab >= MUL_LO && ab <= MUL_HI) return finishD(p, twoProdErr(a, b, p), rm);
  const ea = ilogb(a), eb = ilogb(b);
  const ma = ldexp(a, -ea), mb = ldexp(b, -eb), pm = ma * mb;
  return roundExact(pm, twoProdErr(ma, mb, pm), ea + eb, BINARY64, rm);
}

/** Sign of the exact a/b − q for q = RN(a/b) (a, b, q in the safe range). */
function quotientErrSign(a: number, b: number, q: number): number {
  const p = q * b;
  const rem = (a - p) - twoProdErr(q, b, p);
  return rem === 0 ? 0 : (rem > 0) === (b > 0) ? 1 : -1;
}


function div(a: number, b: number, fmt: number, rm: number): number {
  const ainf = a === Infinity || a === -Infinity, binf = b === Infinity || b === -Infinity;
  const neg = (a < 0 || Object.is(a, -0)) !== (b < 0 || Object.is(b, -0));
  if (ainf || binf) {
    if (ainf && binf) { fx.exc |= X_INVALID; return NaN; }
    return ainf ? (neg ? -Infinity : Infinity) : (neg ? -0 : 0);
  }
  if (b === 0) {
    if (a === 0) { fx.exc |= X_INVALID; return NaN; }
    fx.exc |= X_DIVZERO;
    return neg ? -Infinity : Infinity;
  }
  if (a === 0) return neg ? -0 : 0;
  if (fmt === S) {
    const q = a / b;
    const sg = quotientErrSign(a, b, q);
    if (rm === RM_NEAREST && inSingleNormalRange(q)) return fastSingle(q, sg === 0);
    return roundExact(q, sg * Math.abs(q) * 1e-30, 0, BINARY32, rm);
  }
  const aa = Math.abs(a), ab = Math.abs(b);
  if (aa >= DIV_LO && aa <= DIV_HI && ab >= DIV_LO && ab <= DIV_HI) {
    const q = a / b;
    return finishD(q, quotientErrSign(a, b, q), rm);
  }
  const ea = ilogb(a), eb = ilogb(b);
  const ma = ldexp(a, -ea), mb = ldexp(b, -eb), q = ma / mb;
  return roundExact(q, quotientErrSign(ma, mb, q) * 1e-30, ea - eb, BINARY64, rm);
}

/** Sign of the exact sqrt(x) − r for r = RN(sqrt(x)). */
function rootErrSign(x: number, r: number): number {
  const p = r * r;
  const rem = (x - p) - twoProdErr(r, r, p);
  return rem === 0 ? 0 : rem > 0 ? 1 : -1;
}

function sqrt(x: number, fmt: number, rm: number): number {
  if (x === 0 || x === Infinity) return x;
  if (x < 0) { fx.exc |= X_INVALID; return NaN; }
  if (fmt === S) {
    const r = Math.sqrt(x);
    const sg = rootErrSign(x, r);
    if (rm === RM_NEAREST) return fastSingle(r, sg === 0);
    return roundExact(r, sg * r * 1e-30, 0, BINARY32, rm);
  }
  if (x >= SQRT_LO && x <= SQRT_HI) {
    const r = Math.sqrt(x);
    return finishD(r, rootErrSign(x, r), rm);
  }
  const j = Math.floor(ilogb(x) / 2);
  const m = ldexp(x, -2 * j), r = Math.sqrt(m);
  const sg = rootErrSign(m, r);
  if (sg === 0) return ldexp(r, j);
  return roundExact(r, sg * 1e-30, j, BINARY64, rm);
}

/** Integer value of x rounded in mode rm (x finite). */
function roundInt(x: number, rm: number): number {
  switch (rm) {
    case RM_ZERO: return Math.trunc(x);
    case RM_UP: return Math.ceil(x);
    case RM_DOWN: return Math.floor(x);
    default: {
      const fl = Math.floor(x), d = x - fl;
      if (d > 0.5) return fl + 1;
      if (d < 0.5) return fl;
      return fl % 2 === 0 ? fl : fl + 1;
    }
  }
}

/** Binary64 value of the 64-bit integer (hi:lo) rounded to fmt in mode rm. */
function fromInt64(lo: number, hi: number, fmt: number, rm: number): number {
  const h = hi * TWO32, l = lo >>> 0, s = h + l;
  if (s === 0) return 0;
  const err = twoSumErr(h, l, s);
  if (fmt === D) return finishD(s, err, rm);
  if (err === 0) {
    if (rm === RM_NEAREST) return fastSingle(s, true);
    if (Math.fround(s) === s) return s;
  }
  return roundExact(s, err, 0, BINARY32, rm);
}

function fromInt32(w: number, fmt: number, rm: number): number {
  if (fmt === D || w === 0) return w;
  if (rm === RM_NEAREST) return fastSingle(w, true);
  return Math.fround(w) === w ? w : roundExact(w, 0, 0, BINARY32, rm);
}

function convertFloat(x: number, to: number, rm: number): number {
  if (to === D || x === 0 || x === Infinity || x === -Infinity) return x; // S -> D is exact
  if (rm === RM_NEAREST && inSingleNormalRange(x)) return fastSingle(x, true);
  return roundExact(x, 0, 0, BINARY32, rm);
}

// ---- instruction groups --------------------------------------------------------------------

const ROUND_MODES = [RM_NEAREST, RM_ZERO, RM_UP, RM_DOWN];

/** CVT/ROUND/TRUNC/CEIL/FLOOR to W (long=false) or L; writes fd or returns FPE. */
function toInt(f: Fpu, fmt: number, fd: number, fs: number, rm: number, long: boolean): number {
  const x = rd(f, fmt, fs);
  let lo: number, hi = 0;
  if (x !== x || x === Infinity || x === -Infinity) {
    fx.exc |= X_INVALID;
    lo = long ? -1 : 0x7fffffff; hi = 0x7fffffff; // legacy default 2^31-1 / 2^63-1
  } else {
    const r = roundInt(x, rm);
    if (long ? r < -TWO63 || r >= TWO63 : r < -TWO31 || r >= TWO31) {
      fx.exc |= X_INVALID;
      lo = long ? -1 : 0x7fffffff; hi = 0x7fffffff;
    } else {
      if (r !== x) fx.exc |= X_INEXACT;
      const h = Math.floor(r / TWO32);
      lo = (r - h * TWO32) | 0; hi = h | 0;
    }
  }
  if (settle(f)) return EXC_FPE;
  if (long) wrWords(f, fd, lo | 0, hi); else f.i32[2 * fd] = lo | 0;
  return FPU_OK;
}

/** C.cond.fmt: sets condition code cc, or returns FPE (cc unchanged). */
function compare(f: Fpu, fmt: number, fs: number, ft: number, cond: number, cc: number): number {
  const a = rd(f, fmt, fs), b = rd(f, fmt, ft);
  const unordered = a !== a || b !== b;
  if (unordered && ((cond & 8) !== 0 || isSnan(f, fmt, fs) || isSnan(f, fmt, ft))) fx.exc |= X_INVALID;
  const t = (unordered && (cond & 1) !== 0) || ((cond & 2) !== 0 && a === b) || ((cond & 4) !== 0 && a < b);
  if (settle(f)) return EXC_FPE;
  const bit = cc === 0 ? 1 << 23 : 1 << (24 + cc);
  f.fcsr = t ? f.fcsr | bit : f.fcsr & ~bit;
  return FPU_OK;
}

/** Result of an operation with a NaN operand: Invalid if any is signalling; the default NaN. */
function nanOperands(f: Fpu, fmt: number, r1: number, r2: number): number {
  if (isSnan(f, fmt, r1) || isSnan(f, fmt, r2)) fx.exc |= X_INVALID;
  return NaN;
}

function binary(f: Fpu, fmt: number, func: number, fd: number, fs: number, ft: number, rm: number): number {
  const a = rd(f, fmt, fs), b = rd(f, fmt, ft);
  let r: number;
  if (a !== a || b !== b) r = nanOperands(f, fmt, fs, ft);
  else if (func === 0) r = add(a, b, fmt, rm);
  else if (func === 1) r = add(a, -b, fmt, rm);
  else if (func === 2) r = mul(a, b, fmt, rm);
  else r = div(a, b, fmt, rm);
  return commit(f, fmt, fd, r);
}

/** SQRT (4), ABS (5), NEG (7), RECIP (21), RSQRT (22). */
function unary(f: Fpu, fmt: number, func: number, fd: number, fs: number, rm: number): number {
  const a = rd(f, fmt, fs);
  let r: number;
  if (a !== a) {
    // Legacy ABS/NEG are arithmetic: any NaN operand is Invalid (ABS.fmt, FIR.Has2008 = 0).
    if (func === 5 || func === 7 || isSnan(f, fmt, fs)) fx.exc |= X_INVALID;
    r = NaN;
  } else if (func === 4) r = sqrt(a, fmt, rm);
  else if (func === 5) r = Math.abs(a);
  else if (func === 7) r = -a;
  else if (func === 21) r = div(1, a, fmt, rm);
  else {
    const root = sqrt(a, fmt, rm);
    const first = fx.exc;
    fx.exc = 0;
    r = root !== root ? root : div(1, root, fmt, rm); // RSQRT_TWO_ROUNDINGS
    fx.exc = tinyToUnderflow(f, fx.exc) | first;
  }
  return commit(f, fmt, fd, r);
}

/** .S (fmt S) and .D (fmt D) functions. */
function execFloat(f: Fpu, fmt: number, gpr: Int32Array, insn: number): number {
  const func = insn & 63, fd = (insn >>> 6) & 31, fs = (insn >>> 11) & 31, ft = (insn >>> 16) & 31;
  const odd = fmt === D && !f.fr ? 1 : 0; // FR=0: doubles live in even registers only
  const rm = f.fcsr & 3;
  fx.exc = 0;
  switch (func) {
    case 0: case 1: case 2: case 3:
      if ((fd | fs | ft) & odd) return EXC_RI;
      return binary(f, fmt, func, fd, fs, ft, rm);
    case 4: case 5: case 7: case 21: case 22:
      if ((fd | fs) & odd) return EXC_RI;
      return unary(f, fmt, func, fd, fs, rm);
    case 6:
      if ((fd | fs) & odd) return EXC_RI;
      copyRaw(f, fmt, fd, fs);
      return FPU_OK;
    case 8: case 9: case 10: case 11:
      if (!f.fr) return EXC_RI;
      return toInt(f, fmt, fd, fs, ROUND_MODES[func & 3]!, true);
    case 12: case 13: case 14: case 15:
      if (fs & odd) return EXC_RI;
      return toInt(f, fmt, fd, fs, ROUND_MODES[func & 3]!, false);
    case 17: // MOVF/MOVT.fmt
      if ((insn & 0x20000) !== 0 || (fd | fs) & odd) return EXC_RI;
      if (f.cc((insn >>> 18) & 7) === ((insn & 0x10000) !== 0)) copyRaw(f, fmt, fd, fs);
      return FPU_OK;
    case 18: case 19: // MOVZ/MOVN.fmt
      if ((fd | fs) & odd) return EXC_RI;
      if ((gpr[ft] === 0) === (func === 18)) copyRaw(f, fmt, fd, fs);
      return FPU_OK;
    case 32: { // CVT.S.D
      if (fmt !== D || fs & odd) return EXC_RI;
      const x = rd(f, D, fs);
      const r = x !== x ? nanOperands(f, D, fs, fs) : convertFloat(x, S, rm);
      return commit(f, S, fd, r);
    }
    case 33: { // CVT.D.S
      if (fmt !== S || fd & (f.fr ? 0 : 1)) return EXC_RI;
      const x = rd(f, S, fs);
      const r = x !== x ? nanOperands(f, S, fs, fs) : x;
      return commit(f, D, fd, r);
    }
    case 36: if (fs & odd) return EXC_RI; return toInt(f, fmt, fd, fs, rm, false);
    case 37: if (!f.fr) return EXC_RI; return toInt(f, fmt, fd, fs, rm, true);
    default:
      if (func >= 48) {
        if ((insn & 0xc0) !== 0 || (fs | ft) & odd) return EXC_RI; // bit 6 = CABS (MIPS-3D), bit 7 reserved
        return compare(f, fmt, fs, ft, func & 15, (insn >>> 8) & 7);
      }
      return EXC_RI;
  }
}

/** .W and .L sources: only CVT.S and CVT.D exist. */
function execFixed(f: Fpu, long: boolean, insn: number): number {
  const func = insn & 63, fd = (insn >>> 6) & 31, fs = (insn >>> 11) & 31;
  if (func !== 32 && func !== 33) return EXC_RI;
  const to = func === 32 ? S : D;
  if (long && !f.fr) return EXC_RI;
  if (to === D && !f.fr && (fd & 1) !== 0) return EXC_RI;
  fx.exc = 0;
  const rm = f.fcsr & 3;
  const r = long ? fromInt64(f.i32[2 * fs]!, f.i32[2 * fs + 1]!, to, rm) : fromInt32(f.i32[2 * fs]!, to, rm);
  return commit(f, to, fd, r);
}

function readFcr(f: Fpu, fs: number): number {
  lazyCause(f);
  const c = f.fcsr;
  switch (fs) {
    case 0: return f.fir;
    case 25: return ((c >>> 24) & 0xfe) | ((c >>> 23) & 1); // FCCR: FCC7..0
    case 26: return c & FEXR_MASK; // FEXR: Cause and Flags
    case 28: return (c & 0xf83) | ((c >>> 22) & 4); // FENR: Enables, FS, RM
    default: return c;
  }
}

/** CTC1; returns FPE when the new Cause has a bit whose Enable is set (or Cause.E). */
function writeFcr(f: Fpu, fs: number, v: number): number {
  lazyCause(f);
  let c = f.fcsr;
  switch (fs) {
    case 0: return FPU_OK; // FIR is read-only
    case 25: c = (c & ~0xfe800000) | ((v & 0xfe) << 24) | ((v & 1) << 23); break;
    case 26: c = (c & ~FEXR_MASK) | (v & FEXR_MASK); break;
    case 28: c = (c & ~FENR_FCSR_MASK) | (v & 0xf83) | ((v & 4) << 22); break;
    case 31: c = (c & ~FCSR_WRITE_MASK) | (v & FCSR_WRITE_MASK); break;
    default: return UNKNOWN_FCR_IS_RI ? EXC_RI : FPU_OK;
  }
  f.fcsr = c | 0;
  return ((c >>> 12) & (((c >>> 7) & 0x1f) | X_UNIMPL)) !== 0 ? EXC_FPE : FPU_OK;
}

/**
 * Executes one COP1 (major opcode 0x11) instruction other than BC1* and loads/stores.
 * Returns FPU_OK, EXC_RI (reserved encoding) or EXC_FPE (FCSR.Cause set, destination unchanged;
 * for CTC1 the control register is written first, as the architecture says).
 */
export function fpuExecCop1(f: Fpu, gpr: Int32Array, insn: number): number {
  const rs = (insn >>> 21) & 31, rt = (insn >>> 16) & 31, fs = (insn >>> 11) & 31;
  if (rs === 17 && f.fr && (f.fcsr & FAST_FCSR_MASK) === 0 && fastDouble(f, insn)) return FPU_OK;
  switch (rs) {
    case 0: if (rt !== 0) gpr[rt] = f.i32[2 * fs]!; return FPU_OK; // MFC1
    case 2: { // CFC1
      if (fs !== 0 && fs !== 25 && fs !== 26 && fs !== 28 && fs !== 31) return UNKNOWN_FCR_IS_RI ? EXC_RI : FPU_OK;
      if (rt !== 0) gpr[rt] = readFcr(f, fs);
      return FPU_OK;
    }
    case 3: // MFHC1
      if (!f.fr && (fs & 1) !== 0) return EXC_RI;
      if (rt !== 0) gpr[rt] = f.getHi(fs);
      return FPU_OK;
    case 4: f.i32[2 * fs] = gpr[rt]!; return FPU_OK; // MTC1
    case 6: return writeFcr(f, fs, gpr[rt]!); // CTC1
    case 7: // MTHC1
      if (!f.fr && (fs & 1) !== 0) return EXC_RI;
      f.setHi(fs, gpr[rt]!);
      return FPU_OK;
    case 16: return execFloat(f, S, gpr, insn);
    case 17: return execFloat(f, D, gpr, insn);
    case 20: return execFixed(f, false, insn);
    case 21: return execFixed(f, true, insn);
    default: return EXC_RI; // DMFC1/DMTC1 (MIPS64), BC1 (core), PS and the rest
  }
}

/** Lazy-cause operation codes (Fpu.lazyOp). */
export const LAZY_NONE = 0, LAZY_ADD = 1, LAZY_MUL = 2, LAZY_DIV = 3, LAZY_SQRT = 4, LAZY_MADD = 5;
/** FCSR.Flags.Inexact: once set, only Cause still depends on an operation's exactness. */
export const FLAG_INEXACT = X_INEXACT << 2;

/**
 * Works out the Cause of the last fast-path operation, whose exactness test was skipped
 * because FCSR's Inexact flag was already set: with no trap enabled, Cause is only visible
 * through CFC1 (and debuggers), so it is computed when read, from the recorded operands.
 */
export function lazyCause(f: Fpu): void {
  const op = f.lazyOp;
  if (op === LAZY_NONE) return;
  f.lazyOp = LAZY_NONE;
  const a = f.la, b = f.lb;
  let exact: boolean;
  if (op === LAZY_ADD) { const r = a + b, v = r - a; exact = (a - (r - v)) + (b - v) === 0; }
  else if (op === LAZY_MUL) { const p = a * b; exact = mulErr(a, b, p) === 0; }
  else if (op === LAZY_DIV) { const r = a / b, p = r * b; exact = (a - p) - mulErr(r, b, p) === 0; }
  else if (op === LAZY_SQRT) { const r = Math.sqrt(a), rr = r * r; exact = (a - rr) - mulErr(r, r, rr) === 0; }
  else { // MADD family: lc is the (signed) addend
    const p = a * b, c = f.lc;
    exact = mulErr(a, b, p) === 0;
    if (c !== 0) { const r = p + c, v = r - p; if ((p - (r - v)) + (c - v) !== 0) exact = false; }
  }
  setInexact(f, exact);
}

/** FCSR bits that must be clear for the fast path: RM (nearest only), Enables, FS. */
const FAST_FCSR_MASK = 0x01000f83;
/** Operand magnitudes for which Dekker splitting cannot overflow and results stay normal. */
const FAST_MIN = 2 ** -400;
const FAST_MAX = 2 ** 400;
const DEKKER = 134217729; // 2^27 + 1

/**
 * The common double-precision case in one step: ADD/SUB/MUL/DIV.D on normal operands of
 * moderate magnitude in round-to-nearest with no trap enabled, and MOV.D. The result and the
 * Inexact cause/flag are exactly what the general path computes; anything else returns false
 * and takes the general path.
 */
function fastDouble(f: Fpu, insn: number): boolean {
  const func = insn & 63;
  const fd = (insn >>> 6) & 31, fs = (insn >>> 11) & 31, ft = (insn >>> 16) & 31;
  const d = f.f64;
  if (func === 6) { // MOV.D copies the bits
    const w = f.i32;
    w[2 * fd] = w[2 * fs]!;
    w[2 * fd + 1] = w[2 * fs + 1]!;
    return true;
  }
  if (func === 4) return fastSqrt(f, fd, fs);
  if (func > 3) return false;
  const a = d[fs]!, b = d[ft]!;
  const aa = Math.abs(a), ab = Math.abs(b);
  if (!(aa >= FAST_MIN && aa <= FAST_MAX && ab >= FAST_MIN && ab <= FAST_MAX)) return false;
  if (f.fcsr & FLAG_INEXACT) return fastLazy(f, func, fd, a, b);
  let r: number, exact: boolean;
  if (func <= 1) { // TwoSum: the rounding error of a ± b
    const bb = func === 0 ? b : -b;
    r = a + bb;
    if (Math.abs(r) < FAST_MIN) return false;
    const v = r - a;
    exact = (a - (r - v)) + (bb - v) === 0;
  } else if (func === 2) { // Dekker: the rounding error of a × b
    r = a * b;
    exact = mulErr(a, b, r) === 0;
  } else { // the remainder a − q×b, computed exactly
    r = a / b;
    const ar = Math.abs(r);
    if (!(ar >= FAST_MIN && ar <= FAST_MAX)) return false;
    const p = r * b;
    exact = (a - p) - mulErr(r, b, p) === 0;
  }
  d[fd] = r;
  // Cause is this operation's alone; Flags accumulate (no enable is set, so nothing traps).
  setInexact(f, exact);
  return true;
}

/** fastDouble when Inexact is already flagged: compute the result, defer the Cause. */
function fastLazy(f: Fpu, func: number, fd: number, a: number, b: number): boolean {
  const bb = func === 1 ? -b : b;
  const r = func <= 1 ? a + bb : func === 2 ? a * b : a / b;
  const ar = Math.abs(r);
  if (!(ar >= FAST_MIN && (func !== 3 || ar <= FAST_MAX))) return false;
  f.f64[fd] = r;
  f.lazyOp = func <= 1 ? LAZY_ADD : func === 2 ? LAZY_MUL : LAZY_DIV;
  f.la = a;
  f.lb = bb;
  return true;
}

/** The exact error of a × b (Dekker); operands within the fast range. */
function mulErr(a: number, b: number, p: number): number {
  const ca = DEKKER * a, ah = ca - (ca - a), al = a - ah;
  const cb = DEKKER * b, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

function setInexact(f: Fpu, exact: boolean): void {
  f.fcsr = exact ? f.fcsr & ~CAUSE_MASK : (f.fcsr & ~CAUSE_MASK) | (X_INEXACT << 12) | (X_INEXACT << 2);
}

/** SQRT.D of a positive normal operand in the fast range; exact iff r × r = a. */
function fastSqrt(f: Fpu, fd: number, fs: number): boolean {
  const d = f.f64;
  const a = d[fs]!;
  if (!(a >= FAST_MIN && a <= FAST_MAX)) return false;
  const r = Math.sqrt(a);
  d[fd] = r;
  if (f.fcsr & FLAG_INEXACT) { f.lazyOp = LAZY_SQRT; f.la = a; return true; }
  const rr = r * r;
  setInexact(f, (a - rr) - mulErr(r, r, rr) === 0);
  return true;
}

/**
 * MADD/MSUB/NMADD/NMSUB.D (unfused: the product is rounded, then the sum) in the same fast
 * conditions as fastDouble; Inexact when either rounding was inexact.
 */
function fastMaddD(f: Fpu, insn: number): boolean {
  const op = (insn & 63) >>> 3;
  const fr = (insn >>> 21) & 31, ft = (insn >>> 16) & 31, fs = (insn >>> 11) & 31, fd = (insn >>> 6) & 31;
  const d = f.f64;
  const a = d[fs]!, b = d[ft]!, c = d[fr]!;
  const aa = Math.abs(a), ab = Math.abs(b), ac = Math.abs(c);
  if (!(aa >= FAST_MIN && aa <= FAST_MAX && ab >= FAST_MIN && ab <= FAST_MAX)) return false;
  if (!(c === 0 || (ac >= FAST_MIN && ac <= FAST_MAX))) return false;
  const p = a * b;
  const cc = op === 5 || op === 7 ? -c : c; // MSUB/NMSUB: fs × ft − fr
  const r = c === 0 ? p : p + cc;
  if (Math.abs(r) < FAST_MIN) return false;
  d[fd] = op >= 6 ? -r : r;
  if (f.fcsr & FLAG_INEXACT) { f.lazyOp = LAZY_MADD; f.la = a; f.lb = b; f.lc = cc; return true; }
  let exact = mulErr(a, b, p) === 0;
  if (c !== 0) { const v = r - p; if ((p - (r - v)) + (cc - v) !== 0) exact = false; }
  setInexact(f, exact);
  return true;
}

/**
 * Executes MADD/MSUB/NMADD/NMSUB .S/.D (COP1X, major opcode 0x13): fd = ±(fs × ft ± fr), with
 * the product rounded before the sum (FUSED_MADD = false). Same return codes as fpuExecCop1.
 */
export function fpuExecCop1x(f: Fpu, _gpr: Int32Array, insn: number): number {
  const func = insn & 63;
  const fmt = func & 7;
  const op = func >>> 3; // 4 MADD, 5 MSUB, 6 NMADD, 7 NMSUB
  if (op < 4 || fmt > 1) return EXC_RI;
  if (fmt === D && f.fr && (f.fcsr & FAST_FCSR_MASK) === 0 && fastMaddD(f, insn)) return FPU_OK;
  const fr = (insn >>> 21) & 31, ft = (insn >>> 16) & 31, fs = (insn >>> 11) & 31, fd = (insn >>> 6) & 31;
  if (fmt === D && !f.fr && ((fr | ft | fs | fd) & 1) !== 0) return EXC_RI;
  fx.exc = 0;
  const rm = f.fcsr & 3;
  const a = rd(f, fmt, fs), b = rd(f, fmt, ft), c = rd(f, fmt, fr);
  let r: number;
  const p = a !== a || b !== b ? nanOperands(f, fmt, fs, ft) : mul(a, b, fmt, rm);
  const first = tinyToUnderflow(f, fx.exc); // each rounding step judges its own underflow
  fx.exc = 0;
  if (p !== p || c !== c) r = nanOperands(f, fmt, fr, fr);
  else r = add(p, (op & 1) !== 0 ? -c : c, fmt, rm);
  fx.exc = tinyToUnderflow(f, fx.exc) | first;
  if (op >= 6 && r === r) r = -r; // negation after rounding; the default NaN stays positive
  return commit(f, fmt, fd, r);
}

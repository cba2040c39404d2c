/**
 * Exact floating-point building blocks for the FPU model (mips-vz-m5150.md §7.3): bit access to
 * doubles, nextUp/nextDown, error-free transformations (TwoSum, Dekker's TwoProduct) and one
 * routine that rounds an exactly known value to binary32 or binary64 in any IEEE rounding mode,
 * reporting inexact, overflow and tininess (after rounding, as the MIPS architecture requires).
 * JavaScript arithmetic is binary64 round-to-nearest-even; everything else is derived from it.
 * Assumes a little-endian host (as src/mips/bus.ts does).
 */

/** FCSR.RM encodings. */
export const RM_NEAREST = 0;
export const RM_ZERO = 1;
export const RM_UP = 2;
export const RM_DOWN = 3;

/** IEEE exception bits in MIPS Cause/Flags order (Cause = bits << 12, Flags = bits << 2). */
export const X_INEXACT = 1;
export const X_UNDERFLOW = 2;
export const X_OVERFLOW = 4;
export const X_DIVZERO = 8;
export const X_INVALID = 16;
export const X_UNIMPL = 32;
/** Internal: the result is tiny (after rounding). The FPU turns it into Underflow. */
export const X_TINY = 64;

/** Exceptions raised by the helpers since the caller last cleared `fx.exc`. */
export const fx = { exc: 0 };

/** A binary floating-point format: precision (bits incl. hidden), emin, emax. */
export interface Format { readonly p: number; readonly emin: number; readonly emax: number; readonly max: number }
export const BINARY32: Format = { p: 24, emin: -126, emax: 127, max: 3.4028234663852886e38 };
export const BINARY64: Format = { p: 53, emin: -1022, emax: 1023, max: Number.MAX_VALUE };

const scratch = new Float64Array(1);
const scratchW = new Int32Array(scratch.buffer);

/** Low / high 32-bit word of a double's bit pattern. */
export function loWord(x: number): number { scratch[0] = x; return scratchW[0]!; }
export function hiWord(x: number): number { scratch[0] = x; return scratchW[1]!; }
export function fromWords(lo: number, hi: number): number { scratchW[0] = lo; scratchW[1] = hi; return scratch[0]!; }

/** 2^n for -1074 <= n <= 1023, built by exact doubling/halving. */
const POW2 = new Float64Array(1023 + 1074 + 1);
{
  let v = 1;
  for (let n = 0; n <= 1023; n++) { POW2[n + 1074] = v; v *= 2; }
  v = 1;
  for (let n = 0; n >= -1074; n--) { POW2[n + 1074] = v; v /= 2; }
}
export function pow2(n: number): number { return POW2[n + 1074]!; }

/** x * 2^n, exact whenever the result is representable (steps move monotonically toward it). */
export function ldexp(x: number, n: number): number {
  while (n > 1023) { x *= POW2[1023 + 1074]!; n -= 1023; }
  while (n < -1022) { x *= POW2[-1022 + 1074]!; n += 1022; }
  return x * POW2[n + 1074]!;
}

const TWO64 = 18446744073709551616;

/** floor(log2(|x|)) for finite nonzero x, subnormals included. */
export function ilogb(x: number): number {
  const e = (hiWord(x) >>> 20) & 0x7ff;
  if (e !== 0) return e - 1023;
  return ((hiWord(x * TWO64) >>> 20) & 0x7ff) - 1023 - 64;
}

/** True when |x| (finite, nonzero, normal) is a power of two. */
function isPow2(x: number): boolean {
  scratch[0] = x;
  return scratchW[0] === 0 && (scratchW[1]! & 0xfffff) === 0;
}

/** The next double above x (x not NaN). */
export function nextUp(x: number): number {
  if (x === Infinity) return x;
  if (x === 0) return 5e-324;
  scratch[0] = x;
  let lo = scratchW[0]!, hi = scratchW[1]!;
  if (x > 0) { lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0; } else { if (lo === 0) hi = (hi - 1) | 0; lo = (lo - 1) | 0; }
  scratchW[0] = lo; scratchW[1] = hi;
  return scratch[0]!;
}

/** The next double below x (x not NaN). */
export function nextDown(x: number): number { return -nextUp(-x); }

/** Error of s = RN(a + b): a + b = s + err exactly (Knuth's TwoSum; no overflow in s). */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

const SPLITTER = 134217729; // 2^27 + 1

/** Error of p = RN(a * b): a * b = p + err exactly (Dekker; |a|,|b| < 2^995, err not subnormal). */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * The nearest double to the exact value (hi + lo) re-rounded by one ulp in the direction `rm`
 * requires. hi = RN(exact), lo = exact - hi (or any value with its sign), lo != 0, and hi must be
 * a normal number far enough from the overflow and underflow thresholds.
 */
export function directed(hi: number, lo: number, rm: number): number {
  switch (rm) {
    case RM_ZERO: return hi > 0 ? (lo < 0 ? nextDown(hi) : hi) : (lo > 0 ? nextUp(hi) : hi);
    case RM_UP: return lo > 0 ? nextUp(hi) : hi;
    case RM_DOWN: return lo < 0 ? nextDown(hi) : hi;
    default: return hi;
  }
}

let lastInexact = false;

/**
 * Rounds the magnitude (hi + lo) * 2^k (hi > 0) to an integer multiple of 2^qe. Returns the
 * multiple; sets lastInexact. `neg` says whether the value is negative (for directed modes).
 */
function roundToGrid(hi: number, lo: number, k: number, qe: number, neg: boolean, rm: number, e: number): number {
  let n: number;
  let half: number; // sign of (remainder - 1/2 grid step)
  let rem0: boolean; // remainder is zero
  if (e < qe - 1) {
    // Below half a grid step: the floor is 0 and the remainder is in (0, 1/2).
    n = 0; half = -1; rem0 = false;
  } else {
    const m = ldexp(hi, k - qe);
    let l = ldexp(lo, k - qe);
    if (l === 0 && lo !== 0) l = lo > 0 ? 1e-300 : -1e-300; // only its sign matters here
    const fl = Math.floor(m);
    const frac = m - fl;
    if (frac === 0 && l < 0) {
      n = fl - 1; rem0 = false;
      half = l < -0.5 ? -1 : l === -0.5 ? 0 : 1;
    } else {
      n = fl;
      rem0 = frac === 0 && l === 0;
      if (frac === 0) half = l < 0.5 ? -1 : l === 0.5 ? 0 : 1;
      else if (frac !== 0.5) half = frac < 0.5 ? -1 : 1;
      else half = l < 0 ? -1 : l === 0 ? 0 : 1;
    }
  }
  lastInexact = !rem0;
  if (rem0) return n;
  switch (rm) {
    case RM_NEAREST: return half > 0 || (half === 0 && n % 2 === 1) ? n + 1 : n;
    case RM_ZERO: return n;
    case RM_UP: return neg ? n : n + 1;
    default: return neg ? n + 1 : n;
  }
}

/** The value an overflowed result takes in mode rm (sign from neg). */
export function overflowResult(fmt: Format, neg: boolean, rm: number): number {
  const toInf = rm === RM_NEAREST || (rm === RM_UP && !neg) || (rm === RM_DOWN && neg);
  const v = toInf ? Infinity : fmt.max;
  return neg ? -v : v;
}

/**
 * Rounds the exact value (hi + lo) * 2^k to `fmt` in mode rm and returns it as a double.
 * hi must be finite and nonzero, hi = RN(hi + lo) in binary64 (lo may be replaced by any value of
 * its sign when the exact value is never a rounding midpoint, as for quotients and roots), and
 * hi, lo must not be subnormal. Adds X_INEXACT, X_OVERFLOW and X_TINY to fx.exc.
 */
export function roundExact(hi: number, lo: number, k: number, fmt: Format, rm: number): number {
  const neg = hi < 0;
  if (neg) { hi = -hi; lo = -lo; }
  let e = ilogb(hi) + k;
  if (lo < 0 && isPow2(hi)) e--; // the exact value lies in the binade below hi
  const p = fmt.p;
  const qe = (e < fmt.emin ? fmt.emin : e) - p + 1;
  const n = roundToGrid(hi, lo, k, qe, neg, rm, e);
  const inexact = lastInexact;
  if (inexact) fx.exc |= X_INEXACT;
  // Overflow: the rounded magnitude, exponent unbounded, reaches 2^(emax+1).
  const top = fmt.emax + 1 - qe;
  if (top <= 0 || (top <= p && n >= pow2(top))) {
    fx.exc |= X_OVERFLOW | X_INEXACT;
    return overflowResult(fmt, neg, rm);
  }
  if (e < fmt.emin) {
    // Tininess after rounding: round with unbounded exponent and compare with 2^emin.
    let tiny = true;
    if (e === fmt.emin - 1) tiny = roundToGrid(hi, lo, k, e - p + 1, neg, rm, e) < pow2(p);
    if (tiny) fx.exc |= X_TINY;
  }
  const r = n === 0 ? 0 : ldexp(n, qe);
  return neg ? -r : r;
}

/**
 * Number syntax of the configuration language (tinyvp-config-tool.md §0.3): Python 2
 * `int(s, 0)` for addresses, sizes and board values (0x hex, 0b binary, 0o or a leading 0
 * octal, else decimal) and plain decimal for ids, IRQ lists, dma-set and dma-cfgpg-position.
 * Also the address-space helpers of §3.1.
 */
import { UserError } from '../sim/errors.ts';
import type { Pos } from './lexer.ts';

/** Largest value a 32-bit address or size field may hold (a size may be 2^32 only in theory). */
export const U32_MAX = 0xffffffff;

const PY_INT = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))$/;
const DEC_INT = /^([+-]?)([0-9]+)$/;

/** Python 2 int(s, 0), or null when `s` is not such a number. Values may exceed 32 bits. */
export function pyInt(s: string): number | null {
  const m = PY_INT.exec(s.trim());
  if (m === null) return null;
  const [, sign, hex, oct, bin, oct0, dec] = m;
  let v: number;
  if (hex !== undefined) v = parseBig(hex, 16);
  else if (oct !== undefined) v = parseBig(oct, 8);
  else if (bin !== undefined) v = parseBig(bin, 2);
  else if (oct0 !== undefined) v = oct0.length > 1 ? parseBig(oct0.slice(1), 8) : 0;
  else v = parseBig(dec!, 10);
  return sign === '-' ? -v : v;
}

/** Python int(s) in base 10 (leading zeros allowed), or null. */
export function decInt(s: string): number | null {
  const m = DEC_INT.exec(s.trim());
  if (m === null) return null;
  const v = parseBig(m[2]!, 10);
  return m[1] === '-' ? -v : v;
}

function parseBig(digits: string, radix: number): number {
  const v = radix === 10 ? BigInt(digits) : BigInt((radix === 16 ? '0x' : radix === 8 ? '0o' : '0b') + digits);
  // Anything past 2^53 is out of range for every field; keep it big but finite.
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** An address or size: a Python number in 0 .. 2^32-1 (or up to `max`). */
export function u32(s: string, what: string, pos: Pos, max = U32_MAX): number {
  const v = pyInt(s);
  if (v === null) throw new UserError(`${what}: '${s}' is not a number (0x.. hex, 0b.. binary, 0.. octal or decimal)`, pos.file, pos.line);
  if (v < 0 || v > max) throw new UserError(`${what}: ${s} is out of range (0 .. ${hex(max)})`, pos.file, pos.line);
  return v;
}

/** A decimal number in lo .. hi. */
export function decimal(s: string, what: string, pos: Pos, lo: number, hi: number): number {
  const v = decInt(s);
  if (v === null) throw new UserError(`${what}: '${s}' is not a decimal number`, pos.file, pos.line);
  if (v < lo || v > hi) throw new UserError(`${what}: ${v} is out of range (${lo} .. ${hi})`, pos.file, pos.line);
  return v;
}

/** Lowercase hex with 0x, no padding (Python's hex()). */
export function hex(n: number): string {
  return (n < 0 ? '-0x' : '0x') + Math.abs(n).toString(16);
}

/** 0x%08x. */
export function hex8(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/** Physical address of a kseg0/kseg1 (or any) address: the low 29 bits. */
export function kphys(a: number): number {
  return (a & 0x1fffffff) >>> 0;
}

/** KSEG0 (cached) alias of a physical address. */
export function kseg0(pa: number): number {
  return (pa | 0x80000000) >>> 0;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}

/** log2 of a power of two. */
export function log2(n: number): number {
  return Math.round(Math.log2(n));
}

/** Size in the short form used by reports: 16, 1K, 64K, 4M... */
export function sizeText(n: number): string {
  if (n >= 0x100000 && n % 0x100000 === 0) return `${n / 0x100000}M`;
  if (n >= 0x400 && n % 0x400 === 0) return `${n / 0x400}K`;
  return String(n);
}

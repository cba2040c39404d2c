/**
 * Region flag letters and their EntryLo meaning (tinyvp-config-tool.md §3.3, §4.9;
 * tinyvp-runtime.md §9.1). A flag set is a bitmask of letters; `attrOf` turns it into the
 * EntryLo bits the root TLB refill writes (PFN excluded).
 */
import { UserError } from '../sim/errors.ts';
import type { Pos } from './lexer.ts';

export const F_R = 1 << 0;
export const F_W = 1 << 1;
export const F_X = 1 << 2;
/** Write-ignore: reads direct, writes dropped silently. */
export const F_I = 1 << 3;
/** Write-ignore-and-log: every access traps, reads emulated, writes dropped and printed. */
export const F_IL = 1 << 4;
/** Shared: only relaxes the overlap checks. */
export const F_S = 1 << 5;
/** Emulated: V is clear, every access traps to the hypervisor. */
export const F_E = 1 << 6;
export const F_U = 1 << 7;
export const F_N = 1 << 8;
export const F_A = 1 << 9;
export const F_T = 1 << 10;
/** Legacy "not counted against DMA" (v0.9); accepted, no effect. */
export const F_D = 1 << 11;

/** Letter order used when printing a flag set. */
const LETTERS: [string, number][] = [
  ['r', F_R], ['w', F_W], ['x', F_X], ['i', F_I], ['I', F_IL], ['s', F_S],
  ['e', F_E], ['u', F_U], ['n', F_N], ['a', F_A], ['t', F_T], ['d', F_D],
];
const BY_LETTER = new Map(LETTERS);

/** EntryLo bits (tinyvp-runtime.md §9.1). Bit 0 is tinyVP's write-ignore flag, never G. */
export const ELO_WI = 0x1;
export const ELO_V = 0x2;
export const ELO_D = 0x4;
export const ELO_C_SHIFT = 3;
export const ELO_XI = 0x40000000;
export const ELO_RI = 0x80000000;
/** The bits of an attr word that are not the PFN. */
export const ELO_ATTR_MASK = 0xc000003f;

/** Parses flag letters; an unknown letter is an error at `pos`. */
export function parseFlags(s: string, pos: Pos): number {
  let f = 0;
  for (const ch of s) {
    const bit = BY_LETTER.get(ch);
    if (bit === undefined) {
      throw new UserError(`unknown flag '${ch}' in '${s}' (flags are r w x i I s e u n a t d)`, pos.file, pos.line);
    }
    f |= bit;
  }
  return f;
}

/**
 * Flag completion: when none of r, w, x is given, the kind's defaults are added. Decision: it
 * applies to every region line, also one-line rodata and one-line regs, which the original
 * skipped (an unreadable rodata is a plain bug).
 */
export function completeFlags(f: number, defaults: number): number {
  return f & (F_R | F_W | F_X) ? f : f | defaults;
}

export function flagsText(f: number): string {
  let s = '';
  for (const [ch, bit] of LETTERS) if (f & bit) s += ch;
  return s || '-';
}

/** True when the hardware page is not valid, so every access traps. */
export function traps(f: number): boolean {
  return (f & (F_E | F_IL)) !== 0;
}

/** Cache attribute: u > a > n > t > default (cacheable write-back). */
export function cacheAttr(f: number): number {
  if (f & F_U) return 2;
  if (f & F_A) return 7;
  if (f & F_N) return 0;
  if (f & F_T) return 1;
  return 3;
}

/** EntryLo attribute bits of a page with flags f (tinyvp-config-tool.md §4.9), unsigned. */
export function attrOf(f: number): number {
  let a = cacheAttr(f) << ELO_C_SHIFT;
  if (!(f & F_E)) a |= ELO_V;
  if (f & F_I) a |= ELO_WI;
  else if (f & F_IL) a = (a | ELO_WI | ELO_D) & ~ELO_V;
  else if (f & F_W) a |= ELO_D;
  if (!(f & F_X)) a |= ELO_XI;
  if (!(f & F_R)) a |= ELO_RI;
  return a >>> 0;
}

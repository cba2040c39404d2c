/**
 * The page-table walker over a decoded system table (docs/system-table.md "Trees";
 * tinyvp-runtime.md §9.1-§9.2). This is the one implementation the hypervisor calls:
 * `walkTree` is the hardware-level walk of the root TLB refill (it stops at a transient
 * entry), `lookupGpa` the full translation of one address (software subtree, half, word
 * bitmask). Helpers give the EntryLo/PageMask values a refill writes.
 */
import { ELO_ATTR_MASK, ELO_WI } from './flags.ts';
import { HALF_PRESENT, NODE_EMPTY, NODE_LEAF, NODE_NODE, NODE_SOFT, REC, type PageTree } from './systable.ts';

export interface LeafHalf {
  rpa: number;
  /** EntryLo attribute bits (WI 0x1, V 0x2, D 0x4, C 0x38, XI, RI). */
  attr: number;
  /** Flag letters of the region(s) (flags.ts F_*). */
  flags: number;
  /** Emulator id, 0 = none. */
  emulator: number;
  /** One bit per 32-bit word of the page, or null = every word. */
  bitmask: Uint32Array | null;
}

export interface Leaf {
  /** Table offset of the leaf record. */
  offset: number;
  /** GPA of the even page. */
  base: number;
  pageSize: number;
  software: boolean;
  halves: [LeafHalf | null, LeafHalf | null];
}

/** Result of the hardware-level walk. */
export interface TreeWalk {
  /** 'leaf': load `leaf` into the TLB; 'soft': the block traps, a software subtree follows. */
  kind: 'leaf' | 'soft';
  /** Table offset of the leaf record, or of the software subtree's entry. */
  target: number;
  /** The block the entry covers (a leaf: its pair). */
  blockBase: number;
  blockSize: number;
}

export interface GpaMapping {
  leaf: Leaf;
  half: 0 | 1;
  page: LeafHalf;
  pageBase: number;
  pageSize: number;
  /** The real physical address of `gpa`. */
  rpa: number;
  /** Reached through a software subtree. */
  software: boolean;
  /** The hardware-level block (TLB pair) that contains `gpa`. */
  hwBlockBase: number;
  hwBlockSize: number;
}

/** Deepest the decoder lets a tree be; also the walk's loop bound. */
const MAX_DEPTH = 32;

/** Follows entries from the one at byte offset `e` to a LEAF or SOFT entry, or null. */
function descend(words: Uint32Array, e: number, gpa: number): { kind: number; target: number; a: number } | null {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const i = e >>> 2;
    const w0 = words[i]!;
    const kind = w0 & 15;
    if (kind === NODE_EMPTY) return null;
    if (((gpa & words[i + 1]!) >>> 0) !== words[i + 2]) return null;
    const a = (w0 >>> 8) & 0xff;
    if (kind === NODE_NODE) {
      const b = (w0 >>> 16) & 0xff;
      e = words[i + 3]! + (((gpa % 2 ** a) / 2 ** b) | 0) * REC.NODE;
      continue;
    }
    if (kind === NODE_LEAF || kind === NODE_SOFT) return { kind, target: words[i + 3]!, a };
    return null;
  }
  return null;
}

/** The root TLB refill's walk: the leaf or transient entry covering `gpa`, or null (no mapping). */
export function walkTree(tree: PageTree, gpa: number): TreeWalk | null {
  gpa >>>= 0;
  const t = descend(tree.words, tree.root + (gpa >>> 29) * REC.NODE, gpa);
  if (!t) return null;
  const size = 2 ** t.a;
  return { kind: t.kind === NODE_LEAF ? 'leaf' : 'soft', target: t.target, blockBase: gpa - (gpa % size), blockSize: size };
}

/** Decodes the leaf record at table offset `off`. */
export function readLeaf(tree: PageTree, off: number): Leaf {
  const w = tree.words, i = off >>> 2;
  const pageLog2 = w[i + 1]! & 0xff;
  const half = (k: number): LeafHalf | null => {
    const h = i + 2 + 4 * k;
    const info = w[h + 2]!;
    if (!(info & HALF_PRESENT)) return null;
    const bm = w[h + 3]!;
    return {
      rpa: w[h]!, attr: w[h + 1]!, flags: info & 0xfff, emulator: (info >>> 16) & 0xff,
      bitmask: bm ? w.subarray(bm >>> 2, (bm >>> 2) + Math.ceil(2 ** pageLog2 / 128)) : null,
    };
  };
  return { offset: off, base: w[i]!, pageSize: 2 ** pageLog2, software: ((w[i + 1]! >>> 8) & 1) === 1, halves: [half(0), half(1)] };
}

/**
 * Translates one address: the page, its half and the RPA, or null when nothing maps it
 * (no entry, an empty half, or a word outside the half's bitmask).
 */
export function lookupGpa(tree: PageTree, gpa: number): GpaMapping | null {
  gpa >>>= 0;
  const hw = walkTree(tree, gpa);
  if (!hw) return null;
  let leafOff = hw.target;
  if (hw.kind === 'soft') {
    const t = descend(tree.words, hw.target, gpa);
    if (!t || t.kind !== NODE_LEAF) return null;
    leafOff = t.target;
  }
  const leaf = readLeaf(tree, leafOff);
  const off = gpa - leaf.base;
  if (off < 0 || off >= 2 * leaf.pageSize) return null;
  const half = off >= leaf.pageSize ? 1 : 0;
  const page = leaf.halves[half];
  if (!page) return null;
  const inPage = off - half * leaf.pageSize;
  if (page.bitmask) {
    const bit = inPage >>> 2;
    if (!((page.bitmask[bit >>> 5]! >>> (bit & 31)) & 1)) return null;
  }
  return {
    leaf, half, page, pageBase: leaf.base + half * leaf.pageSize, pageSize: leaf.pageSize,
    rpa: (page.rpa + inPage) >>> 0, software: hw.kind === 'soft', hwBlockBase: hw.blockBase, hwBlockSize: hw.blockSize,
  };
}

/** EntryLo0/1 a refill writes for a hardware leaf half: PFN, attributes, bit 0 cleared. */
export function leafEntryLo(leaf: Leaf, half: 0 | 1): number {
  const h = leaf.halves[half];
  if (!h || leaf.software) return 0;
  return ((((h.rpa >>> 12) << 6) & 0x3fffffc0) | (h.attr & ELO_ATTR_MASK & ~ELO_WI)) >>> 0;
}

/** PageMask register value for pages of `pageSize` (4 KB .. 256 MB). */
export function pageMaskOf(pageSize: number): number {
  return (((pageSize - 1) & ~0xfff) * 2) >>> 0;
}

/**
 * Page-table trees (tinyvp-config-tool.md §4; tinyvp-runtime.md §9.1): per VM, the map from GPA
 * (root VA for threads) to leaves the root TLB refill loads as even/odd pairs.
 *
 * The leaves are chosen over aligned blocks whose pair sizes are the MIPS ones, 32 B .. 512 MB
 * (pages 16 B .. 256 MB, powers of 4). A block becomes a hardware leaf when each half is empty,
 * exactly one region (its RPA aligned to the page for direct pages), or, for halves up to
 * 4 KB, a run of compatible small blocks behind a word bitmask (emulated). Otherwise it is split
 * into its four quarters or, when everything in it traps anyway (emulated devices, blocks
 * smaller than a page), it becomes one transient entry in front of a software subtree. The
 * choice takes the fewest hardware entries, i.e. TLB pairs (ties: the smaller pieces). Each
 * half of a leaf has its own RPA, flags, emulator and bitmask, so buddies may differ (the
 * original's shared bitmask and emulator per pair, runtime §13 item 28, is gone).
 *
 * Entries are then put in 4-way nodes (8 at the root) with mask/golden compression: a slot with
 * one item holds it directly and checks the skipped address bits, a slot with several holds the
 * smallest block that contains them all.
 */
import { UserError } from '../sim/errors.ts';
import type { Diagnostics } from './diagnostics.ts';
import { F_D, F_E, F_S, F_X, flagsText, traps } from './flags.ts';
import { alignUp, PAGE } from './layout.ts';
import type { Region, Vm } from './model.ts';
import { hex, sizeText } from './numbers.ts';
import { regionText } from './validate.ts';

/** Smallest pair (two 16-byte pages) and largest (two 256 MB pages). */
export const MIN_PAIR = 32;
export const MAX_PAIR = 0x20000000;
/** Smallest pair the hardware TLB holds (two 4 KB pages). */
export const HW_MIN_PAIR = 0x2000;
/** Largest page that may carry a word bitmask (32 words). */
export const BITMASK_MAX_PAGE = 0x1000;
/** The root array: 8 slots of 512 MB. */
export const ROOT_SLOTS = 8;

/** A region (or merged overlapping regions) of one VM, ready for the tree. */
export interface Piece {
  gpa: number;
  end: number;
  rpa: number;
  flags: number;
  emu: number;
  regions: Region[];
}

export interface HalfPlan {
  rpa: number;
  flags: number;
  emu: number;
  /** One bit per 32-bit word of the page; null = every word. */
  bitmask: Uint32Array | null;
  regions: Region[];
}

export interface LeafPlan {
  /** Pair base (GPA of the even page). */
  base: number;
  pageSize: number;
  /** Reached through a transient entry (sub-4 KB or emulated-only block). */
  software: boolean;
  halves: [HalfPlan | null, HalfPlan | null];
}

export type TreeEntry =
  | { kind: 'node'; base: number; area: number; slot: number; children: (TreeEntry | null)[]; mask: number; golden: number }
  | { kind: 'leaf'; base: number; size: number; leaf: LeafPlan; mask: number; golden: number }
  | { kind: 'soft'; base: number; size: number; target: TreeEntry; mask: number; golden: number };

export interface VmTree {
  /** 8 entries of 512 MB; null when the VM maps nothing. */
  root: (TreeEntry | null)[] | null;
  /** Hardware-level entries (TLB pairs): leaves plus transient entries. */
  tlbPairs: number;
  softEntries: number;
  leaves: LeafPlan[];
}

type HwItem =
  | { kind: 'leaf'; base: number; size: number; leaf: LeafPlan }
  | { kind: 'soft'; base: number; size: number; sw: LeafPlan[]; fallback: { message: string; region: Region } | null };

interface Item {
  base: number;
  size: number;
}

const EMPTY = 'empty' as const;

/** Compatibility of pieces sharing a bitmask page: same flags (s, d aside), emulator, offset. */
function sameKind(a: Piece, b: Piece): boolean {
  const m = ~(F_S | F_D);
  return (a.flags & m) === (b.flags & m) && a.emu === b.emu && a.rpa - a.gpa === b.rpa - b.gpa;
}

/** A VM's non-empty regions as sorted pieces; overlapping ones must be compatible. */
export function vmPieces(vm: Vm): Piece[] {
  const list = vm.regions
    .filter((r) => r.size > 0)
    .map((r): Piece => ({ gpa: r.gpa, end: r.gpa + r.size, rpa: r.rpa, flags: r.flags, emu: r.device?.emulator?.id ?? 0, regions: [r] }))
    .sort((a, b) => a.gpa - b.gpa || a.end - b.end);
  const out: Piece[] = [];
  for (const p of list) {
    const last = out[out.length - 1];
    if (last && p.gpa < last.end) {
      if (!sameKind(last, p)) {
        const r = p.regions[0]!;
        throw new UserError(`${regionText(r)} overlaps ${regionText(last.regions[0]!)} in GPA with different flags, emulator or physical address`, r.pos.file, r.pos.line);
      }
      last.end = Math.max(last.end, p.end);
      last.flags |= p.flags;
      last.regions.push(...p.regions);
      continue;
    }
    out.push({ ...p, regions: [...p.regions] });
  }
  return out;
}

const within = (ps: Piece[], lo: number, hi: number): Piece[] => ps.filter((p) => p.gpa < hi && lo < p.end);

/** One half [h, h+s): empty, a page, or null when it cannot be one. */
function classifyHalf(h: number, s: number, ps: Piece[], hw: boolean): HalfPlan | typeof EMPTY | null {
  const q = within(ps, h, h + s);
  if (q.length === 0) return EMPTY;
  const p0 = q[0]!;
  if (q.length === 1 && p0.gpa <= h && p0.end >= h + s) {
    const rpa = p0.rpa + (h - p0.gpa);
    const flags = hw ? p0.flags : p0.flags | F_E;
    if (hw && !traps(flags) && rpa % s !== 0) return null;
    return { rpa: rpa >>> 0, flags, emu: p0.emu, bitmask: null, regions: [...p0.regions] };
  }
  if (s > BITMASK_MAX_PAGE) return null;
  if (q.some((p) => p.flags & F_X || !sameKind(p, p0))) return null;
  const bitmask = new Uint32Array(Math.ceil(s / 128));
  let flags = p0.flags | F_E;
  const regions: Region[] = [];
  for (const p of q) {
    flags |= p.flags & (F_S | F_D);
    regions.push(...p.regions);
    const hi = Math.min(p.end, h + s);
    for (let a = Math.max(p.gpa, h); a + 4 <= hi; a += 4) {
      const bit = (a - h) >>> 2;
      bitmask[bit >>> 5] = (bitmask[bit >>> 5]! | (1 << (bit & 31))) >>> 0;
    }
  }
  return { rpa: (h + p0.rpa - p0.gpa) >>> 0, flags, emu: p0.emu, bitmask, regions };
}

function tryLeaf(b: number, P: number, ps: Piece[], hw: boolean): LeafPlan | null {
  const s = P / 2;
  const h0 = classifyHalf(b, s, ps, hw);
  const h1 = classifyHalf(b + s, s, ps, hw);
  if (h0 === null || h1 === null || (h0 === EMPTY && h1 === EMPTY)) return null;
  return { base: b, pageSize: s, software: !hw, halves: [h0 === EMPTY ? null : h0, h1 === EMPTY ? null : h1] };
}

/** A piece that fully covers a 4 KB page inside [lo, hi) and does not trap needs a direct page. */
function needsDirect(p: Piece, lo: number, hi: number): boolean {
  return !traps(p.flags) && alignUp(Math.max(p.gpa, lo), PAGE) + PAGE <= Math.min(p.end, hi);
}

function planHw(b: number, P: number, ps: Piece[], vm: Vm): HwItem[] {
  const q = within(ps, b, b + P);
  if (q.length === 0) return [];
  const leaf = tryLeaf(b, P, q, true);
  if (leaf) return [{ kind: 'leaf', base: b, size: P, leaf }];
  const trapsOnly = q.every((p) => !(p.flags & F_X) && !needsDirect(p, b, b + P));
  if (P > HW_MIN_PAIR) {
    const sub = [0, 1, 2, 3].flatMap((i) => planHw(b + (i * P) / 4, P / 4, q, vm));
    if (sub.length <= 1 || !trapsOnly) return sub;
  }
  if (trapsOnly) return [{ kind: 'soft', base: b, size: P, sw: planSw(b, P, q, vm), fallback: null }];
  const x = q.find((p) => p.flags & F_X);
  if (x) {
    const r = x.regions[0]!;
    throw new UserError(`${regionText(r)} shares the 8 KB block at GPA ${hex(b)} with regions that cannot be mapped next to an executable page: ${others(q, x)}`, r.pos.file, r.pos.line);
  }
  // Last resort, like the original's quarter split: the direct pages of this block trap too.
  const direct = q.filter((p) => needsDirect(p, b, b + P)).map((p) => p.regions[0]!);
  const message = `${direct.map(regionText).join(', ')} is emulated in software: its 8 KB block at GPA ${hex(b)} mixes it with small blocks of other kinds`;
  return [{ kind: 'soft', base: b, size: P, sw: planSw(b, P, q, vm), fallback: { message, region: direct[0]! } }];
}

function others(q: Piece[], p: Piece): string {
  return q.filter((o) => o !== p).map((o) => regionText(o.regions[0]!)).join(', ');
}

function planSw(b: number, P: number, ps: Piece[], vm: Vm): LeafPlan[] {
  const q = within(ps, b, b + P);
  if (q.length === 0) return [];
  const leaf = tryLeaf(b, P, q, false);
  if (leaf) return [leaf];
  if (P === MIN_PAIR) {
    const a = q[0]!, c = q[1] ?? q[0]!;
    const r = c.regions[0]!;
    throw new UserError(
      `VM ${vm.id}: ${regionText(a.regions[0]!)} and ${regionText(r)} share the 16-byte block at GPA ${hex(b)} but differ in flags, emulator or physical offset; the page tables cannot separate them`,
      r.pos.file,
      r.pos.line,
    );
  }
  return [0, 1, 2, 3].flatMap((i) => planSw(b + (i * P) / 4, P / 4, q, vm));
}

/** Builds the tree of one VM. */
export function buildTree(vm: Vm, diag: Diagnostics): VmTree {
  const ps = vmPieces(vm);
  const items: HwItem[] = [];
  for (let i = 0; i < ROOT_SLOTS; i++) items.push(...planHw(i * MAX_PAIR, MAX_PAIR, ps, vm));
  const tree: VmTree = { root: null, tlbPairs: items.length, softEntries: 0, leaves: [] };
  if (items.length === 0) return tree;
  for (const it of items) {
    if (it.kind === 'leaf') tree.leaves.push(it.leaf);
    else {
      tree.softEntries++;
      tree.leaves.push(...it.sw);
      if (it.fallback) diag.warn(it.fallback.message, it.fallback.region.pos);
    }
  }
  tree.root = buildArray(items, 0, 2 ** 32, MAX_PAIR, hwEntry);
  return tree;
}

function hwEntry(it: HwItem): TreeEntry {
  if (it.kind === 'leaf') return { kind: 'leaf', base: it.base, size: it.size, leaf: it.leaf, mask: 0, golden: 0 };
  const sw = it.sw.map((l) => ({ base: l.base, size: 2 * l.pageSize, leaf: l }));
  return { kind: 'soft', base: it.base, size: it.size, target: slotEntry(sw, it.size, swEntry), mask: 0, golden: 0 };
}

function swEntry(x: { base: number; size: number; leaf: LeafPlan }): TreeEntry {
  return { kind: 'leaf', base: x.base, size: x.size, leaf: x.leaf, mask: 0, golden: 0 };
}

/** The entries of an array of `area / slot` slots starting at `base`. */
function buildArray<T extends Item>(items: T[], base: number, area: number, slot: number, make: (it: T) => TreeEntry): (TreeEntry | null)[] {
  const groups: T[][] = Array.from({ length: area / slot }, () => []);
  for (const it of items) groups[Math.floor((it.base - base) / slot)]!.push(it);
  return groups.map((g) => (g.length ? slotEntry(g, slot, make) : null));
}

/**
 * The entry for the items of one slot: the item itself when alone, else a node for the
 * smallest block holding them all; its mask/golden check the bits between slot and block.
 */
function slotEntry<T extends Item>(g: T[], slot: number, make: (it: T) => TreeEntry): TreeEntry {
  if (g.length === 1) {
    const it = g[0]!;
    const e = make(it);
    e.mask = ((slot - 1) & ~(it.size - 1)) >>> 0;
    e.golden = (it.base & e.mask) >>> 0;
    return e;
  }
  const first = g[0]!.base;
  let q = 4 * Math.max(...g.map((it) => it.size));
  while (q < slot && !g.every((it) => Math.floor(it.base / q) === Math.floor(first / q))) q *= 4;
  q = Math.min(q, slot);
  const qbase = Math.floor(first / q) * q;
  const mask = ((slot - 1) & ~(q - 1)) >>> 0;
  return { kind: 'node', base: qbase, area: q, slot: q / 4, children: buildArray(g, qbase, q, q / 4, make), mask, golden: (qbase & mask) >>> 0 };
}

/** Page sizes used per region (for reports). */
export function regionPages(tree: VmTree): Map<Region, Set<number>> {
  const m = new Map<Region, Set<number>>();
  for (const l of tree.leaves) {
    for (const h of l.halves) {
      if (!h) continue;
      for (const r of h.regions) {
        const s = m.get(r) ?? new Set<number>();
        s.add(l.pageSize);
        m.set(r, s);
      }
    }
  }
  return m;
}

/** Short text of a leaf half, for debugging output. */
export function halfText(h: HalfPlan | null, pageSize: number): string {
  if (!h) return '-';
  return `${hex(h.rpa)} ${sizeText(pageSize)} ${flagsText(h.flags)}${h.emu ? ` emu${h.emu}` : ''}${h.bitmask ? ' bm' : ''}`;
}

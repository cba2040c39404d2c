/**
 * Root TLB refill from the page-table trees (tinyvp-runtime.md §9.1) with the shared walker
 * (config/walk.ts). A leaf becomes one even/odd pair of the leaf's page size (4 KB .. 256 MB);
 * a transient entry (software subtree in front of sub-4 KB or emulated-only blocks) becomes an
 * invalid pair covering its block, so later accesses there fault straight into access
 * emulation. EntryHi keeps the faulting VPN2 and the root ASID; the entry's GuestID is
 * GuestCtl1.RID, the current thread's GuestID. Replacement is random (TLBWR, no wired entries).
 */
import { leafEntryLo, pageMaskOf, readLeaf, walkTree, type Leaf } from '../config/walk.ts';
import type { PageTree } from '../config/systable.ts';
import { C0, LO_V } from '../mips/cp0.ts';
import type { Hypervisor } from './hypervisor.ts';
import type { Thread } from './thread.ts';

export type RefillResult = 'valid' | 'trap' | 'none';

/** Decoded leaves by table offset (the table never changes after boot). */
const leafCache = new WeakMap<Uint32Array, Map<number, Leaf>>();

function leafAt(tree: PageTree, off: number): Leaf {
  let m = leafCache.get(tree.words);
  if (m === undefined) { m = new Map(); leafCache.set(tree.words, m); }
  let l = m.get(off);
  if (l === undefined) { l = readLeaf(tree, off); m.set(off, l); }
  return l;
}

/**
 * Writes the root TLB pair covering `addr` (GPA for a VM, root VA for a root thread) with TLBWR.
 * 'valid': the page is mapped directly, retry the access; 'trap': the page traps (emulated);
 * 'none': nothing maps `addr`.
 */
export function refill(hv: Hypervisor, t: Thread, tree: PageTree, addr: number): RefillResult {
  const cpu = hv.cpu;
  const w = walkTree(tree, addr);
  if (w === null) return 'none';
  let lo0 = 0, lo1 = 0, half: number;
  if (w.kind === 'leaf') {
    const leaf = leafAt(tree, w.target);
    half = leaf.pageSize;
    lo0 = leafEntryLo(leaf, 0);
    lo1 = leafEntryLo(leaf, 1);
  } else {
    half = w.blockSize / 2;
  }
  const span = 2 * half;
  cpu.mtc0(C0.PAGEMASK, pageMaskOf(half));
  cpu.mtc0(C0.ENTRYLO0, lo0);
  cpu.mtc0(C0.ENTRYLO1, lo1);
  cpu.mtc0(C0.ENTRYHI, ((addr & ~(span - 1)) | (cpu.mfc0(C0.ENTRYHI) & 0xff)) >>> 0);
  cpu.tlbwr();
  hv.counters.refills++;
  t.refills++;
  const lo = (addr >>> 0) % span < half ? lo0 : lo1;
  return lo & LO_V ? 'valid' : 'trap';
}

/** TLBP for the faulting address (EntryHi as the exception left it): true when no entry matches. */
export function tlbMiss(hv: Hypervisor): boolean {
  const cpu = hv.cpu;
  cpu.tlbp();
  return cpu.mfc0(C0.INDEX) < 0;
}

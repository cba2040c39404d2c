/**
 * Root TLB refill from the page-table trees (tinyvp-runtime.md §9.1) with the shared walker
 * (config/walk.ts). A leaf becomes one even/odd pair of the leaf's page size (4 KB .. 256 MB);
 * a transient entry (software subtree in front of sub-4 KB or emulated-only blocks) becomes an
 * invalid pair covering its block, so later accesses there fault straight into access
 * emulation. EntryHi keeps the faulting VPN2 and the root ASID; the entry's GuestID is
 * GuestCtl1.RID, the current thread's GuestID. Replacement is random (TLBWR) over the entries
 * above Wired; entry 0 is wired to the LL-bit excursion's ERET page (context.ts).
 *
 * Isolation (issue #6 item 10): the root TLB is flushed whenever a thread is loaded, so the
 * entries a thread finds, and the refills it takes, depend on its own accesses alone; with the
 * shared 16 entries and random replacement a VM's misses would otherwise evict the others'
 * entries and shift their timing. A switch costs the incoming thread a few refills.
 */
import { leafEntryLo, pageMaskOf, readLeaf, walkTree, type Leaf } from '../config/walk.ts';
import type { PageTree } from '../config/systable.ts';
import { C0, LO_V } from '../mips/cp0.ts';
import type { Hypervisor } from './hypervisor.ts';
import type { Thread } from './thread.ts';

const EHINV = 1 << 10;

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

/** Entries below this are wired: 0 holds the excursion's ERET page. */
export const ROOT_WIRED = 1;

/**
 * Writes the root TLB pair covering `addr` (GPA for a VM, root VA for a root thread) with TLBWR,
 * or with TLBWI at `index`. 'valid': the page is mapped directly, retry the access; 'trap': the
 * page traps (emulated); 'none': nothing maps `addr`.
 */
export function refill(hv: Hypervisor, t: Thread, tree: PageTree, addr: number, index = -1): RefillResult {
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
  if (index < 0) cpu.tlbwr();
  else {
    cpu.mtc0(C0.INDEX, index);
    cpu.tlbwi();
  }
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

/** Invalidates the root TLB entries from `from` up (EHINV); GuestCtl1 and the TLB registers change. */
export function flushRootTlb(hv: Hypervisor, from: number): void {
  const cpu = hv.cpu;
  const entries = ((cpu.mfc0(C0.CONFIG1) >>> 25) & 0x3f) + 1;
  cpu.mtc0(C0.PAGEMASK, 0x1ffff800);
  cpu.mtc0(C0.ENTRYLO0, 0x1f);
  cpu.mtc0(C0.ENTRYLO1, 0x0080001f);
  cpu.mtc0(C0.ENTRYHI, EHINV);
  cpu.mtc0(C0.GUESTCTL1, 0);
  for (let i = entries - 1; i >= from; i--) {
    cpu.mtc0(C0.INDEX, i);
    cpu.tlbwi();
  }
}

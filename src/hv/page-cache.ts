/**
 * The page lookup cache of the access emulator (tinyvp-runtime.md §9.2): a small direct-mapped
 * cache per thread (the original's two caches were global and keyed by address only, §13 item
 * 15) in front of the shared tree walker (config/walk.ts lookupGpa). An entry is one page half:
 * its GPA range and the leaf half describing it. The word bitmask is checked on every access.
 */
import { lookupGpa, type LeafHalf } from '../config/walk.ts';
import type { PageTree } from '../config/systable.ts';

export const PAGE_CACHE_SLOTS = 32;

export interface PageEntry {
  base: number;
  size: number;
  half: LeafHalf;
  software: boolean;
}

export class PageCache {
  private readonly slots: (PageEntry | null)[] = new Array<PageEntry | null>(PAGE_CACHE_SLOTS).fill(null);
  hits = 0;
  misses = 0;

  constructor(private readonly tree: PageTree | null) {}

  /** The page half mapping `gpa` with its word allowed by the bitmask, or null. */
  lookup(gpa: number): PageEntry | null {
    gpa >>>= 0;
    const slot = ((gpa >>> 10) ^ (gpa >>> 16)) & (PAGE_CACHE_SLOTS - 1);
    let e = this.slots[slot]!;
    if (e !== null && gpa >= e.base && gpa - e.base < e.size) this.hits++;
    else {
      this.misses++;
      if (this.tree === null) return null;
      const m = lookupGpa(this.tree, gpa);
      if (m === null) return null;
      e = { base: m.pageBase >>> 0, size: m.pageSize, half: m.page, software: m.software };
      this.slots[slot] = e;
    }
    const bm = e.half.bitmask;
    if (bm !== null) {
      const bit = (gpa - e.base) >>> 2;
      if (((bm[bit >>> 5]! >>> (bit & 31)) & 1) === 0) return null;
    }
    return e;
  }
}

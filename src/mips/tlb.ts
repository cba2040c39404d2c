/**
 * The joint TLB (MIPS32 PRA ch. 4; spec/mips-vz-m5150.md §4.3-4.5): dual-page entries with
 * variable page size, ASID and GuestID tags, RI/XI bits and EHINV invalidation. The core owns
 * two instances: the root TLB and the guest TLB (the M5150 shares one array; the model keeps
 * two logical arrays, which is observably the same for root and guest software).
 */
import { EH_EHINV, EXC, LO_D, LO_G, LO_RI, LO_V, LO_XI, PG_IEC, PG_RIE, PG_XIE, TLB_ENTRIES } from './cp0.ts';
import { ACC_FETCH, ACC_STORE } from './softtlb.ts';

export class Tlb {
  readonly size: number;
  /** EntryHi as written: VPN2 31:13, ASID 7:0. */
  readonly hi: Int32Array;
  /** PageMask Mask bits 28:13. */
  readonly mask: Int32Array;
  readonly lo0: Int32Array;
  readonly lo1: Int32Array;
  /** GuestID tag of each entry (0 = root). */
  readonly gid: Uint8Array;
  /** 1 when the entry is invalid (EHINV) and never matches. */
  readonly inv: Uint8Array;

  constructor(size = TLB_ENTRIES) {
    this.size = size;
    this.hi = new Int32Array(size);
    this.mask = new Int32Array(size);
    this.lo0 = new Int32Array(size);
    this.lo1 = new Int32Array(size);
    this.gid = new Uint8Array(size);
    this.inv = new Uint8Array(size).fill(1);
  }

  reset(): void {
    this.hi.fill(0);
    this.mask.fill(0);
    this.lo0.fill(0);
    this.lo1.fill(0);
    this.gid.fill(0);
    this.inv.fill(1);
  }

  /**
   * Index of the entry that maps virtual address `va` for `asid` and GuestID `gid`, or -1.
   * The first match wins (the model does not raise Machine Check on duplicates).
   */
  lookup(va: number, asid: number, gid: number): number {
    for (let i = 0; i < this.size; i++) {
      if (this.inv[i] || this.gid[i] !== gid) continue;
      const h = this.hi[i]!;
      const m = ~(this.mask[i]! | 0x1fff);
      if (((h ^ va) & m) !== 0) continue;
      if ((this.lo0[i]! & this.lo1[i]! & LO_G) === 0 && (h & 0xff) !== asid) continue;
      return i;
    }
    return -1;
  }

  /** TLBP semantics: match EntryHi's VPN2 (under each entry's mask) and ASID. */
  probe(entryHi: number, gid: number): number {
    return this.lookup(entryHi & ~0x1fff, entryHi & 0xff, gid);
  }

  write(i: number, entryHi: number, pageMask: number, lo0: number, lo1: number, gid: number): void {
    this.inv[i] = entryHi & EH_EHINV ? 1 : 0;
    this.hi[i] = entryHi & ~(EH_EHINV | 0x1f00);
    this.mask[i] = pageMask;
    this.lo0[i] = lo0;
    this.lo1[i] = lo1;
    this.gid[i] = gid;
  }

  /** Bytes covered by one of the entry's two pages. */
  pageSize(i: number): number {
    return ((this.mask[i]! | 0x1fff) + 1) / 2;
  }

  /** First and one-past-last virtual address of the pair. */
  range(i: number): [number, number] {
    const span = (this.mask[i]! | 0x1fff) + 1;
    const base = (this.hi[i]! & ~(span - 1)) >>> 0;
    return [base, base + span];
  }

  /** EntryLo of the page within entry `i` that holds `va`. */
  entryLo(i: number, va: number): number {
    const sel = ((this.mask[i]! | 0x1fff) + 1) >>> 1;
    return va & sel ? this.lo1[i]! : this.lo0[i]!;
  }

  /** Physical address of `va` through EntryLo `lo` of entry `i`. */
  physical(i: number, lo: number, va: number): number {
    const off = ((this.mask[i]! | 0x1fff) >>> 1);
    const pfnBase = ((lo >>> 6) & 0xfffff) * 4096;
    return (pfnBase - (pfnBase % (off + 1)) + (va & off)) >>> 0;
  }
}

/** Exception code for an access of kind `acc` through EntryLo `lo` (V, RI/XI per PageGrain, D), or -1 when allowed. Shared by root translation and both guest stages. */
export function permissionFault(lo: number, acc: number, pageGrain: number): number {
  const code = acc === ACC_STORE ? EXC.TLBS : EXC.TLBL;
  if (!(lo & LO_V)) return code;
  if (acc !== ACC_STORE && acc !== ACC_FETCH && lo & LO_RI && pageGrain & PG_RIE) return pageGrain & PG_IEC ? EXC.TLBRI : EXC.TLBL;
  if (acc === ACC_FETCH && lo & LO_XI && pageGrain & PG_XIE) return pageGrain & PG_IEC ? EXC.TLBXI : EXC.TLBL;
  if (acc === ACC_STORE && !(lo & LO_D)) return EXC.MOD;
  return -1;
}

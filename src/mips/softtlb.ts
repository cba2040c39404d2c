/**
 * The translation cache (DESIGN.md "Execution model"): per translation context (root or guest,
 * GuestID, ASID, user/kernel, ERL) three direct-mapped arrays map a 4 KB virtual page to an
 * addend into the physical backing store, one each for loads, stores and fetches. Only plain
 * memory is cached; MMIO and protected pages always take the slow path. Entries also remember
 * the physical page (and, in guest contexts, the guest-physical page) they came from so that a
 * TLB write can drop exactly the entries it affects.
 */

export const SOFT_BITS = 10;
export const SOFT_SIZE = 1 << SOFT_BITS;
export const SOFT_MASK = SOFT_SIZE - 1;

export const ACC_LOAD = 0;
export const ACC_STORE = 1;
export const ACC_FETCH = 2;

export class SoftTlb {
  /** Virtual page number cached in each slot, -1 when empty; [load, store, fetch]. */
  readonly tag: Int32Array[];
  /** Addend: host offset = (va + off) | 0. */
  readonly off: Int32Array[];
  /** The page the translation went through at stage 2 (guest-physical) or -1 (root contexts). */
  readonly gpn: Int32Array[];

  constructor(
    /** Context key this cache belongs to. */
    readonly key: number,
    /** Host pages that must not get store translations (they hold compiled code). */
    private readonly noStore: Uint8Array | null = null,
  ) {
    this.tag = [0, 1, 2].map(() => new Int32Array(SOFT_SIZE).fill(-1));
    this.off = [0, 1, 2].map(() => new Int32Array(SOFT_SIZE));
    this.gpn = [0, 1, 2].map(() => new Int32Array(SOFT_SIZE).fill(-1));
  }

  fill(acc: number, va: number, hostPage: number, gpn: number): void {
    if (acc === ACC_STORE && this.noStore !== null && this.noStore[hostPage >>> 12]) return;
    const vpn = va >>> 12;
    const e = vpn & SOFT_MASK;
    this.tag[acc]![e] = vpn;
    this.off[acc]![e] = (hostPage - (va & ~0xfff)) | 0;
    this.gpn[acc]![e] = gpn;
  }

  /** Drops the store translations that land in host page `page`. */
  dropStoresToHostPage(page: number): void {
    const t = this.tag[ACC_STORE]!, o = this.off[ACC_STORE]!;
    for (let e = 0; e < SOFT_SIZE; e++) {
      const v = t[e]!;
      if (v !== -1 && ((((v << 12) + o[e]!) | 0) >>> 12) === page) t[e] = -1;
    }
  }

  flush(): void {
    for (const t of this.tag) t.fill(-1);
  }

  /** Drops entries whose virtual page lies in [lo, hi) (byte addresses, unsigned). */
  dropVirtual(lo: number, hi: number): void {
    const plo = Math.floor(lo / 4096);
    const phi = Math.ceil(hi / 4096);
    for (const t of this.tag) {
      if (phi - plo < SOFT_SIZE) {
        for (let p = plo; p < phi; p++) if (t[p & SOFT_MASK] === p) t[p & SOFT_MASK] = -1;
      } else {
        for (let e = 0; e < SOFT_SIZE; e++) {
          const v = t[e]!;
          if (v >= plo && v < phi) t[e] = -1;
        }
      }
    }
  }

  /** Drops entries that went through guest-physical pages in [lo, hi). */
  dropGuestPhysical(lo: number, hi: number): void {
    const plo = Math.floor(lo / 4096);
    const phi = Math.ceil(hi / 4096);
    for (let a = 0; a < 3; a++) {
      const t = this.tag[a]!;
      const g = this.gpn[a]!;
      for (let e = 0; e < SOFT_SIZE; e++) {
        const v = g[e]!;
        if (t[e] !== -1 && v >= plo && v < phi) t[e] = -1;
      }
    }
  }
}

/** Context key bits. */
export const CTX_USER = 1;
export const CTX_ERL = 2;
export const ctxKey = (guest: boolean, gid: number, asid: number, user: boolean, erl: boolean): number =>
  (guest ? 1 << 18 : 0) | (gid << 10) | (asid << 2) | (erl ? CTX_ERL : 0) | (user ? CTX_USER : 0);
export const ctxIsGuest = (key: number): boolean => (key & (1 << 18)) !== 0;
export const ctxGid = (key: number): number => (key >>> 10) & 0xff;
export const ctxAsid = (key: number): number => (key >>> 2) & 0xff;

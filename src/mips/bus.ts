/**
 * What the core sees of the physical world: one byte array holding every directly addressable
 * memory (RAM and flash), a page map into it for the translation cache, and a slow path for
 * everything else (MMIO, flash writes, protected pages). The core knows nothing of PIC32MZ.
 */

export type AccessSize = 1 | 2 | 4;

/** The backing store of all plain memory, with aligned views (little-endian host assumed). */
export interface PhysMem {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
}

export interface Bus {
  readonly mem: PhysMem;
  /**
   * Host byte offset in `mem` of the 4 KB physical page `ppn`, or -1 when accesses of this kind
   * (write = store, else load/fetch) must take the slow path: MMIO, absent, read-only, guarded.
   */
  pageBase(ppn: number, write: boolean): number;
  /** Slow-path load, zero-extended. Sets `error` when nothing answers or the access is refused. */
  read(pa: number, size: AccessSize): number;
  /** Slow-path store. Sets `error` when nothing answers or the access is refused. */
  write(pa: number, size: AccessSize, value: number): void;
  /** Bus-error flag of the last slow-path access; the caller clears it. */
  error: boolean;
  /** Installed by the core: the page map or its permissions changed, drop cached translations. */
  onMapChange: () => void;
  /** Installed by the core: bytes [off, off+len) of `mem` changed behind the core's back. */
  onMemWrite: (off: number, len: number) => void;
}

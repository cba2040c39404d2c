/**
 * The physical address space: plain memories backed by one byte array (so the core's
 * translation cache indexes a single typed array), MMIO devices routed by 4 KB page, and
 * optional guards (the System Bus Arbiter) that refuse accesses per initiator.
 */
import type { AccessSize, Bus, PhysMem } from '../mips/bus.ts';

/** A memory-mapped device; offsets are relative to the base it was mapped at. */
export interface MmioDevice {
  read(off: number, size: AccessSize): number;
  write(off: number, value: number, size: AccessSize): void;
}

/** Who is accessing the bus; the arbiter may treat initiators differently. */
export type Initiator = 'cpu' | 'dma';

/** Refuses an access; returns true to allow. Installed by the arbiter. */
export type BusGuard = (initiator: Initiator, pa: number, write: boolean) => boolean;

interface MmioRegion {
  base: number;
  end: number;
  name: string;
  dev: MmioDevice;
}

interface MemRegion {
  pa: number;
  size: number;
  off: number;
  writable: boolean;
  name: string;
}

const PAGE_SHIFT = 12;
const PAGES = 1 << 20;

/** Where unmapped accesses are reported, e.g. for `--trace unmapped`. */
export type UnmappedHook = (initiator: Initiator, pa: number, write: boolean, size: AccessSize, value: number) => void;

export class PhysBus {
  readonly mem: PhysMem;
  private used = 0;
  private readonly memRegions: MemRegion[] = [];
  /** Host offset of each physical page, -1 if not plain memory. */
  private readonly pageOff = new Int32Array(PAGES).fill(-1);
  /**
   * Bit 0: memory page is writable by plain stores. Bit 1: page is guarded (no fast path, every
   * access asks the guard). Bit 2: page is checked (slow-path accesses ask the guard, the core's
   * fast path stays on: for initiators that never use it, like DMA).
   */
  private readonly pageFlags = new Uint8Array(PAGES);
  private readonly mmio = new Map<number, MmioRegion[]>();
  guard: BusGuard | null = null;
  onUnmapped: UnmappedHook | null = null;
  /** Called when any mapping or guard changes. */
  private readonly mapListeners: (() => void)[] = [];
  private readonly writeListeners: ((off: number, len: number) => void)[] = [];

  constructor(memBytes: number) {
    const buf = new ArrayBuffer(memBytes);
    this.mem = { u8: new Uint8Array(buf), u16: new Uint16Array(buf), i32: new Int32Array(buf) };
  }

  /** Adds plain memory at `pa`; returns its host offset. Page-aligned, no overlap. */
  addMemory(name: string, pa: number, size: number, writable: boolean): number {
    if ((pa | size) & 0xfff) throw new Error(`${name}: memory must be 4 KB aligned`);
    if (this.used + size > this.mem.u8.length) throw new Error(`${name}: backing store full`);
    const off = this.used;
    this.used += size;
    this.aliasMemory(name, pa, size, off, writable);
    return off;
  }

  /** Maps `size` bytes at `pa` onto existing backing store at host offset `off`. */
  aliasMemory(name: string, pa: number, size: number, off: number, writable: boolean): void {
    for (let p = 0; p < size; p += 4096) this.checkFree(name, (pa + p) >>> PAGE_SHIFT);
    for (let p = 0; p < size; p += 4096) {
      const ppn = (pa + p) >>> PAGE_SHIFT;
      this.pageOff[ppn] = off + p;
      this.pageFlags[ppn] = writable ? 1 : 0;
    }
    this.memRegions.push({ pa: pa >>> 0, size, off, writable, name });
    this.mapChanged();
  }

  /** Maps a device on [base, base+size). Regions in one page must not overlap. */
  map(name: string, base: number, size: number, dev: MmioDevice): void {
    base >>>= 0;
    const end = base + size;
    if (size <= 0 || end > 0x1_0000_0000) throw new Error(`${name}: bad range`);
    for (let ppn = base >>> PAGE_SHIFT; ppn <= (end - 1) >>> PAGE_SHIFT; ppn++) {
      if (this.pageOff[ppn] !== -1) throw new Error(`${name}: overlaps memory at page 0x${(ppn << 12 >>> 0).toString(16)}`);
      const list = this.mmio.get(ppn) ?? [];
      for (const r of list) {
        if (base < r.end && r.base < end) {
          throw new Error(`${name} [0x${hex(base)}-0x${hex(end - 1)}] overlaps ${r.name} [0x${hex(r.base)}-0x${hex(r.end - 1)}]`);
        }
      }
      list.push({ base, end, name, dev });
      this.mmio.set(ppn, list);
    }
    this.mapChanged();
  }

  /** Marks pages as guarded: every access to them goes through `guard`. */
  setGuarded(pa: number, size: number, guarded: boolean): void {
    for (let p = 0; p < size; p += 4096) {
      const ppn = (pa + p) >>> PAGE_SHIFT;
      this.pageFlags[ppn] = guarded ? this.pageFlags[ppn]! | 2 : this.pageFlags[ppn]! & ~2;
    }
    this.mapChanged();
  }

  /**
   * Marks pages as checked: slow-path accesses to them (DMA, MMIO) go through `guard`, while the
   * core keeps its fast path. For restrictions that do not apply to the CPU. Does not change the
   * page map the core caches, so it notifies nobody.
   */
  setChecked(pa: number, size: number, checked: boolean): void {
    for (let p = 0; p < size; p += 4096) {
      const ppn = (pa + p) >>> PAGE_SHIFT;
      this.pageFlags[ppn] = checked ? this.pageFlags[ppn]! | 4 : this.pageFlags[ppn]! & ~4;
    }
  }

  /** Host offset of physical address `pa` if it is plain memory, else -1. */
  hostOffset(pa: number): number {
    const base = this.pageOff[pa >>> PAGE_SHIFT]!;
    return base < 0 ? -1 : base + (pa & 0xfff);
  }

  /** Name of what answers at `pa`, for diagnostics. */
  describe(pa: number): string {
    pa >>>= 0;
    for (const r of this.memRegions) if (pa >= r.pa && pa < r.pa + r.size) return r.name;
    for (const r of this.mmio.get(pa >>> PAGE_SHIFT) ?? []) if (pa >= r.base && pa < r.end) return r.name;
    return 'nothing';
  }

  /** A bus port for one initiator, as the core or a DMA engine sees it. */
  port(initiator: Initiator): BusPort {
    return new BusPort(this, initiator);
  }

  /** Loads through the slow path; returns -1 (as a sentinel) when nothing answers or refused. */
  load(initiator: Initiator, pa: number, size: AccessSize): number | undefined {
    pa >>>= 0;
    const ppn = pa >>> PAGE_SHIFT;
    if (this.pageFlags[ppn]! & 6 && this.guard !== null && !this.guard(initiator, pa, false)) return undefined;
    const base = this.pageOff[ppn]!;
    if (base >= 0) return readMem(this.mem, base + (pa & 0xfff), size);
    const r = this.findMmio(pa);
    if (r === null) {
      if (this.onUnmapped !== null) this.onUnmapped(initiator, pa, false, size, 0);
      return undefined;
    }
    return r.dev.read(pa - r.base, size) >>> 0;
  }

  /** Stores through the slow path; returns false when nothing answers or refused. */
  store(initiator: Initiator, pa: number, size: AccessSize, value: number): boolean {
    pa >>>= 0;
    const ppn = pa >>> PAGE_SHIFT;
    if (this.pageFlags[ppn]! & 6 && this.guard !== null && !this.guard(initiator, pa, true)) return false;
    const base = this.pageOff[ppn]!;
    if (base >= 0) {
      // Flash ignores plain stores; it is programmed through the NVM controller.
      if ((this.pageFlags[ppn]! & 1) === 0) return true;
      const off = base + (pa & 0xfff);
      writeMem(this.mem, off, size, value);
      this.memWritten(off, size);
      return true;
    }
    const r = this.findMmio(pa);
    if (r === null) {
      if (this.onUnmapped !== null) this.onUnmapped(initiator, pa, true, size, value);
      return false;
    }
    r.dev.write(pa - r.base, value, size);
    return true;
  }

  /** Plain-memory page base for the core's fast path (see Bus.pageBase). */
  pageBase(ppn: number, write: boolean): number {
    const f = this.pageFlags[ppn]!;
    if (f & 2) return -1;
    if (write && (f & 1) === 0) return -1;
    return this.pageOff[ppn]!;
  }

  /** Tells listeners that memory changed without going through the core (DMA, NVM, loaders). */
  memWritten(off: number, len: number): void {
    for (const l of this.writeListeners) l(off, len);
  }

  addMapListener(l: () => void): void {
    this.mapListeners.push(l);
  }

  addWriteListener(l: (off: number, len: number) => void): void {
    this.writeListeners.push(l);
  }

  /** Copies bytes into plain memory at physical `pa`, e.g. from a loader. Returns false if not memory. */
  poke(pa: number, bytes: Uint8Array): boolean {
    for (let i = 0; i < bytes.length; ) {
      const off = this.hostOffset((pa + i) >>> 0);
      if (off < 0) return false;
      const n = Math.min(bytes.length - i, 4096 - ((pa + i) & 0xfff));
      this.mem.u8.set(bytes.subarray(i, i + n), off);
      this.memWritten(off, n);
      i += n;
    }
    return true;
  }

  private findMmio(pa: number): MmioRegion | null {
    const list = this.mmio.get(pa >>> PAGE_SHIFT);
    if (list === undefined) return null;
    for (const r of list) if (pa >= r.base && pa < r.end) return r;
    return null;
  }

  private checkFree(name: string, ppn: number): void {
    if (this.pageOff[ppn] !== -1 || this.mmio.has(ppn)) {
      throw new Error(`${name}: page 0x${hex(ppn << 12)} is already mapped`);
    }
  }

  private mapChanged(): void {
    for (const l of this.mapListeners) l();
  }
}

/** One initiator's view of the bus; this is the object the core holds. */
export class BusPort implements Bus {
  error = false;
  readonly mem: PhysMem;
  onMapChange: () => void = () => {};
  onMemWrite: (off: number, len: number) => void = () => {};

  constructor(
    private readonly bus: PhysBus,
    private readonly initiator: Initiator,
  ) {
    this.mem = bus.mem;
    bus.addMapListener(() => this.onMapChange());
    bus.addWriteListener((o, l) => this.onMemWrite(o, l));
  }

  pageBase(ppn: number, write: boolean): number {
    return this.bus.pageBase(ppn, write);
  }

  read(pa: number, size: AccessSize): number {
    const v = this.bus.load(this.initiator, pa, size);
    if (v === undefined) {
      this.error = true;
      return 0;
    }
    return v;
  }

  write(pa: number, size: AccessSize, value: number): void {
    if (!this.bus.store(this.initiator, pa, size, value)) this.error = true;
  }
}

export function readMem(m: PhysMem, off: number, size: AccessSize): number {
  if (size === 4) return (off & 3) === 0 ? m.i32[off >> 2]! >>> 0 : (m.u8[off]! | m.u8[off + 1]! << 8 | m.u8[off + 2]! << 16 | m.u8[off + 3]! << 24) >>> 0;
  if (size === 2) return m.u8[off]! | m.u8[off + 1]! << 8;
  return m.u8[off]!;
}

export function writeMem(m: PhysMem, off: number, size: AccessSize, v: number): void {
  m.u8[off] = v;
  if (size === 1) return;
  m.u8[off + 1] = v >>> 8;
  if (size === 2) return;
  m.u8[off + 2] = v >>> 16;
  m.u8[off + 3] = v >>> 24;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Declarative SFR register tables (pic32mz-ef.md §3). Every PIC32MZ device describes its
 * registers as a list of {offset, name, reset, writable mask, hooks, hasSetClrInv}; this file
 * implements, once for all devices, the +4 CLR / +8 SET / +C INV aliases, byte and halfword
 * lanes of 32-bit registers, reset values, PMD power-off (reads 0, writes ignored) and holes
 * (read 0, writes ignored, reported to the trace hook). Nothing here throws on a guest access.
 */
import type { AccessSize } from '../mips/bus.ts';
import type { MmioDevice } from './bus.ts';

/** Plain write to the register itself. */
export const OP_WRITE = 0;
/** Write to the +4 alias: clear the bits that are 1. */
export const OP_CLR = 1;
/** Write to the +8 alias: set the bits that are 1. */
export const OP_SET = 2;
/** Write to the +C alias: toggle the bits that are 1. */
export const OP_INV = 3;

/**
 * Called after a write has been applied to `r.value` (or, for `raw` registers, instead of it).
 * `data` is the written value moved to its byte lane; `lanes` says which bytes were written.
 */
export type WriteHook = (r: Reg, old: number, op: number, data: number, lanes: number) => void;
export type ReadHook = (r: Reg) => number;

/** One register in a device's table. */
export interface RegSpec {
  /** Byte offset inside the device block, a multiple of 4 (of 16 when it has aliases). */
  off: number;
  name: string;
  /** Datasheet reset value (default 0). */
  reset?: number;
  /** Bits software can change (default all). */
  wmask?: number;
  /** Has the CLR/SET/INV aliases at +4/+8/+C (default true). */
  sci?: boolean;
  /** Computes the value read (live status bits, counters, FIFO pops). */
  read?: ReadHook;
  /** Reacts to a write. */
  write?: WriteHook;
  /** False refuses the write (lock bits, SYSKEY); the write is then ignored. */
  canWrite?: () => boolean;
  /** The hook does all the work; the table does not store anything (TXREG, key registers). */
  raw?: boolean;
}

export class Reg {
  value: number;
  constructor(
    readonly name: string,
    readonly off: number,
    readonly reset: number,
    readonly wmask: number,
    readonly sci: boolean,
    readonly readHook: ReadHook | null,
    readonly writeHook: WriteHook | null,
    readonly canWrite: (() => boolean) | null,
    readonly raw: boolean,
  ) {
    this.value = reset;
  }
}

/** Where accesses to holes in the SFR space are reported, e.g. for `--trace unmapped`. */
export type SfrTraceHook = (pa: number, write: boolean, size: AccessSize, value: number) => void;

/** Shared by all register files of one SoC so the machine can install the hook later. */
export class SfrTrace {
  unmapped: SfrTraceHook | null = null;

  report(pa: number, write: boolean, size: AccessSize, value: number): void {
    if (this.unmapped !== null) this.unmapped(pa >>> 0, write, size, value >>> 0);
  }
}

const LANE_MASK = [0, 0xff, 0xffff, 0, 0xffffffff];

/** A device block built from a register table; it is the block's MmioDevice. */
export class RegFile implements MmioDevice {
  /** False while the module is disabled through PMD: reads 0, writes ignored. */
  powered = true;
  private readonly list: Reg[] = [];
  /** Per word offset: 0 = hole, else (register index << 2 | op) + 1. */
  private readonly slots: Int32Array;

  constructor(
    readonly name: string,
    /** Physical base address, used only in trace reports. */
    readonly base: number,
    readonly size: number,
    private readonly trace: SfrTrace,
  ) {
    this.slots = new Int32Array(size >>> 2);
  }

  /**
   * PMD: a module changing power state is reset first (`reset`, the device's own), then reads 0
   * and ignores writes while off. No change, no reset.
   */
  setPowered(on: boolean, reset: () => void): void {
    if (on === this.powered) return;
    reset();
    this.powered = on;
  }

  /** Adds a register; throws on a table mistake (overlap, misalignment), never at run time. */
  add(spec: RegSpec): Reg {
    const sci = spec.sci ?? true;
    if (spec.off & 3 || (sci && spec.off & 15) || spec.off + (sci ? 16 : 4) > this.size) {
      throw new Error(`${this.name}: bad offset 0x${spec.off.toString(16)} for ${spec.name}`);
    }
    const r = new Reg(spec.name, spec.off, (spec.reset ?? 0) >>> 0, (spec.wmask ?? 0xffffffff) >>> 0, sci,
      spec.read ?? null, spec.write ?? null, spec.canWrite ?? null, spec.raw ?? false);
    const index = this.list.length;
    for (let op = 0; op < (sci ? 4 : 1); op++) {
      const w = (spec.off >>> 2) + op;
      if (this.slots[w] !== 0) throw new Error(`${this.name}: ${spec.name} overlaps another register`);
      this.slots[w] = ((index << 2) | op) + 1;
    }
    this.list.push(r);
    return r;
  }

  /** All registers, in table order. */
  get registers(): readonly Reg[] {
    return this.list;
  }

  find(name: string): Reg | undefined {
    return this.list.find((r) => r.name === name);
  }

  /** Register name at `off` with its alias suffix (CLR/SET/INV), or null for a hole. */
  nameAt(off: number): string | null {
    const slot = off < this.size ? this.slots[off >>> 2]! : 0;
    if (slot === 0) return null;
    return this.list[(slot - 1) >>> 2]!.name + ['', 'CLR', 'SET', 'INV'][(slot - 1) & 3]!;
  }

  /** Puts every register back to its reset value. */
  reset(): void {
    for (const r of this.list) r.value = r.reset;
  }

  read(off: number, size: AccessSize): number {
    const slot = off < this.size ? this.slots[off >>> 2]! : 0;
    if (slot === 0) {
      this.trace.report(this.base + off, false, size, 0);
      return 0;
    }
    if (!this.powered) return 0;
    // Reads of the CLR/SET/INV aliases are undefined on silicon; they read 0 here.
    if (((slot - 1) & 3) !== OP_WRITE) return 0;
    const r = this.list[(slot - 1) >>> 2]!;
    const v = r.readHook !== null ? r.readHook(r) : r.value;
    if (size === 4) return v >>> 0;
    return (v >>> ((off & 3) << 3)) & LANE_MASK[size]!;
  }

  write(off: number, value: number, size: AccessSize): void {
    const slot = off < this.size ? this.slots[off >>> 2]! : 0;
    if (slot === 0) {
      this.trace.report(this.base + off, true, size, value);
      return;
    }
    if (!this.powered) return;
    const r = this.list[(slot - 1) >>> 2]!;
    if (r.canWrite !== null && !r.canWrite()) return;
    const op = (slot - 1) & 3;
    const shift = size === 4 ? 0 : (off & 3) << 3;
    const lanes = (LANE_MASK[size]! << shift) >>> 0;
    const data = ((value << shift) & lanes) >>> 0;
    const old = r.value;
    if (!r.raw) r.value = applyOp(old, op, data, r.wmask & lanes);
    if (r.writeHook !== null) r.writeHook(r, old, op, data, lanes);
  }
}

/** A block of SFR space with nothing modelled in it: reads 0, ignores writes, reports both. */
export class SfrHole implements MmioDevice {
  constructor(
    private readonly base: number,
    private readonly trace: SfrTrace,
  ) {}

  read(off: number, size: AccessSize): number {
    this.trace.report(this.base + off, false, size, 0);
    return 0;
  }

  write(off: number, value: number, size: AccessSize): void {
    this.trace.report(this.base + off, true, size, value);
  }
}

/** The value a write of `data` with `op` makes of `old`, changing only the bits in `mask`. */
export function applyOp(old: number, op: number, data: number, mask: number): number {
  let next: number;
  if (op === OP_WRITE) next = (old & ~mask) | (data & mask);
  else if (op === OP_CLR) next = old & ~(data & mask);
  else if (op === OP_SET) next = old | (data & mask);
  else next = old ^ (data & mask);
  return next >>> 0;
}

/** Returns the bits of `v` in the field [hi:lo]. */
export function field(v: number, hi: number, lo: number): number {
  return (v >>> lo) & (0xffffffff >>> (31 - hi + lo));
}

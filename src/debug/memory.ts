/**
 * Debugger view of memory: virtual addresses of the executing context translated the way the
 * core would (segments, root TLB, guest TLB then root stage 2; spec/mips-vz-m5150.md §4), but
 * with no side effect at all: no exception, no TLB or cache fill, no device access. Only plain
 * memory (RAM, flash) is reachable; MMIO reads would disturb devices (FIFOs, flags), so they
 * fail like unmapped addresses.
 */
import type { Cpu } from '../mips/cpu.ts';
import { C0, LO_V, ST_ERL } from '../mips/cp0.ts';
import type { PhysBus } from '../soc/bus.ts';

/** The debugger may not read device registers (reads can have side effects). */
export const DEBUG_READS_MMIO = false;

/** Physical address of virtual `va` in the executing context, or null if it is not mapped. */
export function translateNoFault(cpu: Cpu, va: number): number | null {
  va |= 0;
  if (!cpu.guest) return stage1(va, cpu.cp0[C0.STATUS]!, (v) => tlbLookup(cpu, false, v, cpu.cp0[C0.ENTRYHI]! & 0xff, 0));
  const gid = cpu.cp0[C0.GUESTCTL1]! & 0xff;
  const gpa = stage1(va, cpu.gcp0[C0.STATUS]!, (v) => tlbLookup(cpu, true, v, cpu.gcp0[C0.ENTRYHI]! & 0xff, gid));
  if (gpa === null) return null;
  return tlbLookup(cpu, false, gpa | 0, cpu.cp0[C0.ENTRYHI]! & 0xff, gid);
}

/** Segment decode (kernel view: a debugger sees every segment). */
function stage1(va: number, status: number, mapped: (va: number) => number | null): number | null {
  if (va < 0 && va < (0xc0000000 | 0)) return va & 0x1fffffff; // kseg0, kseg1
  if (va >= 0 && (status & ST_ERL) !== 0) return va; // kuseg unmapped while ERL=1
  return mapped(va);
}

function tlbLookup(cpu: Cpu, guestTlb: boolean, va: number, asid: number, gid: number): number | null {
  const t = guestTlb ? cpu.gtlb : cpu.tlb;
  const i = t.lookup(va, asid, gid);
  if (i < 0) return null;
  const lo = t.entryLo(i, va);
  if ((lo & LO_V) === 0) return null;
  return t.physical(i, lo, va);
}

/** Side-effect-free access to a machine's memory through its virtual addresses. */
export class DebugMemory {
  constructor(
    private readonly cpu: Cpu,
    private readonly bus: PhysBus,
  ) {}

  /** Host offset of the byte at `va`, or -1 when it is not plain memory. */
  private offset(va: number): number {
    const pa = translateNoFault(this.cpu, va);
    if (pa === null) return -1;
    return this.bus.hostOffset(pa >>> 0);
  }

  /** Reads `len` bytes at `va`; null if any byte is unreachable. */
  read(va: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    const u8 = this.cpu.mem.u8;
    for (let i = 0; i < len; i++) {
      const off = this.offset((va + i) | 0);
      if (off < 0) return null;
      out[i] = u8[off]!;
    }
    return out;
  }

  /**
   * Writes bytes at `va` (breakpoint-free debugging never patches code, but the user may
   * change data or code); flash is written too, as a debugger probe would. Returns false,
   * writing nothing, if any byte is unreachable.
   */
  write(va: number, bytes: Uint8Array): boolean {
    const offs: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const off = this.offset((va + i) | 0);
      if (off < 0) return false;
      offs.push(off);
    }
    const u8 = this.cpu.mem.u8;
    for (let i = 0; i < bytes.length; i++) u8[offs[i]!] = bytes[i]!;
    // Tell the core (decode and translation caches) and everyone else that memory changed.
    for (let i = 0; i < offs.length;) {
      let j = i + 1;
      while (j < offs.length && offs[j] === offs[j - 1]! + 1) j++;
      this.bus.memWritten(offs[i]!, j - i);
      i = j;
    }
    return true;
  }

  /** The 32-bit word at `va` (little-endian), or null. */
  word(va: number): number | null {
    const b = this.read(va, 4);
    return b === null ? null : (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24));
  }
}

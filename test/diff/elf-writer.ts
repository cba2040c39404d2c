/**
 * A tiny ELF32 little-endian MIPS executable writer (System V gABI ELF header and program
 * headers; MIPS psABI e_flags), just enough for qemu-mipsel to load a static o32 program: one
 * PT_LOAD per segment, no sections, no symbols.
 */

export interface Segment {
  vaddr: number;
  data: Uint8Array;
  /** p_flags: R=4, W=2, X=1. */
  flags: number;
}

const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const PAGE = 0x1000;
const EM_MIPS = 8;
const ET_EXEC = 2;
const PT_LOAD = 1;
/** EF_MIPS_ARCH_32R2 | EF_MIPS_ABI_O32 | EF_MIPS_NOREORDER. */
const E_FLAGS = 0x70000000 | 0x00001000 | 0x00000001;

export function writeElf(entry: number, segments: readonly Segment[]): Uint8Array {
  // Each segment's file offset is congruent to its address modulo the page size.
  let off = EHDR_SIZE + PHDR_SIZE * segments.length;
  const offsets = segments.map((s) => {
    if ((s.vaddr & (PAGE - 1)) !== 0) throw new Error('elf-writer: segment address not page aligned');
    off = Math.ceil(off / PAGE) * PAGE;
    const o = off;
    off += s.data.length;
    return o;
  });
  const out = new Uint8Array(off);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]); // ELFCLASS32, ELFDATA2LSB, EV_CURRENT, SYSV
  dv.setUint16(16, ET_EXEC, true);
  dv.setUint16(18, EM_MIPS, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(24, entry >>> 0, true);
  dv.setUint32(28, EHDR_SIZE, true); // e_phoff
  dv.setUint32(32, 0, true); // e_shoff
  dv.setUint32(36, E_FLAGS >>> 0, true);
  dv.setUint16(40, EHDR_SIZE, true);
  dv.setUint16(42, PHDR_SIZE, true);
  dv.setUint16(44, segments.length, true);
  dv.setUint16(46, 40, true); // e_shentsize
  segments.forEach((s, k) => {
    const p = EHDR_SIZE + PHDR_SIZE * k;
    dv.setUint32(p, PT_LOAD, true);
    dv.setUint32(p + 4, offsets[k]!, true);
    dv.setUint32(p + 8, s.vaddr >>> 0, true);
    dv.setUint32(p + 12, s.vaddr >>> 0, true);
    dv.setUint32(p + 16, s.data.length, true);
    dv.setUint32(p + 20, s.data.length, true);
    dv.setUint32(p + 24, s.flags, true);
    dv.setUint32(p + 28, PAGE, true);
    out.set(s.data, offsets[k]!);
  });
  return out;
}

/**
 * The maps phase (tinyvp-config-tool.md §2): a guest ELF's program headers become a `.map`
 * file, which the config parser reads inline at the `elf =` line. Layout as the original:
 * tab-indented `entry`, `.mmap`, region lines, closing `.`; addresses printed like readelf.
 *
 * Decision (fixes the original's silent drops, §2.2/§2.4): all non-writable PT_LOAD segments
 * are merged into one `rom` that also covers the flash image (LMA) of initialised data, and
 * all writable ones into one `ram`, because only the last rom and ram of a VM are kept.
 */
import type { ElfImage } from '../image/elf.ts';
import { PF_W, PF_X } from '../image/elf.ts';

/** Alignment written for every extracted region (the ELF alignment is ignored, §2.2). */
export const MAP_ALIGN = 4096;

interface Span {
  lo: number;
  hi: number;
  exec: boolean;
}

function grow(s: Span | null, lo: number, hi: number, exec: boolean): Span {
  if (s === null) return { lo, hi, exec };
  return { lo: Math.min(s.lo, lo), hi: Math.max(s.hi, hi), exec: s.exec || exec };
}

const addrText = (n: number): string => '0x' + n.toString(16).padStart(8, '0');
const sizeText = (n: number): string => '0x' + n.toString(16).padStart(5, '0');

/** The .map text for an ELF (what `tinyvp maps` writes). */
export function elfToMapText(elf: ElfImage): string {
  let rom: Span | null = null;
  let ram: Span | null = null;
  for (const seg of elf.segments) {
    const exec = (seg.flags & PF_X) !== 0;
    if (seg.flags & PF_W) {
      if (seg.memSize > 0) ram = grow(ram, seg.vaddr, seg.vaddr + seg.memSize, exec);
      // Initialised data linked `> ram AT > flash`: its image lives in ROM.
      if (seg.data.length > 0 && seg.paddr !== seg.vaddr) rom = grow(rom, seg.paddr, seg.paddr + seg.data.length, false);
    } else if (seg.memSize > 0) {
      rom = grow(rom, seg.vaddr, seg.vaddr + seg.memSize, exec);
    }
  }
  const lines = [`\tentry = 0x${elf.entry.toString(16)}`];
  if (rom || ram) {
    lines.push('\t.mmap');
    if (rom) lines.push(`\t\trom = ${addrText(rom.lo)} ${sizeText(rom.hi - rom.lo)} ${rom.exec ? 'rx' : 'r'} ${MAP_ALIGN}`);
    if (ram) lines.push(`\t\tram = ${addrText(ram.lo)} ${sizeText(ram.hi - ram.lo)} ${ram.exec ? 'rwx' : 'rw'} ${MAP_ALIGN}`);
    lines.push('\t.');
  }
  return lines.join('\n') + '\n';
}

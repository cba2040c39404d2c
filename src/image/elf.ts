/**
 * ELF32 little-endian MIPS executable reader (System V gABI, ELF header, program and section
 * headers, symbol table; MIPS psABI for EM_MIPS). DESIGN.md "image/". Used by the config tool
 * (map extraction, tinyvp-config-tool.md §2.2) and by the machine loader (`tinyvp run x.elf`).
 *
 * Every malformed input ends in a UserError naming the field at fault; bounds are checked
 * before each read, so no RangeError can escape from the DataView.
 */
import { UserError } from '../sim/errors.ts';

/** Segment permission bits (p_flags). */
export const PF_X = 1, PF_W = 2, PF_R = 4;

/** One PT_LOAD program header with its file contents. */
export interface ElfSegment {
  vaddr: number;
  paddr: number;
  offset: number;
  /** The p_filesz bytes at p_offset (a copy, independent of the input buffer). */
  data: Uint8Array;
  memSize: number;
  flags: number;
  align: number;
}

/** One section header; `name` is resolved through e_shstrndx ('' when there is none). */
export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export interface ElfImage {
  entry: number;
  /** e_flags (MIPS ABI and architecture bits). */
  flags: number;
  /** PT_LOAD segments only, in program header order. */
  segments: ElfSegment[];
  /** Every section header, index-aligned with the file (index 0 is the null section). */
  sections: ElfSection[];
  /** Defined symbols from .symtab, name to st_value. */
  symbols: Map<string, number>;
}

const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
const SYM_SIZE = 16;

const ELFCLASS32 = 1, ELFCLASS64 = 2;
const ELFDATA2LSB = 1, ELFDATA2MSB = 2;
const EV_CURRENT = 1;
const ET_EXEC = 2;
const EM_MIPS = 8;
const PT_LOAD = 1;
const SHT_NULL = 0, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8;
const STT_SECTION = 3, STT_FILE = 4;
const STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
/** Section indices from here up are reserved (ABS, COMMON, MIPS-specific, XINDEX). */
const SHN_LORESERVE = 0xff00;
const SHN_UNDEF = 0;
/** MIPS psABI: "undefined" small-data symbol; it has no definition either. */
const SHN_MIPS_SUNDEFINED = 0xff04;
/** e_phnum / e_shstrndx escape values: the real value sits in section header 0. */
const PN_XNUM = 0xffff;
const SHN_XINDEX = 0xffff;

const ET_NAMES: Record<number, string> = { 0: 'ET_NONE', 1: 'ET_REL (an object file, not linked)', 3: 'ET_DYN (shared object or PIE)', 4: 'ET_CORE (a core dump)' };

/**
 * Decision: a duplicate symbol name resolves to the strongest binding (GLOBAL > WEAK > LOCAL);
 * among equals the first in the table wins. Static functions with the same name in two objects
 * must not shadow the global one a user asks for.
 */
const BIND_RANK: Record<number, number> = { [STB_GLOBAL]: 3, [STB_WEAK]: 2, [STB_LOCAL]: 1 };

const hex = (n: number): string => '0x' + n.toString(16);
const decoder = new TextDecoder('utf-8');

/** True when `bytes` starts with the ELF magic (\x7fELF). */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/**
 * Bytes of a PT_LOAD segment that a loader writes at p_paddr. The bss tail (p_memsz beyond
 * p_filesz) is counted only when p_paddr = p_vaddr. Decision: when they differ the segment is
 * a ROM copy (e.g. .data linked `> ram AT > flash`) and its bss belongs at the run address,
 * which the startup code clears; zeros after the LMA would overwrite whatever follows in flash.
 */
export function segmentLoadSize(seg: ElfSegment): number {
  return seg.paddr === seg.vaddr ? seg.memSize : seg.data.length;
}

/** Reads and validates an ELF32 LE MIPS executable; `file` names it in errors. */
export function parseElf(bytes: Uint8Array, file: string): ElfImage {
  return new ElfReader(bytes, file).read();
}

class ElfReader {
  private readonly view: DataView;
  private readonly size: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = bytes.length;
  }

  read(): ElfImage {
    const { view } = this;
    this.checkIdent();
    const type = view.getUint16(16, true);
    const machine = view.getUint16(18, true);
    const version = view.getUint32(20, true);
    const entry = view.getUint32(24, true);
    const phoff = view.getUint32(28, true);
    const shoff = view.getUint32(32, true);
    const flags = view.getUint32(36, true);
    const ehsize = view.getUint16(40, true);
    const phentsize = view.getUint16(42, true);
    let phnum = view.getUint16(44, true);
    const shentsize = view.getUint16(46, true);
    let shnum = view.getUint16(48, true);
    let shstrndx = view.getUint16(50, true);

    if (machine !== EM_MIPS) this.fail(`ELF is for machine ${machine}, not MIPS (EM_MIPS = ${EM_MIPS})`);
    if (type !== ET_EXEC) this.fail(`ELF type is ${ET_NAMES[type] ?? type}; tinyvp needs a linked executable (ET_EXEC)`);
    if (version !== EV_CURRENT) this.fail(`ELF header version is ${version}, expected ${EV_CURRENT}`);
    if (ehsize < EHDR_SIZE) this.fail(`ELF header size e_ehsize is ${ehsize}, expected at least ${EHDR_SIZE}`);
    if (ehsize > this.size) this.fail(`ELF header size e_ehsize (${ehsize}) is larger than the file (${this.size} bytes)`);

    // Section header 0 holds the real counts when they do not fit the 16-bit fields.
    if (shoff !== 0) {
      if (shentsize !== SHDR_SIZE) this.fail(`section header size e_shentsize is ${shentsize}, expected ${SHDR_SIZE}`);
      this.checkRange(`section header table`, shoff, SHDR_SIZE);
      if (shnum === 0) shnum = view.getUint32(shoff + 20, true);
      if (shstrndx === SHN_XINDEX) shstrndx = view.getUint32(shoff + 24, true);
      if (phnum === PN_XNUM) phnum = view.getUint32(shoff + 28, true);
      this.checkRange(`section header table (${shnum} entries)`, shoff, shnum * SHDR_SIZE);
    } else {
      if (shnum !== 0) this.fail(`ELF has e_shnum = ${shnum} but no section header table (e_shoff = 0)`);
      shstrndx = 0;
    }
    if (phnum > 0) {
      if (phentsize !== PHDR_SIZE) this.fail(`program header size e_phentsize is ${phentsize}, expected ${PHDR_SIZE}`);
      if (phoff === 0) this.fail(`ELF has ${phnum} program headers but no table (e_phoff = 0)`);
      this.checkRange(`program header table (${phnum} entries)`, phoff, phnum * PHDR_SIZE);
    }

    const segments = this.readSegments(phoff, phnum);
    const sections = this.readSections(shoff, shnum, shstrndx);
    const symbols = this.readSymbols(shoff, sections);
    return { entry, flags, segments, sections, symbols };
  }

  private checkIdent(): void {
    const b = this.bytes;
    if (!isElf(b)) this.fail('not an ELF file (no \\x7fELF magic)');
    if (this.size < EHDR_SIZE) this.fail(`truncated ELF header (${this.size} bytes, need ${EHDR_SIZE})`);
    const cls = b[4], data = b[5], ver = b[6];
    if (cls === ELFCLASS64) this.fail('ELF is 64-bit (ELFCLASS64); tinyvp needs a 32-bit MIPS executable');
    if (cls !== ELFCLASS32) this.fail(`ELF class byte is ${cls}, expected ${ELFCLASS32} (32-bit)`);
    if (data === ELFDATA2MSB) this.fail('ELF is big-endian; tinyvp needs little-endian MIPS');
    if (data !== ELFDATA2LSB) this.fail(`ELF data encoding byte is ${data}, expected ${ELFDATA2LSB} (little-endian)`);
    if (ver !== EV_CURRENT) this.fail(`ELF identification version is ${ver}, expected ${EV_CURRENT}`);
  }

  private readSegments(phoff: number, phnum: number): ElfSegment[] {
    const { view } = this;
    const segments: ElfSegment[] = [];
    const index: number[] = [];
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * PHDR_SIZE;
      if (view.getUint32(at, true) !== PT_LOAD) continue;
      const offset = view.getUint32(at + 4, true);
      const vaddr = view.getUint32(at + 8, true);
      const paddr = view.getUint32(at + 12, true);
      const filesz = view.getUint32(at + 16, true);
      const memSize = view.getUint32(at + 20, true);
      const flags = view.getUint32(at + 24, true);
      const align = view.getUint32(at + 28, true);
      const what = `program header ${i}`;
      if (filesz > memSize) this.fail(`${what}: p_filesz ${hex(filesz)} is larger than p_memsz ${hex(memSize)}`);
      if (filesz > 0 && offset + filesz > this.size) {
        this.fail(`${what} extends past end of file (offset ${hex(offset)} size ${hex(filesz)}, file is ${hex(this.size)} bytes)`);
      }
      if (align > 1 && (align & (align - 1)) !== 0) this.fail(`${what}: p_align ${hex(align)} is not a power of two`);
      if (vaddr + memSize > 2 ** 32) this.fail(`${what}: p_vaddr ${hex(vaddr)} + p_memsz ${hex(memSize)} wraps past the top of the 32-bit address space`);
      const data = this.bytes.slice(offset, offset + filesz);
      const seg: ElfSegment = { vaddr, paddr, offset, data, memSize, flags, align };
      if (paddr + segmentLoadSize(seg) > 2 ** 32) this.fail(`${what}: p_paddr ${hex(paddr)} + size ${hex(segmentLoadSize(seg))} wraps past the top of the 32-bit address space`);
      segments.push(seg);
      index.push(i);
    }
    this.checkOverlap(segments, index, 'p_vaddr', (s) => s.vaddr, (s) => s.memSize);
    this.checkOverlap(segments, index, 'p_paddr', (s) => s.paddr, segmentLoadSize);
    return segments;
  }

  /** Sort-and-scan so a file with thousands of headers stays O(n log n). */
  private checkOverlap(segs: ElfSegment[], index: number[], field: string, start: (s: ElfSegment) => number, len: (s: ElfSegment) => number): void {
    const order = segs.map((_, k) => k).filter((k) => len(segs[k]!) > 0);
    order.sort((a, b) => start(segs[a]!) - start(segs[b]!) || a - b);
    for (let k = 1; k < order.length; k++) {
      const a = segs[order[k - 1]!]!, b = segs[order[k]!]!;
      if (start(b) < start(a) + len(a)) {
        const [i, j] = [index[order[k - 1]!]!, index[order[k]!]!].sort((x, y) => x - y);
        this.fail(`PT_LOAD program headers ${i} and ${j} overlap at ${field} ` +
          `(${hex(start(a))}..${hex(start(a) + len(a))} and ${hex(start(b))}..${hex(start(b) + len(b))})`);
      }
    }
  }

  private readSections(shoff: number, shnum: number, shstrndx: number): ElfSection[] {
    const { view } = this;
    const sections: ElfSection[] = [];
    const nameOffsets: number[] = [];
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * SHDR_SIZE;
      const type = view.getUint32(at + 4, true);
      const sec: ElfSection = {
        name: '',
        type,
        flags: view.getUint32(at + 8, true),
        addr: view.getUint32(at + 12, true),
        offset: view.getUint32(at + 16, true),
        size: view.getUint32(at + 20, true),
      };
      if (type !== SHT_NULL && type !== SHT_NOBITS && sec.offset + sec.size > this.size) {
        this.fail(`section ${i} extends past end of file (offset ${hex(sec.offset)} size ${hex(sec.size)}, file is ${hex(this.size)} bytes)`);
      }
      sections.push(sec);
      nameOffsets.push(view.getUint32(at, true));
    }
    if (shstrndx === 0) return sections;
    const strtab = sections[shstrndx];
    if (strtab === undefined) this.fail(`section name table index e_shstrndx ${shstrndx} is out of range (${shnum} sections)`);
    if (strtab.type !== SHT_STRTAB) this.fail(`section name table (section ${shstrndx}) is not a string table (type ${strtab.type})`);
    for (let i = 0; i < shnum; i++) {
      sections[i]!.name = this.string(strtab, nameOffsets[i]!, `name of section ${i}`);
    }
    return sections;
  }

  private readSymbols(shoff: number, sections: ElfSection[]): Map<string, number> {
    const symbols = new Map<string, number>();
    const rank = new Map<string, number>();
    const symIndex = sections.findIndex((s) => s.type === SHT_SYMTAB);
    if (symIndex < 0) return symbols;
    const symtab = sections[symIndex]!;
    const what = `symbol table (section ${symIndex})`;
    const entsize = this.view.getUint32(shoff + symIndex * SHDR_SIZE + 36, true);
    const link = this.view.getUint32(shoff + symIndex * SHDR_SIZE + 24, true);
    if (entsize !== SYM_SIZE) this.fail(`${what} has entry size ${entsize}, expected ${SYM_SIZE}`);
    if (symtab.size % SYM_SIZE !== 0) this.fail(`${what} size ${hex(symtab.size)} is not a multiple of ${SYM_SIZE}`);
    const strtab = sections[link];
    if (link === 0 || strtab === undefined) this.fail(`${what} links to string table section ${link}, which does not exist`);
    if (strtab.type !== SHT_STRTAB) this.fail(`${what} links to section ${link}, which is not a string table (type ${strtab.type})`);
    for (let i = 1; i < symtab.size / SYM_SIZE; i++) {
      const at = symtab.offset + i * SYM_SIZE;
      const nameOff = this.view.getUint32(at, true);
      const value = this.view.getUint32(at + 4, true);
      const info = this.bytes[at + 12]!;
      const shndx = this.view.getUint16(at + 14, true);
      if (shndx === SHN_UNDEF || shndx === SHN_MIPS_SUNDEFINED) continue;
      if (shndx < SHN_LORESERVE && shndx >= sections.length) {
        this.fail(`symbol ${i} refers to section ${shndx}, but there are only ${sections.length} sections`);
      }
      const stType = info & 0xf;
      if (stType === STT_SECTION || stType === STT_FILE) continue;
      const name = this.string(strtab, nameOff, `name of symbol ${i}`);
      if (name === '') continue;
      const r = BIND_RANK[info >> 4] ?? 0;
      if ((rank.get(name) ?? -1) >= r) continue;
      symbols.set(name, value);
      rank.set(name, r);
    }
    return symbols;
  }

  /** A NUL-terminated string inside a string table section. */
  private string(table: ElfSection, off: number, what: string): string {
    if (off >= table.size) this.fail(`${what}: string offset ${hex(off)} is outside its string table (size ${hex(table.size)})`);
    const start = table.offset + off, end = table.offset + table.size;
    const nul = this.bytes.subarray(start, end).indexOf(0);
    if (nul < 0) this.fail(`${what}: string at offset ${hex(off)} is not NUL-terminated inside its string table`);
    return decoder.decode(this.bytes.subarray(start, start + nul));
  }

  private checkRange(what: string, off: number, len: number): void {
    if (off + len > this.size) this.fail(`${what} extends past end of file (offset ${hex(off)} size ${hex(len)}, file is ${hex(this.size)} bytes)`);
  }

  private fail(message: string): never {
    throw new UserError(message, this.file);
  }
}

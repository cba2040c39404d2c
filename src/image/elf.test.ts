import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isElf, parseElf, PF_R, PF_W, PF_X, segmentLoadSize } from './elf.ts';
import { buildElf, mutate, parsesOrUserError, rng, userError, type TestElf } from './test-helpers.ts';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const simple: TestElf = {
  entry: 0x9d000000,
  segments: [
    { vaddr: 0x9d000000, data: bytes(1, 2, 3, 4, 5, 6, 7, 8), flags: PF_R | PF_X },
    { vaddr: 0x80000000, paddr: 0x9d000008, data: bytes(9, 10), memSize: 0x20, flags: PF_R | PF_W },
  ],
  symbols: [{ name: 'main', value: 0x9d000000 }, { name: 'data', value: 0x80000000, shndx: 2 }],
};

function patch(b: Uint8Array, off: number, value: number, width: 1 | 2 | 4): Uint8Array {
  const out = b.slice();
  const v = new DataView(out.buffer);
  if (width === 1) out[off] = value;
  else if (width === 2) v.setUint16(off, value, true);
  else v.setUint32(off, value >>> 0, true);
  return out;
}

describe('parseElf on a gcc-built fixture', () => {
  const elf = parseElf(fixture('tiny.elf'), 'tiny.elf');

  it('reads entry, flags and PT_LOAD segments as readelf shows them', () => {
    expect(elf.entry).toBe(0x9fc00000);
    expect(elf.flags).toBe(0x70001001);
    expect(elf.segments.map(({ vaddr, paddr, offset, memSize, flags, align, data }) => ({ vaddr, paddr, offset, memSize, flags, align, filesz: data.length }))).toEqual([
      { vaddr: 0x9fc00000, paddr: 0x9fc00000, offset: 0x80, memSize: 0x20, flags: PF_R | PF_X, align: 0x10, filesz: 0x20 },
      { vaddr: 0x80000000, paddr: 0x9fc00020, offset: 0xa0, memSize: 0x50, flags: PF_R | PF_W, align: 0x10, filesz: 0x10 },
    ]);
    // .data: counter = 0x12345678, then "tinyvp\0".
    expect([...elf.segments[1]!.data.subarray(0, 11)]).toEqual([0x78, 0x56, 0x34, 0x12, ...Buffer.from('tinyvp'), 0]);
  });

  it('names sections and collects defined symbols, skipping section and file symbols', () => {
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.data', '.bss', '.symtab', '.strtab', '.shstrtab']);
    expect(elf.sections[3]).toMatchObject({ type: 8, addr: 0x80000010, size: 0x40 });
    expect(Object.fromEntries(elf.symbols)).toEqual({ _start: 0x9fc00000, counter: 0x80000000, message: 0x80000004, buffer: 0x80000010 });
  });

  it('counts the bss tail only for segments loaded at their run address', () => {
    expect(elf.segments.map(segmentLoadSize)).toEqual([0x20, 0x10]);
  });
});

describe('parseElf on built images', () => {
  it('round-trips what the builder wrote, with unsigned addresses', () => {
    const elf = parseElf(buildElf({ ...simple, entry: 0xbfc00000 }).bytes, 'a.elf');
    expect(elf.entry).toBe(0xbfc00000);
    expect(elf.segments[1]).toMatchObject({ vaddr: 0x80000000, paddr: 0x9d000008, memSize: 0x20 });
    expect(elf.symbols.get('data')).toBe(0x80000000);
  });

  it('accepts a subarray with a nonzero byteOffset', () => {
    const { bytes: b } = buildElf(simple);
    const big = new Uint8Array(b.length + 7);
    big.set(b, 7);
    expect(parseElf(big.subarray(7), 'a.elf').symbols.get('main')).toBe(0x9d000000);
  });

  it('copies segment data so later edits of the input do not leak in', () => {
    const { bytes: b } = buildElf(simple);
    const elf = parseElf(b, 'a.elf');
    b.fill(0);
    expect(elf.segments[0]!.data[0]).toBe(1);
  });

  it('keeps only PT_LOAD segments, and ignores empty ones in the overlap check', () => {
    const elf = parseElf(buildElf({
      segments: [
        { vaddr: 0x1000, data: bytes(1, 2, 3, 4) },
        { vaddr: 0x1000, data: bytes(1, 2, 3, 4), type: 0x70000003 /* PT_MIPS_ABIFLAGS */ },
        { vaddr: 0x1002, data: bytes() },
      ],
    }).bytes, 'a.elf');
    expect(elf.segments.map((s) => s.vaddr)).toEqual([0x1000, 0x1002]);
  });

  it('prefers a global symbol over a local one with the same name', () => {
    const elf = parseElf(buildElf({
      segments: simple.segments,
      symbols: [
        { name: 'x', value: 1, bind: 0 },
        { name: 'x', value: 2, bind: 1 },
        { name: 'x', value: 3, bind: 0 },
        { name: 'undef', value: 4, shndx: 0 },
        { name: 'abs', value: 5, shndx: 0xfff1 },
      ],
    }).bytes, 'a.elf');
    expect(Object.fromEntries(elf.symbols)).toEqual({ x: 2, abs: 5 });
  });

  it('reads extended section numbering (e_shnum = 0, count in section header 0)', () => {
    const l = buildElf(simple);
    let b = patch(l.bytes, 48, 0, 2);
    b = patch(b, l.shoff + 20, l.shnum, 4);
    expect(parseElf(b, 'a.elf').sections).toHaveLength(l.shnum);
  });

  it('isElf looks at the magic only', () => {
    expect(isElf(bytes(0x7f, 0x45, 0x4c, 0x46))).toBe(true);
    expect(isElf(bytes(0x7f, 0x45, 0x4c))).toBe(false);
    expect(isElf(new TextEncoder().encode('S00600004844521B'))).toBe(false);
  });
});

describe('parseElf errors', () => {
  const good = buildElf(simple);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /^not an ELF file/],
    ['bad magic', patch(good.bytes, 1, 0x46, 1), /^not an ELF file/],
    ['truncated header', good.bytes.slice(0, 40), /truncated ELF header \(40 bytes, need 52\)/],
    ['64-bit', patch(good.bytes, 4, 2, 1), /64-bit/],
    ['bad class', patch(good.bytes, 4, 7, 1), /class byte is 7/],
    ['big-endian', patch(good.bytes, 5, 2, 1), /^ELF is big-endian; tinyvp needs little-endian MIPS$/],
    ['bad data byte', patch(good.bytes, 5, 0, 1), /data encoding byte is 0/],
    ['ident version', patch(good.bytes, 6, 0, 1), /identification version is 0/],
    ['not MIPS', patch(good.bytes, 18, 40, 2), /machine 40, not MIPS/],
    ['relocatable', patch(good.bytes, 16, 1, 2), /ET_REL .*needs a linked executable \(ET_EXEC\)/],
    ['shared/PIE', patch(good.bytes, 16, 3, 2), /ET_DYN/],
    ['header version', patch(good.bytes, 20, 2, 4), /header version is 2/],
    ['ehsize', patch(good.bytes, 40, 20, 2), /e_ehsize is 20/],
    ['phentsize', patch(good.bytes, 42, 56, 2), /e_phentsize is 56, expected 32/],
    ['shentsize', patch(good.bytes, 46, 64, 2), /e_shentsize is 64, expected 40/],
    ['phnum huge', patch(good.bytes, 44, 0xfff0, 2), /program header table \(65520 entries\) extends past end of file/],
    ['phoff past end', patch(good.bytes, 28, 0xfffffff0, 4), /program header table .* extends past end of file \(offset 0xfffffff0/],
    ['phoff zero', patch(good.bytes, 28, 0, 4), /no table \(e_phoff = 0\)/],
    ['shoff past end', patch(good.bytes, 32, good.bytes.length - 8, 4), /section header table extends past end of file/],
    ['shnum without table', patch(patch(good.bytes, 32, 0, 4), 48, 3, 2), /e_shnum = 3 but no section header table/],
    ['segment past end', patch(good.bytes, good.phoff + 32 + 4, good.bytes.length - 1, 4),
      new RegExp(`^program header 1 extends past end of file \\(offset 0x${(good.bytes.length - 1).toString(16)} size 0x2, file is 0x${good.bytes.length.toString(16)} bytes\\)$`)],
    ['filesz > memsz', patch(good.bytes, good.phoff + 20, 4, 4), /program header 0: p_filesz 0x8 is larger than p_memsz 0x4/],
    ['align', patch(good.bytes, good.phoff + 28, 12, 4), /p_align 0xc is not a power of two/],
    ['vaddr wrap', patch(good.bytes, good.phoff + 8, 0xfffffffc, 4), /p_vaddr 0xfffffffc \+ p_memsz 0x8 wraps/],
    ['vaddr overlap', patch(good.bytes, good.phoff + 32 + 8, 0x9d000004, 4), /PT_LOAD program headers 0 and 1 overlap at p_vaddr \(0x9d000000\.\.0x9d000008 and 0x9d000004\.\.0x9d000024\)/],
    ['paddr overlap', patch(good.bytes, good.phoff + 32 + 12, 0x9d000007, 4), /program headers 0 and 1 overlap at p_paddr/],
    ['section past end', patch(good.bytes, good.shoff + 40 + 20, 0x100000, 4), /^section 1 extends past end of file/],
    ['shstrndx range', patch(good.bytes, 50, 99, 2), /e_shstrndx 99 is out of range/],
    ['shstrndx type', patch(good.bytes, 50, 1, 2), /section name table \(section 1\) is not a string table/],
    ['section name offset', patch(good.bytes, good.shoff + 40, 0x7777, 4), /name of section 1: string offset 0x7777 is outside its string table/],
    ['symtab entsize', patch(good.bytes, good.shoff + good.symtab * 40 + 36, 12, 4), /entry size 12, expected 16/],
    ['symtab size', patch(good.bytes, good.shoff + good.symtab * 40 + 20, 40, 4), /size 0x28 is not a multiple of 16/],
    ['symtab link', patch(good.bytes, good.shoff + good.symtab * 40 + 24, 50, 4), /links to string table section 50, which does not exist/],
    ['symtab link type', patch(good.bytes, good.shoff + good.symtab * 40 + 24, 1, 4), /links to section 1, which is not a string table/],
    ['symbol shndx', patch(good.bytes, good.symoff + 16 + 14, 77, 2), /symbol 1 refers to section 77, but there are only 6 sections/],
    ['symbol name', patch(good.bytes, good.symoff + 16, 0x1000, 4), /name of symbol 1: string offset 0x1000 is outside/],
  ];
  it.each(cases)('%s', (_, input, message) => {
    const err = userError(() => parseElf(input, 'bad.elf'));
    expect(err.file).toBe('bad.elf');
    expect(err.message).toMatch(message);
  });

  it('reports a string table without a final NUL', () => {
    const l = buildElf(simple);
    const strtabHdr = l.shoff + l.strtab * 40;
    const v = new DataView(l.bytes.buffer);
    const off = v.getUint32(strtabHdr + 16, true), size = v.getUint32(strtabHdr + 20, true);
    const b = l.bytes.slice();
    b[off + size - 1] = 0x41;
    expect(userError(() => parseElf(b, 'x')).message).toMatch(/name of symbol 2: string at offset 0x6 is not NUL-terminated/);
  });
});

describe('parseElf fuzz', () => {
  it('either parses or throws UserError for 4000 mutated images', () => {
    const seeds = [fixture('tiny.elf'), buildElf(simple).bytes];
    const l = buildElf(simple);
    // Header fields, program headers, section headers and symbol entries get hit most.
    const hot = [
      ...Array.from({ length: 52 }, (_, i) => i),
      ...Array.from({ length: 64 }, (_, i) => l.phoff + i),
      ...Array.from({ length: l.shnum * 40 }, (_, i) => l.shoff + i),
      ...Array.from({ length: 48 }, (_, i) => l.symoff + i),
    ];
    const r = rng(0x5eed_e1f);
    const tally = { ok: 0, error: 0 };
    for (let i = 0; i < 4000; i++) {
      const input = mutate(seeds[i & 1]!, r, hot);
      tally[parsesOrUserError(() => parseElf(input, 'fuzz.elf'))]++;
    }
    // Both outcomes must occur, or the mutations are not reaching the parser's checks.
    expect(tally.ok).toBeGreaterThan(100);
    expect(tally.error).toBeGreaterThan(1000);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, loadFirmware } from './load.ts';
import { writeIhex } from './ihex.ts';
import { writeSrec } from './srec.ts';
import { buildElf, hexChunks, mutate, parsesOrUserError, rng, userError } from './test-helpers.ts';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('loadFirmware', () => {
  it('loads the same bytes from the ELF as objcopy wrote to S-record and HEX', () => {
    const elf = loadFirmware(fixture('tiny.elf'), 'tiny.elf');
    const srec = loadFirmware(fixture('tiny.srec'), 'tiny.srec');
    const hex = loadFirmware(fixture('tiny.hex'), 'tiny.hex');
    expect([elf.format, srec.format, hex.format]).toEqual(['elf', 'srec', 'ihex']);
    // .text at 0x9fc00000 and the .data image at its LMA 0x9fc00020 touch: one chunk, no bss at the LMA.
    expect(hexChunks(elf.chunks)).toEqual(hexChunks(srec.chunks));
    expect(hexChunks(hex.chunks)).toEqual(hexChunks(srec.chunks));
    expect(elf.chunks[0]).toMatchObject({ addr: 0x9fc00000 });
    expect(elf.chunks[0]!.data.length).toBe(0x30);
    expect([elf.entry, srec.entry, hex.entry]).toEqual([0x9fc00000, 0x9fc00000, 0x9fc00000]);
    expect(elf.elf?.symbols.get('counter')).toBe(0x80000000);
    expect(srec.header).toBe('tiny.srec');
    expect('elf' in srec || 'header' in hex).toBe(false);
  });

  it('zero-fills bss for segments loaded at their run address and merges touching segments', () => {
    const { bytes } = buildElf({
      entry: 0x80001000,
      segments: [
        { vaddr: 0x80000000, data: Uint8Array.of(1, 2), memSize: 6 },
        { vaddr: 0x80000006, data: Uint8Array.of(3) },
        { vaddr: 0x80000100, data: Uint8Array.of(), memSize: 3 },
      ],
    });
    const img = loadFirmware(bytes, 'bss.elf');
    expect(hexChunks(img.chunks)).toEqual([{ addr: 0x80000000, hex: '01020000000003' }, { addr: 0x80000100, hex: '000000' }]);
    expect(img.entry).toBe(0x80001000);
  });

  it('keeps p_paddr as given (kseg0 here) and orders chunks by it', () => {
    const { bytes } = buildElf({
      segments: [
        { vaddr: 0x9d001000, paddr: 0x9d001000, data: Uint8Array.of(0xaa) },
        { vaddr: 0x80000000, paddr: 0x9d000000, data: Uint8Array.of(0xbb), memSize: 16 },
      ],
    });
    expect(hexChunks(loadFirmware(bytes, 'k.elf').chunks)).toEqual([{ addr: 0x9d000000, hex: 'bb' }, { addr: 0x9d001000, hex: 'aa' }]);
  });

  it('detects text formats after a BOM and blank lines, whatever the file name', () => {
    const chunks = [{ addr: 0x1d000000, data: Uint8Array.of(1, 2, 3) }];
    const s = loadFirmware(text(`\ufeff\r\n\n${writeSrec(chunks, 0x1d000000)}`), 'image.hex');
    const h = loadFirmware(text(`\n  ${writeIhex(chunks, null)}`), 'image.srec');
    expect([s.format, h.format]).toEqual(['srec', 'ihex']);
    expect(hexChunks(s.chunks)).toEqual(hexChunks(h.chunks));
    expect(detectFormat(text('s00600004844521b'))).toBe('srec');
  });

  it('names unrecognised and empty inputs', () => {
    for (const bad of [text('hello'), text('Some text'), Uint8Array.of(0, 1, 2, 3), text('\x7fEL')]) {
      expect(userError(() => loadFirmware(bad, 'x.bin')).format()).toBe('x.bin: unrecognised image format (expected ELF, S-record or Intel HEX)');
    }
    expect(userError(() => loadFirmware(text(' \r\n'), 'e.srec')).message).toBe('image file is empty');
    expect(userError(() => loadFirmware(new Uint8Array(0), 'e.srec')).message).toBe('image file is empty');
  });

  it('passes parser errors through with file and line', () => {
    const be = fixture('tiny.elf');
    be[5] = 2;
    expect(userError(() => loadFirmware(be, 'be.elf')).format()).toBe('be.elf: ELF is big-endian; tinyvp needs little-endian MIPS');
    expect(userError(() => loadFirmware(text(':00000001FF\n:00000001FF'), 'two.hex')).format()).toMatch(/^two\.hex:2: record after the end-of-file record/);
  });
});

describe('loadFirmware fuzz', () => {
  it('either loads or throws UserError for 3000 mutated files of every format', () => {
    const seeds = ['tiny.elf', 'tiny.srec', 'tiny.hex'].map(fixture);
    const r = rng(0x10ad);
    const tally = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
      const input = mutate(seeds[i % 3]!, r, [0, 1, 2, 3, 4, 5, 6]);
      tally[parsesOrUserError(() => loadFirmware(input, 'fuzz'))]++;
    }
    expect(tally.ok).toBeGreaterThan(50);
    expect(tally.error).toBeGreaterThan(1000);
  });
});

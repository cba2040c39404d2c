import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIhex, writeIhex, type MemChunk } from './ihex.ts';
import { parseSrec } from './srec.ts';
import { fixChecksums, hexChunks, mutate, parsesOrUserError, rng, userError } from './test-helpers.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'latin1');
const chunk = (addr: number, ...data: number[]): MemChunk => ({ addr, data: Uint8Array.from(data) });

// Checksums by hand: -(sum of all other bytes) & 0xff.
const D4 = ':0400000001020304F2'; // 0000: 01 02 03 04, sum 0x0E
const EOF = ':00000001FF';
const ELA_9D00 = ':020000049D005D'; // upper address 0x9D00, sum 0xA3
const SLA_9D = ':040000059D0000005A'; // entry 0x9D000000, sum 0xA6
const D_10 = ':020010000102EB'; // offset 0010: 01 02, sum 0x15
const ESA_1000 = ':020000021000EC'; // segment 0x1000 -> base 0x10000, sum 0x14
const SSA = ':0400000312345678E5'; // CS:IP 1234:5678, sum 0x11B
const D_FFFE = ':04FFFE000A0B0C0DD1'; // offset FFFE: 0A 0B 0C 0D

describe('writeIhex', () => {
  it('writes the hand-computed records exactly', () => {
    expect(writeIhex([chunk(0x9d000010, 1, 2)], 0x9d000000)).toBe([ELA_9D00, D_10, SLA_9D, EOF, ''].join('\n'));
    expect(writeIhex([chunk(0, 1, 2, 3, 4)], null)).toBe([D4, EOF, ''].join('\n'));
  });

  it('splits records at 64 KiB boundaries and emits 04 records as the upper half changes', () => {
    const text = writeIhex([chunk(0x1fffe, 1, 2, 3, 4)], null, { bytesPerRecord: 255 });
    expect(text.split('\n')).toEqual([':020000040001F9', ':02FFFE000102FE', ':020000040002F8', ':020000000304F7', EOF, '']);
  });

  it('reproduces objcopy output for the fixture (objcopy writes CRLF)', () => {
    const original = fixture('tiny.hex');
    const img = parseIhex(original, 'tiny.hex');
    expect(writeIhex(img.chunks, img.entry).split('\n')).toEqual(original.split('\r\n'));
  });

  it('rejects caller mistakes with RangeError', () => {
    expect(() => writeIhex([chunk(0, 1), chunk(0, 1)], null)).toThrow(/chunks overlap/);
    expect(() => writeIhex([], null, { bytesPerRecord: 0 })).toThrow(/1..255/);
    expect(() => writeIhex([], -1)).toThrow(RangeError);
  });
});

describe('parseIhex', () => {
  it('reads the objcopy fixture like its S-record twin', () => {
    const hex = parseIhex(fixture('tiny.hex'), 'tiny.hex');
    const srec = parseSrec(fixture('tiny.srec'), 'tiny.srec');
    expect(hex.entry).toBe(0x9fc00000);
    expect(hexChunks(hex.chunks)).toEqual(hexChunks(srec.chunks));
  });

  it('applies extended linear and segment addresses, with 64 KiB wrap under a segment', () => {
    expect(hexChunks(parseIhex([ELA_9D00, D_10, EOF].join('\n'), 'a').chunks)).toEqual([{ addr: 0x9d000010, hex: '0102' }]);
    // Linear: FFFE..10001 runs on. Segment 0x1000: FFFE, FFFF then wraps to the segment base.
    expect(hexChunks(parseIhex([D_FFFE, EOF].join('\n'), 'a').chunks)).toEqual([{ addr: 0xfffe, hex: '0a0b0c0d' }]);
    expect(hexChunks(parseIhex([ESA_1000, D_FFFE, EOF].join('\n'), 'a').chunks)).toEqual([
      { addr: 0x10000, hex: '0c0d' }, { addr: 0x1fffe, hex: '0a0b' },
    ]);
  });

  it('takes the entry from 05 (linear) or 03 (CS * 16 + IP)', () => {
    expect(parseIhex([SLA_9D, EOF].join('\n'), 'a')).toEqual({ chunks: [], entry: 0x9d000000 });
    expect(parseIhex([SSA, EOF].join('\n'), 'a').entry).toBe(0x12340 + 0x5678);
    expect(parseIhex([SLA_9D, SLA_9D, EOF].join('\n'), 'a').entry).toBe(0x9d000000);
    expect(parseIhex(EOF, 'a').entry).toBe(null);
  });

  it('accepts CRLF, blank lines, lowercase hex and no final newline', () => {
    const img = parseIhex(`\r\n${ELA_9D00.toLowerCase()}\r\n\r\n${D_10}\r\n${EOF}`, 'a');
    expect(hexChunks(img.chunks)).toEqual([{ addr: 0x9d000010, hex: '0102' }]);
  });

  it('merges adjacent records and identical overlaps', () => {
    const text = [':020002000304F5', D4, EOF].join('\n');
    expect(hexChunks(parseIhex(text, 'a').chunks)).toEqual([{ addr: 0, hex: '01020304' }]);
  });
});

describe('parseIhex errors carry file and line', () => {
  const cases: [string, string, number, RegExp][] = [
    ['bad start char', `${D4}\nS1051000AABB85\n${EOF}`, 2, /^bad start character "S": an Intel HEX line starts with ':'/],
    ['odd hex', `${D4}0\n${EOF}`, 1, /odd number of hex digits \(19\)/],
    ['invalid hex', `${D4.replace('0304', '03x4')}\n${EOF}`, 1, /invalid hex character "x" at column 16/],
    ['too short', ':000000', 1, /record too short \(3 bytes/],
    ['length mismatch', `:0500000001020304F1\n${EOF}`, 1, /length field says 5 data bytes, but the record has 4/],
    ['checksum', `${D4.replace(/F2$/, '00')}\n${EOF}`, 1, /^checksum mismatch: record has 0x00, expected 0xf2$/],
    ['unknown type', `:00000006FA\n${EOF}`, 1, /unknown record type 0x06 \(expected 00-05\)/],
    ['bad ELA length', ':03000004000000F9', 1, /extended linear address record \(type 04\) must have 2 data bytes, not 3/],
    ['EOF with data', ':01000001AA54', 1, /end-of-file record \(type 01\) must have 0 data bytes, not 1/],
    ['no EOF', `${D4}\n${D_10}\n\n`, 2, /^truncated: no end-of-file record$/],
    ['empty', '', 1, /^truncated: no end-of-file record$/],
    ['after EOF', `${D4}\n${EOF}\n${D_10}`, 3, /record after the end-of-file record on line 2/],
    ['two entries', `${SLA_9D}\n${SSA}\n${EOF}`, 2, /start address 0x179b8 differs from 0x9d000000 given on line 1/],
    ['wraps 4G', `:02000004FFFFFC\n${D_FFFE}\n${EOF}`, 2, /record at 0xfffffffe with 4 bytes runs past the top/],
    ['overlap', `${D4}\n${EOF}`.replace(D4, `${D4}\n:020002000305F4`), 2, /data at 0x3 conflicts with line 1 \(0x05 here, 0x04 there\)/],
  ];
  it.each(cases)('%s', (_, text, line, message) => {
    const err = userError(() => parseIhex(text, 'bad.hex'));
    expect([err.file, err.line]).toEqual(['bad.hex', line]);
    expect(err.message).toMatch(message);
  });
});

describe('Intel HEX round trip', () => {
  it('parseIhex(writeIhex(x)) gives x back for 300 random images', () => {
    const r = rng(0x1e8);
    for (let n = 0; n < 300; n++) {
      const chunks: MemChunk[] = [];
      let addr = r.next() < 0.3 ? 0xfff0_0000 : r.int(0x1000_0000);
      for (let i = r.int(7); i > 0; i--) {
        const data = new Uint8Array(1 + r.int(r.next() < 0.05 ? 0x11000 : 600)).map(() => r.int(256));
        chunks.push({ addr, data });
        addr += data.length + 1 + r.int(0x20000);
      }
      const entry = r.next() < 0.2 ? null : r.int(2 ** 32);
      const back = parseIhex(writeIhex(chunks, entry, { bytesPerRecord: 1 + r.int(255) }), 'rt.hex');
      expect({ entry: back.entry, chunks: hexChunks(back.chunks) }).toEqual({ entry, chunks: hexChunks(chunks) });
    }
  });
});

describe('parseIhex fuzz', () => {
  it('either parses or throws UserError for 3000 mutated files', () => {
    const r = rng(0xf1e);
    const enc = new TextEncoder(), dec = new TextDecoder('latin1');
    const seeds = [fixture('tiny.hex'), [ESA_1000, D_FFFE, SSA, EOF].join('\n'), writeIhex([chunk(0x9d00fff8, ...new Array<number>(24).fill(7))], 1, { bytesPerRecord: 8 })].map((s) => enc.encode(s));
    for (const s of seeds) expect(parsesOrUserError(() => parseIhex(dec.decode(s), 'seed.hex'))).toBe('ok');
    const tally = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
      const text = dec.decode(mutate(seeds[i % 3]!, r));
      // Half the files get valid checksums again, so the checks behind the checksum are reached.
      tally[parsesOrUserError(() => parseIhex(i & 1 ? fixChecksums(text, 'ihex') : text, 'fuzz.hex'))]++;
    }
    expect(tally.ok).toBeGreaterThan(50);
    expect(tally.error).toBeGreaterThan(1000);
  });
});

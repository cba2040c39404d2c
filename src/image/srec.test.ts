import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSrec, writeSrec, type MemChunk } from './srec.ts';
import { fixChecksums, hexChunks, mutate, parsesOrUserError, rng, sameBytes, userError } from './test-helpers.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'latin1');
const chunk = (addr: number, ...data: number[]): MemChunk => ({ addr, data: Uint8Array.from(data) });
const plain = (chunks: MemChunk[]): { addr: number; data: number[] }[] => chunks.map((c) => ({ addr: c.addr, data: [...c.data] }));

// Checksums worked out by hand: ~(count + address bytes + data bytes) & 0xff.
const S0_HDR = 'S00600004844521B'; // "HDR": ~(06+00+00+48+44+52 = 0xE4)
const S3_4 = 'S3099D000000010203044F'; // 9D000000: 01 02 03 04, ~(0xB0)
const S5_1 = 'S5030001FB'; // one data record, ~(03+00+01)
const S7_9D = 'S7059D0000005D'; // entry 0x9D000000, ~(05+9D = 0xA2)
const S1_AABB = 'S1051000AABB85'; // 1000: AA BB, ~(0x17A & 0xff)
const S2_01 = 'S205123456015D'; // 123456: 01
const S9_1000 = 'S9031000EC';
const S8_123456 = 'S8041234565F';
const S6_2 = 'S604000002F9';

describe('writeSrec', () => {
  it('writes the hand-computed records exactly', () => {
    expect(writeSrec([chunk(0x9d000000, 1, 2, 3, 4)], 0x9d000000, { header: 'HDR' })).toBe(`${S0_HDR}\n${S3_4}\n${S5_1}\n${S7_9D}\n`);
  });

  it('omits S7 without an entry and writes an empty S0 by default', () => {
    expect(writeSrec([], null)).toBe('S0030000FC\nS5030000FC\n');
  });

  it('splits chunks into records of bytesPerRecord, in address order', () => {
    const text = writeSrec([chunk(0x2000, 9), chunk(0x1000, 1, 2, 3, 4, 5)], null, { bytesPerRecord: 2 });
    expect(text.split('\n').filter((l) => l.startsWith('S3')).map((l) => l.slice(4, 12) + ':' + l.slice(12, -2))).toEqual([
      '00001000:0102', '00001002:0304', '00001004:05', '00002000:09',
    ]);
  });

  it('reproduces objcopy output for the fixture (objcopy writes CRLF and no S5)', () => {
    const original = fixture('tiny.srec');
    const img = parseSrec(original, 'tiny.srec');
    const ours = writeSrec(img.chunks, img.entry, { header: img.header ?? '' });
    expect(ours.split('\n').filter((l) => !l.startsWith('S5'))).toEqual(original.split('\r\n'));
  });

  it('rejects caller mistakes with RangeError', () => {
    expect(() => writeSrec([chunk(0, 1, 2), chunk(1, 3)], null)).toThrow(/chunks overlap: 0x0..0x2 and 0x1..0x2/);
    expect(() => writeSrec([chunk(0xffffffff, 1, 2)], null)).toThrow(RangeError);
    expect(() => writeSrec([], null, { bytesPerRecord: 251 })).toThrow(/1..250/);
    expect(() => writeSrec([], null, { header: 'x'.repeat(253) })).toThrow(/at most 252/);
    expect(() => writeSrec([], 2 ** 32)).toThrow(RangeError);
  });
});

describe('parseSrec', () => {
  it('reads the gcc/objcopy fixture: .text then the .data LMA, merged into one chunk', () => {
    const img = parseSrec(fixture('tiny.srec'), 'tiny.srec');
    expect(img.header).toBe('tiny.srec');
    expect(img.entry).toBe(0x9fc00000);
    expect(img.chunks).toHaveLength(1);
    expect(img.chunks[0]!.addr).toBe(0x9fc00000);
    expect(img.chunks[0]!.data.length).toBe(0x30);
    expect([...img.chunks[0]!.data.subarray(0x20, 0x24)]).toEqual([0x78, 0x56, 0x34, 0x12]);
  });

  it('reads S1/S2/S3 data, S5/S6 counts and S7/S8/S9 entries', () => {
    const img = parseSrec([S0_HDR, S1_AABB, S2_01, S6_2, S9_1000].join('\n'), 'a.srec');
    expect(img).toEqual({ header: 'HDR', entry: 0x1000, chunks: [{ addr: 0x1000, data: Uint8Array.of(0xaa, 0xbb) }, { addr: 0x123456, data: Uint8Array.of(1) }] });
    expect(parseSrec(S8_123456, 'a').entry).toBe(0x123456);
    expect(parseSrec(S7_9D, 'a').entry).toBe(0x9d000000);
    expect(parseSrec(S3_4, 'a')).toEqual({ entry: null, chunks: [{ addr: 0x9d000000, data: Uint8Array.of(1, 2, 3, 4) }] });
  });

  it('accepts CRLF, blank lines, lowercase hex, surrounding spaces and a BOM', () => {
    const text = `\ufeff${S0_HDR}\r\n\r\n ${S3_4.toLowerCase()}  \r\n\n${S7_9D}\r\n\n`;
    const img = parseSrec(text, 'a.srec');
    expect(img.entry).toBe(0x9d000000);
    expect(plain(img.chunks)).toEqual([{ addr: 0x9d000000, data: [1, 2, 3, 4] }]);
  });

  it('sorts out-of-order records and merges adjacent and identical overlapping ones', () => {
    const text = writeSrec([chunk(0x110, 7, 8)], null) + writeSrec([chunk(0x100, 1, 2, 3, 4)], null) +
      writeSrec([chunk(0x104, 5, 6)], null) + writeSrec([chunk(0x102, 3, 4, 5)], null);
    const lines = text.split('\n').filter((l) => l.startsWith('S3')).join('\n');
    expect(plain(parseSrec(lines, 'a').chunks)).toEqual([{ addr: 0x100, data: [1, 2, 3, 4, 5, 6] }, { addr: 0x110, data: [7, 8] }]);
  });

  it('keeps zero-length data records out of the chunks', () => {
    expect(parseSrec('S30500001000EA', 'a').chunks).toEqual([]);
  });
});

describe('parseSrec errors carry file and line', () => {
  const cases: [string, string, number, RegExp][] = [
    ['bad start char', `${S0_HDR}\nX1051000AABB85`, 2, /^bad start character "X"/],
    ['colon line', `${S0_HDR}\n\n:00000001FF`, 3, /bad start character ":"/],
    ['odd hex', `${S0_HDR}\n${S3_4}0`, 2, /odd number of hex digits \(21\)/],
    ['invalid hex', S3_4.replace('0102', '01G2'), 1, /invalid hex character "G" at column 15/],
    ['indented invalid hex', `\n\t ${S3_4.replace('0102', '01G2')}`, 2, /invalid hex character "G" at column 17/],
    ['length mismatch', 'S30A9D000000010203044F', 1, /length field says 10 bytes follow, but the record has 9/],
    ['too short', 'S10200FD', 1, /length 2 is too short for an S1 record \(2 address bytes \+ checksum\)/],
    ['no length', 'S1', 1, /no length field/],
    ['checksum', S3_4.replace(/4F$/, '4E'), 1, /^checksum mismatch: record has 0x4e, expected 0x4f$/],
    ['unknown S4', 'S4030000FC', 1, /unknown record type "S4"/],
    ['unknown Sx', 'SX030000FC', 1, /unknown record type "SX"/],
    ['bare S', `${S3_4}\nS`, 2, /unknown record type "S"/],
    ['count mismatch', `${S3_4}\n${S1_AABB}\nS5030001FB`, 3, /S5 count record says 1 data records, but 2 precede it/],
    ['S6 mismatch', `${S3_4}\n${S6_2}`, 2, /S6 count record says 2 data records, but 1 precede it/],
    ['data in S5', 'S504000100FA', 1, /S5 count record has 1 bytes after the count/],
    ['data in S7', 'S7069D000000005C', 1, /termination record has 1 bytes after the address/],
    ['after end', `${S3_4}\n${S7_9D}\n\n${S1_AABB}`, 4, /record after the termination record on line 2/],
    ['wraps 4G', 'S307FFFFFFFF0102F9', 1, /record at 0xffffffff with 2 bytes runs past the top/],
  ];
  it.each(cases)('%s', (_, text, line, message) => {
    const err = userError(() => parseSrec(text, 'bad.srec'));
    expect([err.file, err.line]).toEqual(['bad.srec', line]);
    expect(err.message).toMatch(message);
  });

  it('reports overlapping records with different bytes at the later line, naming the earlier', () => {
    const a = writeSrec([chunk(0x9d000010, 1, 2, 3, 4)], null).split('\n')[1]!;
    const b = writeSrec([chunk(0x9d000000, ...new Array<number>(0x10).fill(0), 1, 2, 3, 0xee)], null, { bytesPerRecord: 20 }).split('\n')[1]!;
    for (const [text, line, msg] of [
      [`${a}\n${S0_HDR}\n${b}`, 3, /data at 0x9d000013 conflicts with line 1 \(0xee here, 0x04 there\)/],
      [`${b}\n${a}`, 2, /data at 0x9d000013 conflicts with line 1 \(0x04 here, 0xee there\)/],
    ] as const) {
      const err = userError(() => parseSrec(text, 'x.srec'));
      expect(err.line).toBe(line);
      expect(err.message).toMatch(msg);
    }
  });
});

/** Random non-touching chunks (gaps of at least one byte, so none merge). */
function randomChunks(r: ReturnType<typeof rng>, maxChunks: number, maxLen: number): MemChunk[] {
  const chunks: MemChunk[] = [];
  let addr = r.next() < 0.3 ? 0xffff_0000 - maxChunks * (maxLen + 0x1000) : r.int(0x1000_0000);
  for (let i = r.int(maxChunks + 1); i > 0; i--) {
    const data = new Uint8Array(1 + r.int(maxLen)).map(() => r.int(256));
    chunks.push({ addr, data });
    addr += data.length + 1 + r.int(0x1000);
  }
  return chunks;
}

describe('S-record round trip', () => {
  it('parseSrec(writeSrec(x)) gives x back for 300 random images', () => {
    const r = rng(0x5eec);
    for (let n = 0; n < 300; n++) {
      const chunks = randomChunks(r, 6, 600);
      const entry = r.next() < 0.2 ? null : r.int(2 ** 32);
      const header = String.fromCharCode(...Array.from({ length: r.int(40) }, () => 32 + r.int(95)));
      const text = writeSrec(chunks, entry, { header, bytesPerRecord: 1 + r.int(250) });
      const back = parseSrec(text, 'rt.srec');
      expect({ ...back, chunks: hexChunks(back.chunks) }).toEqual({ chunks: hexChunks(chunks), entry, header });
    }
  });

  it('writes S6 past 65535 records and reads it back', () => {
    const data = new Uint8Array(70_000).map((_, i) => i * 7);
    const text = writeSrec([{ addr: 0x8000_0000, data }], 0x8000_0000, { bytesPerRecord: 1 });
    expect(text).toContain('\nS604011170'); // 70000 = 0x011170
    expect(sameBytes(parseSrec(text, 'big.srec').chunks[0]!.data, data)).toBe(true);
  });

  it('writes and parses a 2 MB image well under a second each', () => {
    const r = rng(2);
    const data = new Uint8Array(2 << 20).map(() => r.int(256));
    const t0 = performance.now();
    const text = writeSrec([{ addr: 0x9d00_0000, data }], 0x9d00_0000);
    const t1 = performance.now();
    const img = parseSrec(text, 'big.srec');
    const t2 = performance.now();
    expect(sameBytes(img.chunks[0]!.data, data)).toBe(true);
    // Generous bounds: the machine is shared. Typical figures are ~50 ms and ~250 ms.
    expect(t1 - t0).toBeLessThan(1000);
    expect(t2 - t1).toBeLessThan(1000);
    console.log(`2 MB S-record: write ${(t1 - t0).toFixed(0)} ms, parse ${(t2 - t1).toFixed(0)} ms`);
  });
});

describe('parseSrec fuzz', () => {
  it('either parses or throws UserError for 3000 mutated files', () => {
    const r = rng(0xf022);
    const enc = new TextEncoder(), dec = new TextDecoder('latin1');
    const seeds = [fixture('tiny.srec'), writeSrec(randomChunks(r, 3, 40), 0x9d001000, { header: 'fuzz', bytesPerRecord: 8 })].map((s) => enc.encode(s));
    for (const s of seeds) expect(parsesOrUserError(() => parseSrec(dec.decode(s), 'seed.srec'))).toBe('ok');
    const tally = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
      const text = dec.decode(mutate(seeds[i & 1]!, r));
      // Half the files get valid checksums again, so the checks behind the checksum are reached.
      tally[parsesOrUserError(() => parseSrec(i & 2 ? fixChecksums(text, 'srec') : text, 'fuzz.srec'))]++;
    }
    expect(tally.ok).toBeGreaterThan(50);
    expect(tally.error).toBeGreaterThan(1000);
  });
});

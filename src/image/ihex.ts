/**
 * Intel HEX reader and writer (Intel "Hexadecimal Object File Format Specification" rev. A:
 * record types 00 data, 01 end of file, 02 extended segment address, 03 start segment
 * address, 04 extended linear address, 05 start linear address). DESIGN.md "image/".
 *
 * A record is `:` length address(16) type data checksum, all hex; the checksum makes the sum
 * of every byte of the record 0 modulo 256.
 */
import { UserError } from '../sim/errors.ts';
import { ADDR_LIMIT, AsciiOut, ChunkCollector, checkEntry, decodeHex, hex, hexScratch, lastLine, recordSize, sortedChunks, textLines, type LoadImage, type MemChunk } from './records.ts';

export type { LoadImage, MemChunk } from './records.ts';

const DATA = 0, EOF = 1, EXT_SEGMENT = 2, START_SEGMENT = 3, EXT_LINEAR = 4, START_LINEAR = 5;
/** Data bytes each record type must carry (data records: any). */
const FIXED_LEN: Record<number, number> = { [EOF]: 0, [EXT_SEGMENT]: 2, [START_SEGMENT]: 4, [EXT_LINEAR]: 2, [START_LINEAR]: 4 };
const TYPE_NAMES = ['data', 'end-of-file', 'extended segment address', 'start segment address', 'extended linear address', 'start linear address'];
const MAX_DATA = 255;

function fail(message: string, file: string, line: number): never {
  throw new UserError(message, file, line);
}

/**
 * Parses Intel HEX text. Under an extended linear address (04) a record's bytes run on
 * linearly; under an extended segment address (02) they wrap inside the 64 KiB segment, as the
 * specification says. A start segment address (03) CS:IP becomes the entry CS * 16 + IP.
 * Decision: two start records that disagree are an error (which one would the user mean?),
 * and so is any record after the end-of-file record.
 */
export function parseIhex(text: string, file: string): LoadImage {
  const collector = new ChunkCollector(file);
  const scratch = hexScratch();
  let base = 0;
  let segmented = false;
  let entry: number | null = null;
  let entryLine = 0;
  let endLine = 0;
  const lines = textLines(text);
  for (const tl of lines) {
    const { text: s, line } = tl;
    if (endLine) fail(`record after the end-of-file record on line ${endLine} (the file should end there)`, file, line);
    if (s[0] !== ':') fail(`bad start character ${JSON.stringify(s[0])}: an Intel HEX line starts with ':'`, file, line);
    const n = decodeHex(s, 1, scratch, file, tl);
    const b = scratch.buf;
    if (n < 5) fail(`record too short (${n} bytes; length, address, type and checksum take 5)`, file, line);
    const len = b[0]!;
    if (n !== len + 5) fail(`length field says ${len} data bytes, but the record has ${n - 5}`, file, line);
    let sum = 0;
    for (let i = 0; i < n - 1; i++) sum += b[i]!;
    const expected = -sum & 0xff, actual = b[n - 1]!;
    if (actual !== expected) fail(`checksum mismatch: record has ${hex(actual, 2)}, expected ${hex(expected, 2)}`, file, line);
    const offset = (b[1]! << 8) | b[2]!;
    const type = b[3]!;
    if (type > START_LINEAR) fail(`unknown record type ${hex(type, 2)} (expected 00-05)`, file, line);
    const want = FIXED_LEN[type];
    if (want !== undefined && len !== want) fail(`${TYPE_NAMES[type]} record (type 0${type}) must have ${want} data bytes, not ${len}`, file, line);
    const word = len === 2 ? (b[4]! << 8) | b[5]! : ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
    switch (type) {
      case DATA:
        if (segmented && offset + len > 0x10000) {
          const first = 0x10000 - offset;
          collector.add(base + offset, b, 4, first, line);
          collector.add(base, b, 4 + first, len - first, line);
        } else {
          if (base + offset + len > ADDR_LIMIT) fail(`record at ${hex(base + offset)} with ${len} bytes runs past the top of the 32-bit address space`, file, line);
          collector.add(base + offset, b, 4, len, line);
        }
        break;
      case EOF:
        endLine = line;
        break;
      case EXT_SEGMENT:
        base = word * 16;
        segmented = true;
        break;
      case EXT_LINEAR:
        base = word * 0x10000;
        segmented = false;
        break;
      default: {
        const start = type === START_SEGMENT ? (word >>> 16) * 16 + (word & 0xffff) : word;
        if (entry !== null && entry !== start) fail(`start address ${hex(start)} differs from ${hex(entry)} given on line ${entryLine}`, file, line);
        entry = start;
        entryLine = line;
      }
    }
  }
  if (!endLine) fail('truncated: no end-of-file record', file, lastLine(lines));
  return { chunks: collector.finish(), entry };
}

/**
 * Writes data records (default 16 bytes, never crossing a 64 KiB boundary), an extended linear
 * address record (04) whenever the upper 16 address bits change, a start linear address
 * record (05) when the entry is not null, and the end-of-file record. Lines end in '\n'.
 * Invalid arguments are caller bugs and throw RangeError.
 */
export function writeIhex(chunks: MemChunk[], entry: number | null, opts: { bytesPerRecord?: number } = {}): string {
  const per = recordSize(opts.bytesPerRecord, MAX_DATA);
  checkEntry(entry);
  const out = new AsciiOut();
  let upper = 0;
  for (const c of sortedChunks(chunks)) {
    for (let off = 0; off < c.data.length;) {
      const addr = c.addr + off;
      const hi = Math.floor(addr / 0x10000), lo = addr & 0xffff;
      if (hi !== upper) {
        record(out, EXT_LINEAR, 0, Uint8Array.of(hi >> 8, hi & 0xff));
        upper = hi;
      }
      const n = Math.min(per, c.data.length - off, 0x10000 - lo);
      record(out, DATA, lo, c.data.subarray(off, off + n));
      off += n;
    }
  }
  if (entry !== null) record(out, START_LINEAR, 0, Uint8Array.of(entry >>> 24, (entry >>> 16) & 0xff, (entry >>> 8) & 0xff, entry & 0xff));
  record(out, EOF, 0, new Uint8Array(0));
  return out.text();
}

function record(out: AsciiOut, type: number, offset: number, data: Uint8Array): void {
  out.char(0x3a /* : */);
  out.byte(data.length);
  out.byte(offset >> 8);
  out.byte(offset & 0xff);
  out.byte(type);
  const sum = data.length + (offset >> 8) + (offset & 0xff) + type + out.bytes(data);
  out.byte(-sum & 0xff);
  out.char(0x0a);
}

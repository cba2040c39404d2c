/**
 * Motorola S-record reader and writer (S0 header, S1/S2/S3 data with 16/24/32-bit addresses,
 * S5/S6 record counts, S7/S8/S9 start address). The build writes one S-record image with
 * KSEG0 addresses (tinyvp-config-tool.md §7.2); `tinyvp run` reads it back.
 *
 * A record is `S` type count address data checksum, all hex after the type digit; count covers
 * address + data + checksum, and checksum is the ones' complement of the low byte of the sum of
 * count, address and data bytes.
 */
import { UserError } from '../sim/errors.ts';
import { ADDR_LIMIT, AsciiOut, ChunkCollector, checkEntry, decodeHex, hex, hexScratch, recordSize, sortedChunks, textLines, type LoadImage, type MemChunk } from './records.ts';

export type { LoadImage, MemChunk } from './records.ts';

/** Address bytes per record type; undefined marks S4 and non-digits (unknown types). */
const ADDR_BYTES: (number | undefined)[] = [2, 2, 3, 4, undefined, 2, 3, 4, 3, 2];
/** Largest data payload of an S3 record: count (one byte) = 4 address + n data + 1 checksum. */
const S3_MAX_DATA = 255 - 5;
/** Largest S0 payload: 2 address bytes + text + checksum. */
const S0_MAX_TEXT = 255 - 3;

const utf8 = new TextDecoder('utf-8');

function fail(message: string, file: string, line: number): never {
  throw new UserError(message, file, line);
}

/**
 * Parses S-record text. Decision: the termination record (S7/S8/S9) is optional and gives
 * `entry`; without one `entry` is null. Any record after it is an error, because concatenated
 * files would otherwise load silently with the first file's entry. The header is the first
 * S0 record's bytes decoded as UTF-8.
 */
export function parseSrec(text: string, file: string): LoadImage {
  const collector = new ChunkCollector(file);
  const scratch = hexScratch();
  let dataRecords = 0;
  let header: string | undefined;
  let entry: number | null = null;
  let endLine = 0;
  for (const tl of textLines(text)) {
    const { text: s, line } = tl;
    if (endLine) fail(`record after the termination record on line ${endLine} (the file should end there)`, file, line);
    if (s[0] !== 'S' && s[0] !== 's') fail(`bad start character ${JSON.stringify(s[0])}: an S-record line starts with 'S'`, file, line);
    const type = s.charCodeAt(1) - 48;
    const addrLen = ADDR_BYTES[type];
    if (addrLen === undefined) return fail(`unknown record type ${JSON.stringify(s.slice(0, 2))} (expected S0-S3, S5-S9)`, file, line);
    const n = decodeHex(s, 2, scratch, file, tl);
    const bytes = scratch.buf;
    if (n === 0) fail(`S${type} record has no length field`, file, line);
    const count = bytes[0]!;
    if (n - 1 !== count) fail(`length field says ${count} bytes follow, but the record has ${n - 1}`, file, line);
    if (count < addrLen + 1) fail(`length ${count} is too short for an S${type} record (${addrLen} address bytes + checksum)`, file, line);
    let sum = 0;
    for (let i = 0; i < n - 1; i++) sum += bytes[i]!;
    const expected = ~sum & 0xff, actual = bytes[n - 1]!;
    if (actual !== expected) fail(`checksum mismatch: record has ${hex(actual, 2)}, expected ${hex(expected, 2)}`, file, line);
    let addr = 0;
    for (let i = 1; i <= addrLen; i++) addr = addr * 256 + bytes[i]!;
    const from = 1 + addrLen, len = n - 1 - from;
    switch (type) {
      case 0:
        header ??= utf8.decode(bytes.subarray(from, from + len));
        break;
      case 1: case 2: case 3:
        if (addr + len > ADDR_LIMIT) fail(`record at ${hex(addr)} with ${len} bytes runs past the top of the 32-bit address space`, file, line);
        collector.add(addr, bytes, from, len, line);
        dataRecords++;
        break;
      case 5: case 6:
        if (len) fail(`S${type} count record has ${len} bytes after the count; it should have none`, file, line);
        if (addr !== dataRecords) fail(`S${type} count record says ${addr} data records, but ${dataRecords} precede it`, file, line);
        break;
      default:
        if (len) fail(`S${type} termination record has ${len} bytes after the address; it should have none`, file, line);
        entry = addr;
        endLine = line;
    }
  }
  const image: LoadImage = { chunks: collector.finish(), entry };
  if (header !== undefined) image.header = header;
  return image;
}

/**
 * Writes S0 (header text, default empty), S3 data records (default 16 data bytes each), an S5
 * (or S6 past 65535 records) count record, and S7 with the entry when it is not null. Lines end
 * in '\n'. Invalid arguments (overlapping chunks, addresses outside 32 bits, a header over 252
 * bytes, a record size outside 1..250) are caller bugs and throw RangeError.
 */
export function writeSrec(chunks: MemChunk[], entry: number | null, opts: { header?: string; bytesPerRecord?: number } = {}): string {
  const per = recordSize(opts.bytesPerRecord, S3_MAX_DATA);
  checkEntry(entry);
  const headerBytes = new TextEncoder().encode(opts.header ?? '');
  if (headerBytes.length > S0_MAX_TEXT) throw new RangeError(`S-record header is ${headerBytes.length} bytes; at most ${S0_MAX_TEXT} fit in one S0 record`);
  const out = new AsciiOut();
  record(out, 0, 0, 2, headerBytes);
  let records = 0;
  for (const c of sortedChunks(chunks)) {
    for (let off = 0; off < c.data.length; off += per) {
      record(out, 3, c.addr + off, 4, c.data.subarray(off, off + per));
      records++;
    }
  }
  if (records <= 0xffff) record(out, 5, records, 2, EMPTY);
  else if (records <= 0xffffff) record(out, 6, records, 3, EMPTY);
  if (entry !== null) record(out, 7, entry, 4, EMPTY);
  return out.text();
}

const EMPTY = new Uint8Array(0);

function record(out: AsciiOut, type: number, addr: number, addrLen: number, data: Uint8Array): void {
  const count = addrLen + data.length + 1;
  out.char(0x53 /* S */);
  out.char(0x30 + type);
  out.byte(count);
  let sum = count;
  for (let shift = 8 * (addrLen - 1); shift >= 0; shift -= 8) {
    const b = (addr >>> shift) & 0xff;
    out.byte(b);
    sum += b;
  }
  sum += out.bytes(data);
  out.byte(~sum & 0xff);
  out.char(0x0a);
}

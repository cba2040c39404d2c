/**
 * Shared machinery for the text record formats (Motorola S-record, Intel HEX): line splitting,
 * hex decoding, collecting data records into sorted, merged memory chunks with overlap
 * detection, and a byte-buffer text writer. DESIGN.md "image/".
 */
import { UserError } from '../sim/errors.ts';

/** A run of bytes at a 32-bit address. */
export interface MemChunk {
  addr: number;
  data: Uint8Array;
}

/** What a firmware file puts in memory. */
export interface LoadImage {
  /** Sorted by address; adjacent and identical overlapping records are merged. */
  chunks: MemChunk[];
  /** Start address from the file, or null when it has none. */
  entry: number | null;
  /** S-record S0 text, when present. */
  header?: string;
}

export const ADDR_LIMIT = 2 ** 32;

export const hex = (n: number, digits = 1): string => '0x' + n.toString(16).padStart(digits, '0');

/** Char code to nibble value, -1 for a non-hex character (both letter cases accepted). */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;

/** Uppercase hex digit char codes for each byte value: [hi, lo] at 2b, 2b+1. */
const HEX_CODES = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  HEX_CODES[2 * b] = '0123456789ABCDEF'.charCodeAt(b >> 4);
  HEX_CODES[2 * b + 1] = '0123456789ABCDEF'.charCodeAt(b & 15);
}

/** One non-blank line with surrounding whitespace (including the CR of CRLF) removed. */
export interface TextLine {
  text: string;
  /** 1-based. */
  line: number;
  /** Characters removed from the start, so error columns match the file. */
  indent: number;
}

/** The non-blank lines of `text`; a leading byte-order mark is dropped. */
export function textLines(text: string): TextLine[] {
  const raw = text.split('\n');
  const out: TextLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const s = r.trim();
    if (s !== '') out.push({ text: s, line: i + 1, indent: r.indexOf(s[0]!) });
  }
  return out;
}

/** Line number where `text` ends (for "truncated" errors): its last non-blank line, or 1. */
export function lastLine(lines: TextLine[]): number {
  return lines.length ? lines[lines.length - 1]!.line : 1;
}

/**
 * Decodes s[from..] as pairs of hex digits into `into.buf` (grown when needed) and returns the
 * byte count; bad digits and odd length are UserErrors at `line` (columns count from its start).
 */
export function decodeHex(s: string, from: number, into: HexScratch, file: string, line: TextLine): number {
  const digits = s.length - from;
  if (digits % 2 !== 0) throw new UserError(`odd number of hex digits (${digits}) after the start of the record`, file, line.line);
  const n = digits / 2;
  if (n > into.buf.length) into.buf = new Uint8Array(n);
  const out = into.buf;
  for (let i = 0, p = from; i < n; i++, p += 2) {
    const c0 = s.charCodeAt(p), c1 = s.charCodeAt(p + 1);
    const hi = c0 < 128 ? NIBBLE[c0]! : -1, lo = c1 < 128 ? NIBBLE[c1]! : -1;
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? p : p + 1;
      throw new UserError(`invalid hex character ${JSON.stringify(s[at])} at column ${line.indent + at + 1}`, file, line.line);
    }
    out[i] = (hi << 4) | lo;
  }
  return n;
}

/** A reusable decode buffer, so a large file does not allocate one array per record. */
export interface HexScratch {
  buf: Uint8Array;
}

export function hexScratch(): HexScratch {
  return { buf: new Uint8Array(300) };
}

/**
 * Collects data records, then builds sorted chunks. Records that overlap must agree byte for
 * byte; the error names both lines and is reported at the later one. Record bytes are kept in
 * one growing pool.
 */
export class ChunkCollector {
  private addrs: number[] = [];
  /** Start of each record's bytes in `pool`; record r ends where r + 1 starts. */
  private starts: number[] = [0];
  private lines: number[] = [];
  private pool = new Uint8Array(4096);
  private used = 0;
  /** True while every record starts at or after the previous one's end (the usual file). */
  private ordered = true;
  private lastEnd = 0;

  constructor(private readonly file: string) {}

  /** Adds src[from, from + len) at `addr`; `addr + len` must not exceed 2^32 (the caller checks). */
  add(addr: number, src: Uint8Array, from: number, len: number, line: number): void {
    if (len === 0) return;
    if (addr < this.lastEnd) this.ordered = false;
    this.lastEnd = addr + len;
    if (this.used + len > this.pool.length) {
      const next = new Uint8Array(Math.max(2 * this.pool.length, this.used + len));
      next.set(this.pool.subarray(0, this.used));
      this.pool = next;
    }
    for (let i = 0; i < len; i++) this.pool[this.used + i] = src[from + i]!;
    this.used += len;
    this.addrs.push(addr);
    this.starts.push(this.used);
    this.lines.push(line);
  }

  finish(): MemChunk[] {
    const n = this.addrs.length;
    const { addrs } = this;
    const order = Array.from({ length: n }, (_, i) => i);
    if (!this.ordered) order.sort((a, b) => addrs[a]! - addrs[b]! || a - b);
    const chunks: MemChunk[] = [];
    for (let g = 0; g < n;) {
      // A group is a maximal run of records that touch or overlap: one chunk.
      const start = addrs[order[g]!]!;
      let end = start + this.len(order[g]!);
      let overlaps = false;
      let k = g + 1;
      for (; k < n; k++) {
        const a = addrs[order[k]!]!;
        if (a > end) break;
        if (a < end) overlaps = true;
        end = Math.max(end, a + this.len(order[k]!));
      }
      chunks.push({ addr: start, data: this.fill(order, g, k, start, end - start, overlaps) });
      g = k;
    }
    return chunks;
  }

  private len(r: number): number {
    return this.starts[r + 1]! - this.starts[r]!;
  }

  /** Builds one chunk from records order[g..k). */
  private fill(order: number[], g: number, k: number, start: number, size: number, overlaps: boolean): Uint8Array {
    const { pool, starts } = this;
    if (!overlaps && k - g === 1) return pool.slice(starts[order[g]!]!, starts[order[g]! + 1]!);
    const buf = new Uint8Array(size);
    if (!overlaps) {
      for (let j = g; j < k; j++) {
        const r = order[j]!;
        buf.set(pool.subarray(starts[r]!, starts[r + 1]!), this.addrs[r]! - start);
      }
      return buf;
    }
    const written = new Uint8Array(size);
    for (let j = g; j < k; j++) {
      const r = order[j]!;
      const base = this.addrs[r]! - start;
      for (let i = 0, q = starts[r]!; q < starts[r + 1]!; i++, q++) {
        const p = base + i;
        if (written[p] && buf[p] !== pool[q]) this.conflict(order.slice(g, j), r, start + p, buf[p]!);
        buf[p] = pool[q]!;
        written[p] = 1;
      }
    }
    return buf;
  }

  private conflict(earlier: number[], r: number, addr: number, old: number): never {
    const covers = (q: number): boolean => addr >= this.addrs[q]! && addr < this.addrs[q]! + this.len(q);
    const q = earlier.find((e) => covers(e) && this.byteAt(e, addr) === old)!;
    const [later, other] = this.lines[r]! > this.lines[q]! ? [r, q] : [q, r];
    throw new UserError(
      `data at ${hex(addr)} conflicts with line ${this.lines[other]} (${hex(this.byteAt(later, addr), 2)} here, ${hex(this.byteAt(other, addr), 2)} there)`,
      this.file,
      this.lines[later],
    );
  }

  private byteAt(r: number, addr: number): number {
    return this.pool[this.starts[r]! + addr - this.addrs[r]!]!;
  }
}

/** Validates and sorts writer input; overlapping chunks are a caller bug (RangeError). */
export function sortedChunks(chunks: MemChunk[]): MemChunk[] {
  const sorted = [...chunks].sort((a, b) => a.addr - b.addr);
  let prevEnd = 0;
  let prev: MemChunk | undefined;
  for (const c of sorted) {
    if (!Number.isInteger(c.addr) || c.addr < 0 || c.addr + c.data.length > ADDR_LIMIT) {
      throw new RangeError(`chunk at ${c.addr} (length ${c.data.length}) is outside the 32-bit address space`);
    }
    if (prev && c.addr < prevEnd && c.data.length > 0) {
      throw new RangeError(`chunks overlap: ${hex(prev.addr)}..${hex(prevEnd)} and ${hex(c.addr)}..${hex(c.addr + c.data.length)}`);
    }
    if (c.data.length > 0) {
      prev = c;
      prevEnd = c.addr + c.data.length;
    }
  }
  return sorted;
}

/** Checks a writer's record size option. */
export function recordSize(n: number | undefined, max: number): number {
  const size = n ?? 16;
  if (!Number.isInteger(size) || size < 1 || size > max) throw new RangeError(`bytesPerRecord must be an integer in 1..${max}, got ${size}`);
  return size;
}

/** Checks a writer's entry address. */
export function checkEntry(entry: number | null): void {
  if (entry !== null && (!Number.isInteger(entry) || entry < 0 || entry >= ADDR_LIMIT)) {
    throw new RangeError(`entry ${entry} is not an unsigned 32-bit address`);
  }
}

/** ASCII output into a growing byte buffer: no per-byte string concatenation. */
export class AsciiOut {
  private buf = new Uint8Array(4096);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  char(code: number): void {
    this.room(1);
    this.buf[this.len++] = code;
  }

  /** Two uppercase hex digits. */
  byte(b: number): void {
    this.room(2);
    this.buf[this.len++] = HEX_CODES[2 * b]!;
    this.buf[this.len++] = HEX_CODES[2 * b + 1]!;
  }

  /** Hex digits of `data`, returning their byte sum (for checksums). */
  bytes(data: Uint8Array): number {
    this.room(2 * data.length);
    let sum = 0;
    const { buf } = this;
    let p = this.len;
    for (let i = 0; i < data.length; i++) {
      const b = data[i]!;
      buf[p++] = HEX_CODES[2 * b]!;
      buf[p++] = HEX_CODES[2 * b + 1]!;
      sum += b;
    }
    this.len = p;
    return sum;
  }

  text(): string {
    return new TextDecoder('latin1').decode(this.buf.subarray(0, this.len));
  }
}

/**
 * Test support for the image readers: a minimal ELF32 LE writer (so ELF tests need no cross
 * compiler), a seeded PRNG, mutation operators for the fuzz tests and a UserError catcher.
 * Not used by production code.
 */
import { UserError } from '../sim/errors.ts';

export interface TestSegment {
  vaddr: number;
  paddr?: number;
  data: Uint8Array;
  memSize?: number;
  flags?: number;
  align?: number;
  type?: number;
}

export interface TestSymbol {
  name: string;
  value: number;
  /** STB_* (default GLOBAL = 1). */
  bind?: number;
  /** STT_* (default NOTYPE = 0). */
  type?: number;
  /** Section index (default 1, the first segment's section). */
  shndx?: number;
}

export interface TestElf {
  entry?: number;
  flags?: number;
  eType?: number;
  machine?: number;
  segments: TestSegment[];
  symbols?: TestSymbol[];
}

/** Where the builder put things, so tests can patch fields. */
export interface ElfLayout {
  bytes: Uint8Array;
  phoff: number;
  shoff: number;
  shnum: number;
  /** Section index of .symtab, .strtab, .shstrtab. */
  symtab: number;
  strtab: number;
  shstrtab: number;
  /** File offset of the symbol table entries. */
  symoff: number;
}

/**
 * Builds an executable: header, program headers, segment data, then sections
 * [null, .seg0.., .symtab, .strtab, .shstrtab], then the section header table.
 */
export function buildElf(spec: TestElf): ElfLayout {
  const segs = spec.segments;
  const syms = spec.symbols ?? [];
  const phoff = 52;
  let off = phoff + segs.length * 32;
  const segOff: number[] = [];
  for (const s of segs) {
    off = (off + 3) & ~3;
    segOff.push(off);
    off += s.data.length;
  }
  const strtab = stringTable(syms.map((s) => s.name));
  const secNames = [...segs.map((_, i) => `.seg${i}`), '.symtab', '.strtab', '.shstrtab'];
  const shstr = stringTable(secNames);
  off = (off + 3) & ~3;
  const symoff = off;
  off += (syms.length + 1) * 16;
  const stroff = off;
  off += strtab.bytes.length;
  const shstroff = off;
  off += shstr.bytes.length;
  off = (off + 3) & ~3;
  const shoff = off;
  const shnum = segs.length + 4;
  const bytes = new Uint8Array(shoff + shnum * 40);
  const v = new DataView(bytes.buffer);

  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  v.setUint16(16, spec.eType ?? 2, true);
  v.setUint16(18, spec.machine ?? 8, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, spec.entry ?? segs[0]?.vaddr ?? 0, true);
  v.setUint32(28, segs.length ? phoff : 0, true);
  v.setUint32(32, shoff, true);
  v.setUint32(36, spec.flags ?? 0x70001001, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, segs.length, true);
  v.setUint16(46, 40, true);
  v.setUint16(48, shnum, true);
  v.setUint16(50, shnum - 1, true);

  segs.forEach((s, i) => {
    const at = phoff + i * 32;
    v.setUint32(at, s.type ?? 1, true);
    v.setUint32(at + 4, segOff[i]!, true);
    v.setUint32(at + 8, s.vaddr >>> 0, true);
    v.setUint32(at + 12, (s.paddr ?? s.vaddr) >>> 0, true);
    v.setUint32(at + 16, s.data.length, true);
    v.setUint32(at + 20, s.memSize ?? s.data.length, true);
    v.setUint32(at + 24, s.flags ?? 5, true);
    v.setUint32(at + 28, s.align ?? 4, true);
    bytes.set(s.data, segOff[i]!);
  });

  syms.forEach((s, i) => {
    const at = symoff + (i + 1) * 16;
    v.setUint32(at, strtab.offsets[i]!, true);
    v.setUint32(at + 4, s.value >>> 0, true);
    bytes[at + 12] = ((s.bind ?? 1) << 4) | (s.type ?? 0);
    v.setUint16(at + 14, s.shndx ?? 1, true);
  });
  bytes.set(strtab.bytes, stroff);
  bytes.set(shstr.bytes, shstroff);

  const section = (i: number, name: number, type: number, flags: number, addr: number, o: number, size: number, link = 0, entsize = 0): void => {
    const at = shoff + i * 40;
    v.setUint32(at, name, true);
    v.setUint32(at + 4, type, true);
    v.setUint32(at + 8, flags, true);
    v.setUint32(at + 12, addr >>> 0, true);
    v.setUint32(at + 16, o, true);
    v.setUint32(at + 20, size, true);
    v.setUint32(at + 24, link, true);
    v.setUint32(at + 36, entsize, true);
  };
  segs.forEach((s, i) => section(i + 1, shstr.offsets[i]!, 1, ((s.flags ?? 5) & 1) !== 0 ? 6 : 3, s.vaddr, segOff[i]!, s.data.length));
  const n = segs.length;
  section(n + 1, shstr.offsets[n]!, 2, 0, 0, symoff, (syms.length + 1) * 16, n + 2, 16);
  section(n + 2, shstr.offsets[n + 1]!, 3, 0, 0, stroff, strtab.bytes.length);
  section(n + 3, shstr.offsets[n + 2]!, 3, 0, 0, shstroff, shstr.bytes.length);
  return { bytes, phoff, shoff, shnum, symtab: n + 1, strtab: n + 2, shstrtab: n + 3, symoff };
}

function stringTable(names: string[]): { bytes: Uint8Array; offsets: number[] } {
  const enc = new TextEncoder();
  const parts: number[] = [0];
  const offsets = names.map((name) => {
    const at = parts.length;
    parts.push(...enc.encode(name), 0);
    return at;
  });
  return { bytes: Uint8Array.from(parts), offsets };
}

/** mulberry32: small, seedable, good enough to drive fuzzing deterministically. */
export function rng(seed: number): { next(): number; int(n: number): number } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

/**
 * Applies 1..4 random mutations: bit flip, truncation, byte insertion, byte deletion, or a
 * 1/2/4-byte field overwritten with an extreme value (`hot` offsets are chosen half the time,
 * so header fields get hit often).
 */
export function mutate(input: Uint8Array, r: ReturnType<typeof rng>, hot: number[] = []): Uint8Array {
  let b: Uint8Array = input.slice();
  const count = 1 + r.int(4);
  for (let k = 0; k < count; k++) {
    const op = r.int(6);
    if (b.length === 0) break;
    const pos = hot.length && r.next() < 0.5 ? Math.min(hot[r.int(hot.length)]!, b.length - 1) : r.int(b.length);
    if (op === 0 || op === 1) {
      b[pos]! ^= 1 << r.int(8);
    } else if (op === 2) {
      b = b.slice(0, r.int(b.length));
    } else if (op === 3) {
      const ins = new Uint8Array(1 + r.int(8)).map(() => r.int(256));
      b = concat(b.subarray(0, pos), ins, b.subarray(pos));
    } else if (op === 4) {
      b = concat(b.subarray(0, pos), b.subarray(pos + 1 + r.int(8)));
    } else {
      const width = [1, 2, 4][r.int(3)]!;
      const val = EXTREMES[r.int(EXTREMES.length)]!;
      for (let i = 0; i < width && pos + i < b.length; i++) b[pos + i] = (val >>> (8 * i)) & 0xff;
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs `fn`, expecting a UserError; returns it (fails the test with the real error otherwise). */
export function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

/** Runs `fn` and reports whether it threw a UserError; any other exception propagates. */
export function parsesOrUserError(fn: () => unknown): 'ok' | 'error' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof UserError) return 'error';
    throw e;
  }
}

/** Byte equality without vitest's slow element-by-element diff (for megabyte arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Chunks with data as hex strings: cheap to compare and readable in a failure diff. */
export function hexChunks(chunks: { addr: number; data: Uint8Array }[]): { addr: number; hex: string }[] {
  return chunks.map((c) => ({ addr: c.addr, hex: Array.from(c.data, (b) => HEX2[b]).join('') }));
}

/**
 * Recomputes the checksum of every line that looks like a record (`S`/`:` then hex), so fuzzed
 * files get past the checksum and reach the semantic checks behind it.
 */
export function fixChecksums(text: string, kind: 'srec' | 'ihex'): string {
  return text.split('\n').map((line) => {
    const from = kind === 'srec' ? 2 : 1;
    const body = line.replace(/\r$/, '');
    if (body.length < from + 4 || !/^[0-9A-Fa-f]+$/.test(body.slice(from)) || (body.length - from) % 2) return line;
    let sum = 0;
    for (let p = from; p < body.length - 2; p += 2) sum += parseInt(body.slice(p, p + 2), 16);
    const ck = (kind === 'srec' ? ~sum : -sum) & 0xff;
    return body.slice(0, -2) + HEX2[ck]!.toUpperCase() + line.slice(body.length);
  }).join('\n');
}

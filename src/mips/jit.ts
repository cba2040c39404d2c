/**
 * Block compiler (DESIGN.md "Decode once ... blocks are compiled to JavaScript functions").
 * A hot straight-line run of simple instructions, ending with a branch and its delay slot, is
 * turned into one JavaScript function. Blocks contain fast paths only: whenever an instruction
 * would need the slow path (translation miss, MMIO, unaligned access, overflow, a trap, the FPU
 * disabled) the block stops *before* it and the interpreter executes it, so exceptions,
 * interrupts and MMIO stay in one place (cpu.ts).
 *
 * Blocks are keyed by the host word offset of their first instruction and remember the virtual
 * PC they were compiled for (PCs are baked in). A page holding compiled code gets no store
 * translations, so every store to it takes the slow path, which drops the page's blocks.
 */
import { SOFT_MASK } from './softtlb.ts';
import { LAZY_ADD, LAZY_MADD, LAZY_MUL } from './fpu.ts';

/** A compiled block: returns how many instructions it executed and leaves cpu.pc/npc/nextDs set. */
export type BlockFn = (cpu: unknown, r: Int32Array, m8: Uint8Array, m16: Uint16Array, m32: Int32Array,
  lt: Int32Array, lo: Int32Array, st: Int32Array, so: Int32Array, room: number) => number;

/** Executions of a block start before it is compiled. */
export const JIT_HOT = 16;
/** Longest block, in instructions. */
export const JIT_MAX_BLOCK = 64;
/** A page whose blocks were dropped this many times is left to the interpreter. */
export const JIT_MAX_PAGE_INVALIDATIONS = 8;

export class BlockCache {
  readonly fns: (BlockFn | undefined)[];
  /** Instructions in the block (for the budget check). */
  readonly len: Uint8Array;
  /** Virtual PC the block was compiled for. */
  readonly va: Int32Array;
  readonly hits: Uint8Array;
  /** Host 4 KB pages with compiled blocks: no store translations for them. */
  readonly codePage: Uint8Array;
  private readonly invalidations: Uint8Array;
  /** Called when a page becomes a code page, so store translations to it can be dropped. */
  onCodePage: (hostPage: number) => void = () => {};
  compiled = 0;
  /** Blocks whose generated source did not compile (always 0 unless the generator has a bug). */
  compileErrors = 0;

  constructor(
    private readonly m32: Int32Array,
    memBytes: number,
    /** Executions of a block start before it is compiled. */
    readonly hot = JIT_HOT,
  ) {
    const words = memBytes >>> 2;
    this.fns = new Array<BlockFn | undefined>(words).fill(undefined);
    this.len = new Uint8Array(words);
    this.va = new Int32Array(words);
    this.hits = new Uint8Array(words);
    this.codePage = new Uint8Array((memBytes + 4095) >>> 12);
    this.invalidations = new Uint8Array(this.codePage.length);
  }

  /** Compiles the block at host word `hw` (virtual `pc`); leaves nothing if the first instruction is not simple. */
  compile(hw: number, pc: number): void {
    const page = hw >>> 10;
    if (this.invalidations[page]! >= JIT_MAX_PAGE_INVALIDATIONS) return;
    const g = generate(this.m32, hw, pc);
    if (g === null) return;
    let fn: BlockFn;
    try {
      fn = new Function('cpu', 'r', 'm8', 'm16', 'm32', 'lt', 'lo', 'st', 'so', 'room', g.body) as BlockFn;
    } catch {
      // A generator bug must not stop the machine: the interpreter runs this code instead.
      this.compileErrors++;
      this.invalidations[page] = JIT_MAX_PAGE_INVALIDATIONS;
      return;
    }
    this.fns[hw] = fn;
    this.len[hw] = g.len;
    this.va[hw] = pc;
    this.compiled++;
    if (!this.codePage[page]) {
      this.codePage[page] = 1;
      this.onCodePage(page);
    }
  }

  /** Compiles the block at `hw` for `pc` and returns it (undefined when nothing was compiled). */
  compileAt(hw: number, pc: number): BlockFn | undefined {
    this.compile(hw, pc);
    return this.va[hw] === pc ? this.fns[hw] : undefined;
  }

  /** Drops every block in host page `page` (its memory was written). */
  dropPage(page: number): void {
    if (!this.codePage[page]) return;
    this.codePage[page] = 0;
    if (this.invalidations[page]! < 255) this.invalidations[page]!++;
    const lo = page << 10;
    this.fns.fill(undefined, lo, lo + 1024);
    this.hits.fill(0, lo, lo + 1024);
  }

  /** Drops the blocks of pages touched by host byte range [off, off+len). */
  dropRange(off: number, len: number): void {
    for (let p = off >>> 12; p <= (off + len - 1) >>> 12; p++) this.dropPage(p);
  }

  /** Drops every block (reset). Only pages that hold code are cleared: this runs at every boot. */
  clear(): void {
    const cp = this.codePage;
    for (let p = 0; p < cp.length; p++) {
      if (cp[p]) {
        cp[p] = 0;
        this.fns.fill(undefined, p << 10, (p + 1) << 10);
      }
    }
    this.hits.fill(0);
  }
}

interface Generated {
  body: string;
  len: number;
}

const hex = (n: number): string => String(n | 0);

/** Instruction kinds as the generator sees them. */
const enum Kind {
  /** Not compilable: the block ends before it. */
  No,
  Simple,
  /** Branch or jump with a delay slot. */
  Branch,
}

/** Builds the source of the block starting at host word `hw`, virtual `pc`. */
function generate(m32: Int32Array, hw: number, pc: number): Generated | null {
  // `cnt` counts instructions of completed loop iterations: a block that branches back to its
  // own start runs again inside the function while the time budget (`room`) allows.
  const out: string[] = ['let tgt = 0, va = 0, e = 0, v = 0, cnt = 0;', 'for (;;) {'];
  const pageEnd = (hw | 1023) + 1;
  let i = 0;
  for (; i < JIT_MAX_BLOCK && hw + i < pageEnd; i++) {
    const w = m32[hw + i]!;
    const ipc = (pc + 4 * i) | 0;
    const k = kind(w);
    if (k === Kind.No) break;
    if (k === Kind.Simple) {
      out.push(simple(w, ipc, i, false));
      continue;
    }
    // A branch: only with its delay slot in the same page, and the slot must be simple.
    if (hw + i + 1 >= pageEnd || kind(m32[hw + i + 1]!) !== Kind.Simple) break;
    out.push(branch(w, ipc, i));
    out.push(simple(m32[hw + i + 1]!, (ipc + 4) | 0, i + 1, true, w));
    const len = i + 2;
    out.push(`if (tgt === ${hex(pc)} && cnt + ${2 * len} <= room) { cnt += ${len}; continue; }`);
    out.push(`cpu.pc = tgt; cpu.npc = (tgt + 4) | 0; cpu.nextDs = false; return cnt + ${len};`, '}');
    return { body: out.join('\n'), len };
  }
  if (i === 0) return null;
  const end = (pc + 4 * i) | 0;
  out.push(`cpu.pc = ${hex(end)}; cpu.npc = ${hex(end + 4)}; cpu.nextDs = false; return cnt + ${i};`, '}');
  return { body: out.join('\n'), len: i };
}

/**
 * Leave the block before instruction `i` at `ipc` (the interpreter takes over there). In a delay
 * slot the branch (`brw`) ran in the block: the interpreter needs it for BadInstrP.
 */
function punt(ipc: number, i: number, inDs: boolean, brw = 0): string {
  return inDs
    ? `{ cpu.pc = ${hex(ipc)}; cpu.npc = tgt; cpu.nextDs = true; cpu.brw = ${hex(brw)}; return cnt + ${i}; }`
    : `{ cpu.pc = ${hex(ipc)}; cpu.npc = ${hex(ipc + 4)}; cpu.nextDs = false; return cnt + ${i}; }`;
}

/** SPECIAL functions a block may contain (SYSCALL, BREAK, traps and reserved ones end it). */
const SPECIAL_SIMPLE = new Set([0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x0a, 0x0b, 0x0f, 0x10, 0x11, 0x12, 0x13,
  0x18, 0x19, 0x1a, 0x1b, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2a, 0x2b]);

function kind(w: number): Kind {
  const op = w >>> 26;
  const rt = (w >>> 16) & 31;
  switch (op) {
    case 0x00: {
      const f = w & 63;
      if (f === 0x08 || f === 0x09) return Kind.Branch;
      return SPECIAL_SIMPLE.has(f) ? Kind.Simple : Kind.No;
    }
    case 0x01:
      return rt <= 3 || (rt >= 0x10 && rt <= 0x13) ? Kind.Branch : Kind.No;
    case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07:
    case 0x14: case 0x15: case 0x16: case 0x17:
      return Kind.Branch;
    case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x0e: case 0x0f:
      return Kind.Simple;
    case 0x11: {
      const rs = (w >>> 21) & 31;
      return rs === 8 ? Kind.Branch : Kind.Simple;
    }
    case 0x13: { // COP1X: MADD/MSUB/NMADD/NMSUB .S/.D only (indexed loads/stores end the block)
      const f = w & 63;
      return f >>> 3 >= 4 && (f & 7) <= 1 ? Kind.Simple : Kind.No;
    }
    case 0x1c: {
      const f = w & 63;
      return f <= 2 || f === 4 || f === 5 || f === 0x20 || f === 0x21 ? Kind.Simple : Kind.No;
    }
    case 0x1f: {
      const f = w & 63, sa = (w >>> 6) & 31;
      if (f === 0x00 || f === 0x04) return Kind.Simple;
      if (f === 0x20 && (sa === 0x02 || sa === 0x10 || sa === 0x18)) return Kind.Simple;
      return Kind.No;
    }
    case 0x20: case 0x21: case 0x23: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2b: case 0x33:
    case 0x31: case 0x35: case 0x39: case 0x3d:
      return Kind.Simple;
    default:
      return Kind.No;
  }
}

/** JavaScript for one non-branch instruction (it may punt, never raises). */
function simple(w: number, ipc: number, i: number, inDs: boolean, brw = 0): string {
  const rs = (w >>> 21) & 31, rt = (w >>> 16) & 31, rd = (w >>> 11) & 31, sa = (w >>> 6) & 31;
  const simm = (w << 16) >> 16, uimm = w & 0xffff;
  const P = punt(ipc, i, inDs, brw);
  const R = (n: number): string => (n === 0 ? '0' : `r[${n}]`);
  const set = (n: number, expr: string): string => (n === 0 ? '' : `r[${n}] = ${expr};`);
  const M = SOFT_MASK;
  const load = (cond: string, get: string): string =>
    `va = (${R(rs)} + ${simm}) | 0; e = (va >>> 12) & ${M}; if (lt[e] !== va >>> 12${cond}) ${P} v = ${get}; ${set(rt, 'v')}`;
  const store = (cond: string, put: string): string =>
    `va = (${R(rs)} + ${simm}) | 0; e = (va >>> 12) & ${M}; if (st[e] !== va >>> 12${cond}) ${P} ${put};`;
  const fpuOn = `if (!cpu.cu1ok) ${P}`;
  switch (w >>> 26) {
    case 0x00:
      switch (w & 63) {
        case 0x00: return set(rd, `${R(rt)} << ${sa}`);
        case 0x01: return `${fpuOn} if (cpu.fpu.cc(${(w >>> 18) & 7}) === ${(w >>> 16 & 1) === 1}) { ${set(rd, R(rs))} }`;
        case 0x02: return set(rd, w & (1 << 21) ? `(${R(rt)} >>> ${sa}) | (${R(rt)} << ${32 - sa})` : `${R(rt)} >>> ${sa}`);
        case 0x03: return set(rd, `${R(rt)} >> ${sa}`);
        case 0x04: return set(rd, `${R(rt)} << (${R(rs)} & 31)`);
        case 0x06: return set(rd, w & (1 << 6) ? `(${R(rt)} >>> (${R(rs)} & 31)) | (${R(rt)} << (32 - (${R(rs)} & 31)))` : `${R(rt)} >>> (${R(rs)} & 31)`);
        case 0x07: return set(rd, `${R(rt)} >> (${R(rs)} & 31)`);
        case 0x0a: return rd === 0 ? '' : `if (${R(rt)} === 0) r[${rd}] = ${R(rs)};`;
        case 0x0b: return rd === 0 ? '' : `if (${R(rt)} !== 0) r[${rd}] = ${R(rs)};`;
        case 0x0f: return '';
        case 0x10: return set(rd, 'cpu.hi');
        case 0x11: return `cpu.hi = ${R(rs)};`;
        case 0x12: return set(rd, 'cpu.lo');
        case 0x13: return `cpu.lo = ${R(rs)};`;
        case 0x18: return `cpu.mult(${R(rs)}, ${R(rt)});`;
        case 0x19: return `cpu.multu(${R(rs)}, ${R(rt)});`;
        case 0x1a: return `{ const a = ${R(rs)}, b = ${R(rt)}; if (b === 0) { cpu.lo = -1; cpu.hi = a; } else { cpu.lo = (a / b) | 0; cpu.hi = (a % b) | 0; } }`;
        case 0x1b: return `{ const a = ${R(rs)} >>> 0, b = ${R(rt)} >>> 0; if (b === 0) { cpu.lo = -1; cpu.hi = a | 0; } else { cpu.lo = (a / b) | 0; cpu.hi = (a % b) | 0; } }`;
        case 0x20: return `v = ${R(rs)} + ${R(rt)}; if (v > 2147483647 || v < -2147483648) ${P} ${set(rd, 'v')}`;
        case 0x21: return set(rd, `(${R(rs)} + ${R(rt)}) | 0`);
        case 0x22: return `v = ${R(rs)} - ${R(rt)}; if (v > 2147483647 || v < -2147483648) ${P} ${set(rd, 'v')}`;
        case 0x23: return set(rd, `(${R(rs)} - ${R(rt)}) | 0`);
        case 0x24: return set(rd, `${R(rs)} & ${R(rt)}`);
        case 0x25: return set(rd, `${R(rs)} | ${R(rt)}`);
        case 0x26: return set(rd, `${R(rs)} ^ ${R(rt)}`);
        case 0x27: return set(rd, `~(${R(rs)} | ${R(rt)})`);
        case 0x2a: return set(rd, `${R(rs)} < ${R(rt)} ? 1 : 0`);
        case 0x2b: return set(rd, `${R(rs)} >>> 0 < ${R(rt)} >>> 0 ? 1 : 0`);
        default: throw new Error('jit: not simple');
      }
    case 0x08: return `v = ${R(rs)} + ${simm}; if (v > 2147483647 || v < -2147483648) ${P} ${set(rt, 'v')}`;
    case 0x09: return set(rt, `(${R(rs)} + ${simm}) | 0`);
    case 0x0a: return set(rt, `${R(rs)} < ${simm} ? 1 : 0`);
    case 0x0b: return set(rt, `${R(rs)} >>> 0 < ${simm >>> 0} ? 1 : 0`);
    case 0x0c: return set(rt, `${R(rs)} & ${uimm}`);
    case 0x0d: return set(rt, `${R(rs)} | ${uimm}`);
    case 0x0e: return set(rt, `${R(rs)} ^ ${uimm}`);
    case 0x0f: return set(rt, hex(w << 16));
    case 0x11: {
      const fast = fpDouble(w);
      const call = `if (cpu.fpu.execCop1(r, ${hex(w)}) !== 0) ${P}`;
      return fast === null ? `${fpuOn} ${call}` : `${fpuOn} { let done = false; ${fast} if (!done) ${call} }`;
    }
    case 0x13: {
      const fast = fpMadd(w);
      const call = `if (cpu.fpu.execCop1x(r, ${hex(w)}) !== 0) ${P}`;
      return fast === null ? `${fpuOn} ${call}` : `${fpuOn} { let done = false; ${fast} if (!done) ${call} }`;
    }
    case 0x1c:
      switch (w & 63) {
        case 0x00: return `cpu.madd(${R(rs)}, ${R(rt)}, 1);`;
        case 0x01: return `cpu.maddu(${R(rs)}, ${R(rt)}, 1);`;
        case 0x02: return set(rd, `Math.imul(${R(rs)}, ${R(rt)})`);
        case 0x04: return `cpu.madd(${R(rs)}, ${R(rt)}, -1);`;
        case 0x05: return `cpu.maddu(${R(rs)}, ${R(rt)}, -1);`;
        case 0x20: return set(rd, `Math.clz32(${R(rs)})`);
        default: return set(rd, `Math.clz32(~${R(rs)})`);
      }
    case 0x1f:
      switch (w & 63) {
        case 0x00: {
          const size = rd + 1;
          return set(rt, size >= 32 ? `${R(rs)} >>> ${sa}` : `(${R(rs)} >>> ${sa}) & ${(1 << size) - 1}`);
        }
        case 0x04: {
          if (rd < sa) return '';
          const size = rd - sa + 1;
          const mask = ((size >= 32 ? -1 : (1 << size) - 1) << sa) | 0;
          return set(rt, `(${R(rt)} & ${~mask}) | ((${R(rs)} << ${sa}) & ${mask})`);
        }
        default:
          if (sa === 0x02) return set(rd, `((${R(rt)} & 0x00ff00ff) << 8) | ((${R(rt)} >>> 8) & 0x00ff00ff)`);
          if (sa === 0x10) return set(rd, `(${R(rt)} << 24) >> 24`);
          return set(rd, `(${R(rt)} << 16) >> 16`);
      }
    case 0x20: return load('', '(m8[(va + lo[e]) | 0] << 24) >> 24');
    case 0x24: return load('', 'm8[(va + lo[e]) | 0]');
    case 0x21: return load(' || (va & 1) !== 0', '(m16[((va + lo[e]) | 0) >> 1] << 16) >> 16');
    case 0x25: return load(' || (va & 1) !== 0', 'm16[((va + lo[e]) | 0) >> 1]');
    case 0x23: return load(' || (va & 3) !== 0', 'm32[((va + lo[e]) | 0) >> 2]');
    case 0x28: return store('', `m8[(va + so[e]) | 0] = ${R(rt)}`);
    case 0x29: return store(' || (va & 1) !== 0', `m16[((va + so[e]) | 0) >> 1] = ${R(rt)}`);
    case 0x2b: return store(' || (va & 3) !== 0', `m32[((va + so[e]) | 0) >> 2] = ${R(rt)}`);
    case 0x33: return '';
    case 0x31: return `${fpuOn} ${load(' || (va & 3) !== 0', 'm32[((va + lo[e]) | 0) >> 2]').replace(set(rt, 'v'), '')} cpu.fpu.setW(${rt}, v);`;
    case 0x39: return `${fpuOn} ${store(' || (va & 3) !== 0', `m32[((va + so[e]) | 0) >> 2] = cpu.fpu.getW(${rt})`)}`;
    case 0x35: return `${fpuOn} va = (${R(rs)} + ${simm}) | 0; e = (va >>> 12) & ${M}; if (lt[e] !== va >>> 12 || (va & 7) !== 0) ${P} v = ((va + lo[e]) | 0) >> 2; cpu.fpu.setD64(${rt}, m32[v], m32[v + 1]);`;
    case 0x3d: return `${fpuOn} va = (${R(rs)} + ${simm}) | 0; e = (va >>> 12) & ${M}; if (st[e] !== va >>> 12 || (va & 7) !== 0) ${P} v = ((va + so[e]) | 0) >> 2; m32[v] = cpu.fpu.getDLo(${rt}); m32[v + 1] = cpu.fpu.getDHi(${rt});`;
    default: throw new Error('jit: not simple');
  }
}

/** FCSR bits that keep the inline FPU paths off: RM (nearest only), Enables, FS (fpu.ts FAST_FCSR_MASK). */
const FP_FAST_MASK = 0x01000f83;
const FP_MIN = String(2 ** -400);
const FP_MAX = String(2 ** 400);
/** Exact error of a×b (Dekker), as an expression over already-defined a, b, p. */
const MUL_ERR = '((ah * bh - p) + ah * bl + al * bh) + al * bl';
const SPLIT = (x: string, h: string, l: string): string => `const c${h} = 134217729 * ${x}, ${h} = c${h} - (c${h} - ${x}), ${l} = ${x} - ${h};`;
/** Writes the result and this operation's Inexact (cause and flag) the way fpu.ts setInexact does. */
const FP_COMMIT = (fd: number): string =>
  `d[${fd}] = res; f.fcsr = exact ? f.fcsr & ~0x3f000 : (f.fcsr & ~0x3f000) | 0x1004; done = true; break fp;`;

/**
 * Inline ADD/SUB/MUL.D and MOV.D for the common case (the same conditions and results as
 * fpu.ts fastDouble); falls through to the general call otherwise. Null for other functions.
 */
function fpDouble(w: number): string | null {
  if (((w >>> 21) & 31) !== 17) return null;
  const func = w & 63, fd = (w >>> 6) & 31, fs = (w >>> 11) & 31, ft = (w >>> 16) & 31;
  const head = `fp: { const f = cpu.fpu; if ((f.fcsr & ${FP_FAST_MASK}) !== 0 || !f.fr) break fp; const d = f.f64;`;
  if (func === 6) return `fp: { const f = cpu.fpu; if (!f.fr) break fp; const x = f.i32; x[${2 * fd}] = x[${2 * fs}]; x[${2 * fd + 1}] = x[${2 * fs + 1}]; done = true; break fp; }`;
  if (func > 2) return null;
  const operands = `const a = d[${fs}], b = d[${ft}], aa = Math.abs(a), ab = Math.abs(b);
    if (!(aa >= ${FP_MIN} && aa <= ${FP_MAX} && ab >= ${FP_MIN} && ab <= ${FP_MAX})) break fp;`;
  // With Inexact already flagged, Cause is left for fpu.ts lazyCause to work out when read.
  const lazy = (op: number, lb: string): string =>
    `if (f.fcsr & 4) { d[${fd}] = res; f.lazyOp = ${op}; f.la = a; f.lb = ${lb}; done = true; break fp; }`;
  if (func === 2) {
    return `${head} ${operands} const p = a * b; const res = p; if (Math.abs(res) < ${FP_MIN}) break fp; ${lazy(LAZY_MUL, 'b')}
      ${SPLIT('a', 'ah', 'al')} ${SPLIT('b', 'bh', 'bl')}
      const exact = ${MUL_ERR} === 0; ${FP_COMMIT(fd)} }`;
  }
  const bb = func === 0 ? 'b' : '-b';
  return `${head} ${operands} const bb = ${bb}; const res = a + bb; if (Math.abs(res) < ${FP_MIN}) break fp; ${lazy(LAZY_ADD, 'bb')}
    const v = res - a; const exact = (a - (res - v)) + (bb - v) === 0; ${FP_COMMIT(fd)} }`;
}

/** Inline MADD/MSUB/NMADD/NMSUB.D (unfused) in the same conditions as fpu.ts fastMaddD. */
function fpMadd(w: number): string | null {
  const func = w & 63;
  if ((func & 7) !== 1) return null;
  const op = func >>> 3;
  const fr = (w >>> 21) & 31, ft = (w >>> 16) & 31, fs = (w >>> 11) & 31, fd = (w >>> 6) & 31;
  const neg = op >= 6;
  const sub = op === 5 || op === 7;
  return `fp: { const f = cpu.fpu; if ((f.fcsr & ${FP_FAST_MASK}) !== 0 || !f.fr) break fp; const d = f.f64;
    const a = d[${fs}], b = d[${ft}], c = d[${fr}], aa = Math.abs(a), ab = Math.abs(b), ac = Math.abs(c);
    if (!(aa >= ${FP_MIN} && aa <= ${FP_MAX} && ab >= ${FP_MIN} && ab <= ${FP_MAX})) break fp;
    if (!(c === 0 || (ac >= ${FP_MIN} && ac <= ${FP_MAX}))) break fp;
    const p = a * b, cc = ${sub ? '-c' : 'c'}, sum = c === 0 ? p : p + cc;
    if (Math.abs(sum) < ${FP_MIN}) break fp;
    const res = ${neg ? '-sum' : 'sum'};
    if (f.fcsr & 4) { d[${fd}] = res; f.lazyOp = ${LAZY_MADD}; f.la = a; f.lb = b; f.lc = cc; done = true; break fp; }
    ${SPLIT('a', 'ah', 'al')} ${SPLIT('b', 'bh', 'bl')}
    let exact = ${MUL_ERR} === 0;
    if (c !== 0) { const v = sum - p; if ((p - (sum - v)) + (cc - v) !== 0) exact = false; }
    ${FP_COMMIT(fd)} }`;
}

/**
 * JavaScript for a branch at `ipc` (index i): sets `tgt` to where execution continues after
 * the delay slot; a branch-likely that is not taken leaves the block, skipping the slot.
 */
function branch(w: number, ipc: number, i: number): string {
  const rs = (w >>> 21) & 31, rt = (w >>> 16) & 31, rd = (w >>> 11) & 31;
  const R = (n: number): string => (n === 0 ? '0' : `r[${n}]`);
  const taken = hex(ipc + 4 + (((w << 16) >> 16) << 2));
  const fall = hex(ipc + 8);
  const link = hex(ipc + 8);
  const cond = (c: string): string => `tgt = (${c}) ? ${taken} : ${fall};`;
  const likely = (c: string): string =>
    `if (${c}) tgt = ${taken}; else { cpu.pc = ${fall}; cpu.npc = ${hex(ipc + 12)}; cpu.nextDs = false; return cnt + ${i + 1}; }`;
  const P = punt(ipc, i, false);
  switch (w >>> 26) {
    case 0x00:
      if ((w & 63) === 0x08) return `tgt = ${R(rs)};`;
      return `tgt = ${R(rs)}; ${rd === 0 ? '' : `r[${rd}] = ${link};`}`;
    case 0x01:
      switch (rt) {
        case 0x00: return cond(`${R(rs)} < 0`);
        case 0x01: return cond(`${R(rs)} >= 0`);
        case 0x02: return likely(`${R(rs)} < 0`);
        case 0x03: return likely(`${R(rs)} >= 0`);
        case 0x10: return `v = ${R(rs)}; r[31] = ${link}; ${cond('v < 0')}`;
        case 0x11: return `v = ${R(rs)}; r[31] = ${link}; ${cond('v >= 0')}`;
        case 0x12: return `v = ${R(rs)}; r[31] = ${link}; ${likely('v < 0')}`;
        default: return `v = ${R(rs)}; r[31] = ${link}; ${likely('v >= 0')}`;
      }
    case 0x02: return `tgt = ${hex(((ipc + 4) & 0xf0000000) | ((w & 0x3ffffff) << 2))};`;
    case 0x03: return `r[31] = ${link}; tgt = ${hex(((ipc + 4) & 0xf0000000) | ((w & 0x3ffffff) << 2))};`;
    case 0x04: return cond(`${R(rs)} === ${R(rt)}`);
    case 0x05: return cond(`${R(rs)} !== ${R(rt)}`);
    case 0x06: return cond(`${R(rs)} <= 0`);
    case 0x07: return cond(`${R(rs)} > 0`);
    case 0x14: return likely(`${R(rs)} === ${R(rt)}`);
    case 0x15: return likely(`${R(rs)} !== ${R(rt)}`);
    case 0x16: return likely(`${R(rs)} <= 0`);
    case 0x17: return likely(`${R(rs)} > 0`);
    case 0x11: { // BC1F BC1T BC1FL BC1TL
      const c = `cpu.fpu.cc(${(w >>> 18) & 7}) === ${(w & (1 << 16)) !== 0}`;
      return `if (!cpu.cu1ok) ${P} ${w & (1 << 17) ? likely(c) : cond(c)}`;
    }
    default: throw new Error('jit: not a branch');
  }
}

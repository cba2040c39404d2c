/**
 * MIPS32 disassembler driven by the encodings table (encodings.ts, STYLE R3). The text follows
 * GNU objdump for a mips32r2 ELF: ABI register names, objdump's aliases (nop, move, li, b,
 * beqz, ...), CP0 register names like `c0_status` (`$12,6` where objdump has no name), branch
 * and jump targets as bare absolute hex. Words that match no row print `.word\t0x...`.
 */
import { ENCODINGS, type Encoding } from './encodings.ts';

export const GPR_NAMES: readonly string[] = [
  'zero', 'at', 'v0', 'v1', 'a0', 'a1', 'a2', 'a3', 't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7',
  's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 't8', 't9', 'k0', 'k1', 'gp', 'sp', 's8', 'ra',
];

/** CP0 names objdump prints for (reg, sel) under mips32r2; the others print as `$reg` or `$reg,sel`. */
const CP0_NAMED: readonly (readonly [number, number, string])[] = [
  [0, 0, 'index'], [0, 1, 'mvpcontrol'], [0, 2, 'mvpconf0'], [0, 3, 'mvpconf1'],
  [1, 0, 'random'], [1, 1, 'vpecontrol'], [1, 2, 'vpeconf0'], [1, 3, 'vpeconf1'], [1, 4, 'yqmask'],
  [1, 5, 'vpeschedule'], [1, 6, 'vpeschefback'],
  [2, 0, 'entrylo0'], [2, 1, 'tcstatus'], [2, 2, 'tcbind'], [2, 3, 'tcrestart'], [2, 4, 'tchalt'],
  [2, 5, 'tccontext'], [2, 6, 'tcschedule'], [2, 7, 'tcschefback'],
  [3, 0, 'entrylo1'], [4, 0, 'context'], [4, 1, 'contextconfig'], [5, 0, 'pagemask'], [5, 1, 'pagegrain'],
  [6, 0, 'wired'], [6, 1, 'srsconf0'], [6, 2, 'srsconf1'], [6, 3, 'srsconf2'], [6, 4, 'srsconf3'], [6, 5, 'srsconf4'],
  [7, 0, 'hwrena'], [8, 0, 'badvaddr'], [9, 0, 'count'], [10, 0, 'entryhi'], [11, 0, 'compare'],
  [12, 0, 'status'], [12, 1, 'intctl'], [12, 2, 'srsctl'], [12, 3, 'srsmap'],
  [13, 0, 'cause'], [14, 0, 'epc'], [15, 0, 'prid'], [15, 1, 'ebase'],
  [16, 0, 'config'], [16, 1, 'config1'], [16, 2, 'config2'], [16, 3, 'config3'],
  [17, 0, 'lladdr'], [20, 0, 'xcontext'],
  [23, 0, 'debug'], [23, 1, 'tracecontrol'], [23, 2, 'tracecontrol2'], [23, 3, 'usertracedata'], [23, 4, 'tracebpc'],
  [24, 0, 'depc'], [26, 0, 'errctl'], [30, 0, 'errorepc'], [31, 0, 'desave'],
  [28, 0, 'taglo'], [28, 1, 'datalo'], [28, 2, 'taglo1'], [28, 3, 'datalo1'], [28, 4, 'taglo2'], [28, 5, 'datalo2'],
  [28, 6, 'taglo3'], [28, 7, 'datalo3'],
  [29, 0, 'taghi'], [29, 1, 'datahi'], [29, 2, 'taghi1'], [29, 3, 'datahi1'], [29, 4, 'taghi2'], [29, 5, 'datahi2'],
  [29, 6, 'taghi3'], [29, 7, 'datahi3'],
];
/** Registers whose selects print as `c0_name,sel`: [reg, name, highest such sel]. */
const CP0_INDEXED: readonly (readonly [number, string, number])[] = [
  [18, 'watchlo', 7], [19, 'watchhi', 7], [25, 'perfcnt', 7], [27, 'cacheerr', 3],
];

/** Printed name of CP0 register (reg, sel), indexed reg*8+sel. */
export const CP0_NAMES: readonly string[] = (() => {
  const n: string[] = [];
  for (let i = 0; i < 256; i++) n.push((i & 7) === 0 ? `$${i >> 3}` : `$${i >> 3},${i & 7}`);
  for (const [reg, name, top] of CP0_INDEXED) {
    n[reg * 8] = `c0_${name}`;
    for (let s = 1; s <= top; s++) n[reg * 8 + s] = `c0_${name},${s}`;
  }
  for (const [reg, sel, name] of CP0_NAMED) n[reg * 8 + sel] = `c0_${name}`;
  return n;
})();

const HWR_NAMES: Record<number, string> = { 0: 'hwr_cpunum', 1: 'hwr_synci_step', 2: 'hwr_cc', 3: 'hwr_ccres' };
const FCR_NAMES: Record<number, string> = { 0: 'c1_fir', 1: 'c1_ufr', 4: 'c1_unfr', 25: 'c1_fccr', 26: 'c1_fexr', 28: 'c1_fenr', 31: 'c1_fcsr' };

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);
const addr = (v: number): string => (v >>> 0).toString(16);

/** One operand printer: returns the text, or null to leave an optional operand out. */
type Operand = (w: number, pc: number) => string | null;

const rs = (w: number): number => (w >>> 21) & 31;
const rt = (w: number): number => (w >>> 16) & 31;
const rd = (w: number): number => (w >>> 11) & 31;
const sa = (w: number): number => (w >>> 6) & 31;
const simm = (w: number): number => (w << 16) >> 16;
const opt = (v: number, text: string): string | null => (v === 0 ? null : text);

const OPERANDS: Record<string, Operand> = {
  d: (w) => GPR_NAMES[rd(w)]!,
  s: (w) => GPR_NAMES[rs(w)]!,
  t: (w) => GPR_NAMES[rt(w)]!,
  't?': (w) => opt(rt(w), GPR_NAMES[rt(w)]!),
  'ra?': (w) => (rd(w) === 31 ? null : GPR_NAMES[rd(w)]!),
  /** CLZ/CLO: rd and rt must be equal; objdump shows the non-zero one, or both when they differ. */
  dt: (w) => {
    const d = rd(w), t = rt(w);
    if (d === t || t === 0) return GPR_NAMES[d]!;
    return d === 0 ? GPR_NAMES[t]! : `${GPR_NAMES[d]!} or ${GPR_NAMES[t]!}`;
  },
  zero: () => 'zero',
  D: (w) => `$f${sa(w)}`,
  S: (w) => `$f${rd(w)}`,
  T: (w) => `$f${rt(w)}`,
  R: (w) => `$f${rs(w)}`,
  sa: (w) => hex(sa(w)),
  simm: (w) => String(simm(w)),
  uimm: (w) => hex(w & 0xffff),
  mem: (w) => `${simm(w)}(${GPR_NAMES[rs(w)]!})`,
  idx: (w) => `${GPR_NAMES[rt(w)]!}(${GPR_NAMES[rs(w)]!})`,
  br: (w, pc) => addr(pc + 4 + (simm(w) << 2)),
  jt: (w, pc) => addr(((pc + 4) & 0xf0000000) | ((w & 0x3ffffff) << 2)),
  c0: (w) => CP0_NAMES[(rd(w) << 3) | (w & 7)]!,
  hwr: (w) => HWR_NAMES[rd(w)] ?? `$${rd(w)}`,
  fcr: (w) => FCR_NAMES[rd(w)] ?? `$${rd(w)}`,
  cc: (w) => `$fcc${(w >>> 18) & 7}`,
  'cc?': (w) => opt((w >>> 18) & 7, `$fcc${(w >>> 18) & 7}`),
  /** C.cond.fmt condition code field (10:8). */
  'c?': (w) => opt((w >>> 8) & 7, `$fcc${(w >>> 8) & 7}`),
  /** SYSCALL/SDBBP code (25:6). */
  'code20?': (w) => opt((w >>> 6) & 0xfffff, hex((w >>> 6) & 0xfffff)),
  /** BREAK code1 (25:16) and code2 (15:6). */
  brk: (w) => {
    const c1 = (w >>> 16) & 0x3ff, c2 = (w >>> 6) & 0x3ff;
    return c2 !== 0 ? `${hex(c1)},${hex(c2)}` : opt(c1, hex(c1));
  },
  /** Trap code (15:6). */
  'code10?': (w) => opt((w >>> 6) & 0x3ff, hex((w >>> 6) & 0x3ff)),
  'stype?': (w) => opt(sa(w), hex(sa(w))),
  /** WAIT implementation code (24:6). */
  'wait?': (w) => opt((w >>> 6) & 0x7ffff, hex((w >>> 6) & 0x7ffff)),
  /** HYPCALL code (20:11). */
  'hyp?': (w) => opt((w >>> 11) & 0x3ff, hex((w >>> 11) & 0x3ff)),
  /** CACHE operation / PREF hint in the rt field. */
  op: (w) => hex(rt(w)),
  /** PREFX hint in the fs field. */
  xhint: (w) => hex(rd(w)),
  pos: (w) => hex(sa(w)),
  /** EXT size = msbd + 1. */
  esize: (w) => hex(rd(w) + 1),
  /** INS size = msb - lsb + 1. */
  isize: (w) => hex(rd(w) - sa(w) + 1),
};

/** One table row made ready for decoding and printing. */
interface Decoded {
  readonly enc: Encoding;
  readonly match: number;
  readonly mask: number;
  readonly name: string;
  readonly ops: readonly Operand[];
}

/** Rows bucketed by major opcode, most fixed bits first (so aliases win over their base). */
const BUCKETS: readonly Decoded[][] = buildBuckets(ENCODINGS);

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

function buildBuckets(table: readonly Encoding[]): Decoded[][] {
  const buckets: Decoded[][] = Array.from({ length: 64 }, () => []);
  for (const enc of table) {
    const ops = enc.fmt === '' ? [] : enc.fmt.split(',').map((tok) => {
      const f = OPERANDS[tok];
      if (f === undefined) throw new Error(`encodings: ${enc.mn}: unknown operand '${tok}'`);
      return f;
    });
    const d: Decoded = { enc, match: enc.match | 0, mask: enc.mask | 0, name: enc.asm ?? enc.mn.toLowerCase(), ops };
    if ((enc.mask >>> 26) !== 0x3f) throw new Error(`encodings: ${enc.mn}: mask must fix the major opcode`);
    buckets[enc.match >>> 26]!.push(d);
  }
  for (const b of buckets) b.sort((x, y) => popcount(y.mask) - popcount(x.mask));
  return buckets;
}

/** The table row `word` is an instance of (aliases preferred), or null. */
export function decode(word: number): Encoding | null {
  return find(word | 0)?.enc ?? null;
}

function find(w: number): Decoded | null {
  for (const d of BUCKETS[w >>> 26]!) if ((w & d.mask) === d.match) return d;
  return null;
}

/** objdump-style text of `word` at address `pc`, mnemonic and operands separated by a tab. */
export function disassemble(word: number, pc: number): string {
  const w = word | 0;
  const d = find(w);
  if (d === null) return `.word\t${hex(w)}`;
  let text = '';
  for (const f of d.ops) {
    const s = f(w, pc | 0);
    if (s === null) continue;
    text = text === '' ? s : `${text},${s}`;
  }
  return text === '' ? d.name : `${d.name}\t${text}`;
}

/** Operand tokens the printer knows; the encodings test checks every row uses only these. */
export const OPERAND_TOKENS: readonly string[] = Object.keys(OPERANDS);

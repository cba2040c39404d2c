import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENCODINGS } from './encodings.ts';
import { decode, disassemble } from './disasm.ts';

const OBJDUMP = 'mipsel-linux-gnu-objdump';
const AS = 'mipsel-linux-gnu-as';
const PREBUILT = join(import.meta.dirname, '../../guests/prebuilt');

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasObjdump = have(OBJDUMP);
const hasAs = have(AS);
if (!hasObjdump) console.warn(`disasm.test: ${OBJDUMP} not installed; objdump comparisons skipped`);
if (hasObjdump && !hasAs) console.warn(`disasm.test: ${AS} not installed; random-word comparison skipped`);

/**
 * Documented differences: objdump enables every ASE by default, so it decodes words the M5150
 * does not execute (they raise Reserved Instruction or Coprocessor Unusable on the core). We
 * print those as `.word`. Each pattern names what objdump decoded.
 */
const FOREIGN: readonly [RegExp, string][] = [
  [/\$w\d/, 'MSA (vector registers)'],
  [/^(lsa|[a-z_]+\.[bhwdv])\t/, 'MSA (element-size suffixes), LSA'],
  [/\$ac\d|\.(qb|ph|qbl|qbr|phl|phr|qbla|qbra)\b|^(addsc|addwc|modsub|bitrev|balign|bposge32|extp\w*|extr\w*|rddsp|wrdsp|shilo\w*|mthlip|lbux|lhx|lwx|insv|append|prepend|dp\w+\.w\.ph|dpaq_sa\.l\.w|mulsa\w*|maq_\w+|mul\w*\.w|madd|msub|mult)\t/, 'DSP ASE'],
  [/\.(ps|pu|pl|pw)\b|^(bc1any[24][ft]|cabs\.[\w.]+|recip2\.\w+|rsqrt2\.\w+)\t/, 'paired single / MIPS-3D'],
  [/^(fork|yield|mftr|mttr|mft\w+|mtt\w+|dmt|emt|dvpe|evpe)\t/, 'MT ASE'],
  [/^(lbe|lbue|lhe|lhue|lwe|lle|lwle|lwre|sbe|she|swe|sce|swle|swre|cachee|prefe)\t/, 'EVA'],
  [/^(aset|aclr|iret)\b/, 'MCU ASE'],
  [/^(mfc2|mtc2|cfc2|ctc2|mfhc2|mthc2|bc2\w+|lwc2|ldc2|swc2|sdc2|c2)\t/, 'COP2 (none on the M5150)'],
  [/^c[01]\t/, 'generic coprocessor operation'],
  [/^(mfhc0|mthc0|mfhgc0|mthgc0)\t/, 'XPA (not on the M5150)'],
  [/^jalx\t/, 'microMIPS mode switch (MIPS32 only here)'],
  [/^udi\d+\t/, 'user-defined instructions'],
];

function foreign(text: string): string | null {
  for (const [re, why] of FOREIGN) if (re.test(text)) return why;
  return null;
}

/** objdump prints a target as `9d00107c <sym+0x7c>` with a symbol and `0x9d00107c` without. */
function normalise(word: number, text: string): string {
  const t = text.replace(/ <[^>]*>$/, '');
  const fmt = decode(word)?.fmt ?? '';
  return /\b(br|jt)$/.test(fmt) ? t.replace(/([\t,])0x([0-9a-f]+)$/, '$1$2') : t;
}

interface Line { pc: number; word: number; text: string }

function objdumpLines(file: string): Line[] {
  const out = execFileSync(OBJDUMP, ['-d', '-z', file], { maxBuffer: 1 << 28 }).toString();
  const lines: Line[] = [];
  for (const l of out.split('\n')) {
    const m = /^ *([0-9a-f]+):\t([0-9a-f]{8}) \t(.*)$/.exec(l);
    if (m === null) continue;
    const word = parseInt(m[2]!, 16);
    lines.push({ pc: parseInt(m[1]!, 16), word, text: normalise(word, m[3]!.trim()) });
  }
  return lines;
}

/** Compares every line; returns the differences that are not documented. */
function compare(lines: Line[]): { undocumented: string[]; foreign: Map<string, number> } {
  const undocumented: string[] = [];
  const seen = new Map<string, number>();
  for (const { pc, word, text } of lines) {
    const ours = disassemble(word, pc);
    if (ours === text) continue;
    const why = ours.startsWith('.word\t') ? foreign(text) : null;
    if (why === null) undocumented.push(`${pc.toString(16)}: ${word.toString(16).padStart(8, '0')} ours '${ours}' objdump '${text}'`);
    else seen.set(why, (seen.get(why) ?? 0) + 1);
  }
  return { undocumented, foreign: seen };
}

describe('disassemble', () => {
  const cases: [number, number, string][] = [
    [0x27bdffe0, 0, 'addiu\tsp,sp,-32'],
    [0x3c080040, 0, 'lui\tt0,0x40'],
    [0x40886000, 0, 'mtc0\tt0,c0_status'],
    [0x40086006, 0, 'mfc0\tt0,$12,6'],
    [0x4005f802, 0, 'mfc0\ta1,$31,2'],
    [0x000000c0, 0, 'ehb'],
    [0x00000000, 0, 'nop'],
    [0x7d281004, 0, 'ins\tt0,t1,0x0,0x3'],
    [0x7c0003c0, 0, 'ext\tzero,zero,0xf,0x1'],
    [0x0000f025, 0, 'move\ts8,zero'],
    [0x24090003, 0, 'li\tt1,3'],
    [0x112a0006, 0x9d001060, 'beq\tt1,t2,9d00107c'],
    [0x1000fffa, 0x9d001074, 'b\t9d001060'],
    [0x0f400838, 0x9d0010a0, 'jal\t9d0020e0'],
    [0x8d0b0000, 0, 'lw\tt3,0(t0)'],
    [0x0120f809, 0, 'jalr\tt1'],
    [0x0120b809, 0, 'jalr\ts7,t1'],
    [0x0120fc09, 0, 'jalr.hb\tt1'],
    [0x00252082, 0, 'ror\ta0,a1,0x2'],
    [0x0085001a, 0, 'div\tzero,a0,a1'],
    [0x0007000d, 0, 'break\t0x7'],
    [0x0000014d, 0, 'break\t0x0,0x5'],
    [0x03c0000c, 0, 'syscall\t0xf0000'],
    [0x0000040f, 0, 'sync_mb'],
    [0x0000004f, 0, 'sync\t0x1'],
    [0x41606000, 0, 'di'],
    [0x41716000, 0, 'di\ts1'],
    [0x42000018, 0, 'eret'],
    [0x42005028, 0, 'hypcall\t0xa'],
    [0x40600000, 0, 'mfgc0\tzero,c0_index'],
    [0x42000010, 0, 'tlbgp'],
    [0x7c05103b, 0, 'rdhwr\ta1,hwr_cc'],
    [0x70853020, 0, 'clz\ta2 or a1,a0'],
    [0x4450f800, 0, 'cfc1\ts0,c1_fcsr'],
    [0x450d0002, 0x9d003104, 'bc1t\t$fcc3,9d003110'],
    [0x460c6232, 0, 'c.eq.s\t$fcc2,$f12,$f12'],
    [0x460a4032, 0, 'c.eq.s\t$f8,$f10'],
    [0x4c8531a0, 0, 'madd.s\t$f6,$f4,$f6,$f5'],
    [0x4c85300f, 0, 'prefx\t0x6,a1(a0)'],
    [0x46022192, 0, 'movz.s\t$f6,$f4,v0'],
    [0x461d3191, 0, 'movt.s\t$f6,$f6,$fcc7'],
    [0x01209801, 0, 'movf\ts3,t1,$fcc0'],
    [0xbc850010, 0, 'cache\t0x5,16(a0)'],
    [0x00000005, 0, '.word\t0x5'],
    [0xdc000000, 0, '.word\t0xdc000000'],
    [0x48858004, 0, '.word\t0x48858004'], // COP2: the M5150 has none
  ];
  it.each(cases)('%s at %s', (w, pc, text) => {
    expect(disassemble(w, pc)).toBe(text);
  });

  it('prints unknown words as .word and never throws on any word', () => {
    let s = 0x1234567;
    for (let i = 0; i < 20000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) | 0;
      const t = disassemble(s, i * 4);
      expect(t.length).toBeGreaterThan(0);
      if (decode(s) === null) expect(t).toBe(`.word\t0x${(s >>> 0).toString(16)}`);
    }
  });
});

describe.skipIf(!hasObjdump)('disassemble matches objdump', () => {
  const elfs = readdirSync(PREBUILT).filter((f) => f.endsWith('.elf'));

  it.each(elfs)('on every instruction of guests/prebuilt/%s', (name) => {
    const lines = objdumpLines(join(PREBUILT, name));
    expect(lines.length).toBeGreaterThan(100);
    const { undocumented } = compare(lines);
    expect(undocumented).toEqual([]);
  });

  it.skipIf(!hasAs)('on random instances of every row and on random words', () => {
    const words: number[] = [];
    let s = 0x2468ace;
    const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) | 0) ^ (s << 13);
    for (const e of ENCODINGS) for (let i = 0; i < 40; i++) words.push(((next() & ~e.mask) | e.match) >>> 0);
    for (let i = 0; i < 40000; i++) words.push(next() >>> 0);
    const dir = mkdtempSync(join(tmpdir(), 'tinyvp-disasm-'));
    try {
      const src = join(dir, 'w.s'), obj = join(dir, 'w.o');
      writeFileSync(src, '.set noreorder\n.text\n' + words.map((w) => `.word 0x${w.toString(16)}\n`).join(''));
      execFileSync(AS, ['-march=mips32r2', '-EL', '-o', obj, src]);
      const lines = objdumpLines(obj);
      expect(lines.length).toBe(words.length);
      const { undocumented, foreign: f } = compare(lines);
      expect(undocumented.slice(0, 20)).toEqual([]);
      expect(f.size).toBeGreaterThan(0); // the random words do hit other ASEs
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ALLOWED_OVERLAPS, ENCODINGS, type Encoding } from './encodings.ts';
import { OPERAND_TOKENS, decode } from './disasm.ts';

/** Two rows share a word iff they agree on every bit both of them fix. */
function overlap(a: Encoding, b: Encoding): boolean {
  return ((a.mask & b.mask & (a.match ^ b.match)) >>> 0) === 0;
}

const key = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

describe('encodings table', () => {
  it('has unique mnemonics and match bits inside the mask', () => {
    const seen = new Set<string>();
    for (const e of ENCODINGS) {
      expect(seen.has(e.mn), `duplicate ${e.mn}`).toBe(false);
      seen.add(e.mn);
      expect((e.match & ~e.mask) >>> 0, e.mn).toBe(0);
      expect(e.match >>> 0, e.mn).toBe(e.match);
      expect(e.mask >>> 26, `${e.mn} fixes the major opcode`).toBe(0x3f);
    }
  });

  it('uses only operand tokens the printer knows', () => {
    for (const e of ENCODINGS) {
      for (const t of e.fmt === '' ? [] : e.fmt.split(',')) expect(OPERAND_TOKENS, `${e.mn}: ${t}`).toContain(t);
    }
  });

  it('has no overlapping pair of rows except the allowed ones', () => {
    const allowed = new Map(ALLOWED_OVERLAPS.map(([a, b, why]) => [key(a, b), why]));
    const found = new Set<string>();
    const bad: string[] = [];
    for (let i = 0; i < ENCODINGS.length; i++) {
      for (let j = i + 1; j < ENCODINGS.length; j++) {
        const a = ENCODINGS[i]!, b = ENCODINGS[j]!;
        if (!overlap(a, b)) continue;
        const k = key(a.mn, b.mn);
        found.add(k);
        if (!allowed.has(k)) bad.push(`${a.mn} / ${b.mn}`);
      }
    }
    expect(bad).toEqual([]);
    // No stale entries: every allowed pair really overlaps, and one of the two is an alias of the other.
    const byMn = new Map(ENCODINGS.map((e) => [e.mn, e]));
    for (const [a, b, why] of ALLOWED_OVERLAPS) {
      expect(found.has(key(a, b)), `${a}/${b} (${why}) does not overlap`).toBe(true);
      const ea = byMn.get(a)!, eb = byMn.get(b)!;
      expect(ea.alias === b || eb.alias === a || ea.alias === eb.alias, `${a}/${b}`).toBe(true);
    }
  });

  it('gives every alias a base row whose words include the alias words', () => {
    const byMn = new Map(ENCODINGS.map((e) => [e.mn, e]));
    for (const e of ENCODINGS) {
      if (e.alias === undefined) continue;
      const base = byMn.get(e.alias);
      expect(base, `${e.mn} -> ${e.alias}`).toBeDefined();
      expect(base!.alias, `${e.alias} is itself an alias`).toBeUndefined();
      // Every bit the base fixes is fixed the same way by the alias.
      expect(((base!.mask & ~e.mask) >>> 0), e.mn).toBe(0);
      expect(((e.match & base!.mask) >>> 0), e.mn).toBe(base!.match);
    }
  });

  it('carries the VZ encodings of spec §2.2-§2.4 exactly', () => {
    const vz: [number, string][] = [
      [0x40600000 | (8 << 16) | (12 << 11) | 6, 'MFGC0'],
      [0x40600200 | (8 << 16) | (12 << 11) | 0, 'MTGC0'],
      [0x42000009, 'TLBGR'], [0x4200000a, 'TLBGWI'], [0x4200000b, 'TLBGINV'], [0x4200000c, 'TLBGINVF'],
      [0x4200000e, 'TLBGWR'], [0x42000010, 'TLBGP'], [0x42000028 | (10 << 11), 'HYPCALL'],
    ];
    for (const [w, mn] of vz) {
      const e = decode(w);
      expect(e?.mn, w.toString(16)).toBe(mn);
      expect(e?.isa).toBe('VZ');
    }
    expect(decode(0x42000009)?.priv).toBe('root');
  });

  it('covers the instruction groups the core executes', () => {
    const names = new Set(ENCODINGS.map((e) => e.mn));
    const required = [
      'EXT', 'INS', 'WSBH', 'SEB', 'SEH', 'ROTR', 'ROTRV', 'MOVN', 'MOVZ', 'MOVF', 'MOVT', 'MUL', 'MADD', 'MADDU',
      'MSUB', 'MSUBU', 'CLO', 'CLZ', 'LL', 'SC', 'LWL', 'LWR', 'SWL', 'SWR', 'SYNC', 'SYNCI', 'PREF', 'CACHE', 'WAIT',
      'DI', 'EI', 'EHB', 'SSNOP', 'PAUSE', 'JR.HB', 'JALR.HB', 'RDHWR', 'ERET', 'DERET', 'SYSCALL', 'BREAK', 'SDBBP',
      'TEQ', 'TNEI', 'BEQL', 'BGEZALL', 'MFC0', 'MTC0', 'RDPGPR', 'WRPGPR', 'TLBR', 'TLBWI', 'TLBWR', 'TLBP',
      'TLBINV', 'TLBINVF', 'ADD.S', 'SQRT.D', 'CVT.L.D', 'CVT.S.W', 'CVT.D.L', 'C.NGT.D', 'BC1T', 'BC1FL',
      'MFC1', 'MTC1', 'MFHC1', 'MTHC1', 'CFC1', 'CTC1', 'LWXC1', 'SDXC1', 'LUXC1', 'MADD.D', 'NMSUB.S', 'MOVZ.S',
      'MOVT.D', 'RECIP.S', 'RSQRT.D', 'FLOOR.W.S', 'ROUND.L.D',
    ];
    for (const r of required) expect(names, r).toContain(r);
  });

  it('decodes every word the way the table says (no row shadows another)', () => {
    // For each row, its own match word (and a word with all free bits set) decodes to it or to an alias of it.
    for (const e of ENCODINGS) {
      for (const w of [e.match, (e.match | ~e.mask) >>> 0]) {
        const d = decode(w);
        expect(d, `${e.mn} ${w.toString(16)}`).not.toBeNull();
        expect(d!.mn === e.mn || d!.alias === e.mn || (e.alias !== undefined && d!.alias === e.alias) || d!.mn === e.alias, `${e.mn} ${w.toString(16)} -> ${d!.mn}`).toBe(true);
      }
    }
  });
});

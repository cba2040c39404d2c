/**
 * Page-table trees (tinyvp-config-tool.md §4): leaf choice with the fewest TLB pairs, bitmask
 * pages, software subtrees, the ERET page, compression; and the walker's view of them.
 */
import { describe, expect, it } from 'vitest';
import { ELO_D, ELO_RI, ELO_V, ELO_WI, ELO_XI, F_E, F_IL, F_R, F_S, F_U, F_W, attrOf } from '../../src/config/flags.ts';
import { decodeSystemTable, type VmInfo } from '../../src/config/systable.ts';
import { leafEntryLo, lookupGpa, pageMaskOf, readLeaf, walkTree } from '../../src/config/walk.ts';
import { build, userError } from './helpers.ts';

const vm = (body: string): string => `.vm\n id = 1\n entry = 0x9fc00000\n .mmap\n  code = 0x1fc00000 0x1000 rx 0x1d100000\n .\n${body}\n.\n`;
const table = (body: string) => decodeSystemTable(build(vm(body)).table);
const vm1 = (body: string): VmInfo => table(body).vms[1]!;
/** Pairs used besides the fixed code page. */
const pairs = (body: string): number => vm1(body).tlbPairs - 1;

describe('leaf choice', () => {
  it('a 20 KB region takes three 4 KB pairs (a 16 KB page would cover unmapped space)', () => {
    expect(pairs(' .mmap\n  data = 0x10000 0x5000 rw 0x40000\n .')).toBe(3);
  });

  it('an aligned 64 KB RAM is one pair; 4 KB-aligned only, eight', () => {
    expect(pairs(' .mmap\n  data = 0 0x10000 rw 0x40000\n .')).toBe(1);
    expect(pairs(' .mmap\n  data = 0 0x10000 rw 0x41000\n .')).toBe(8);
  });

  it('a 256 MB region is half of one pair', () => {
    const v = vm1(' .mmap\n  data = 0x20000000 0x10000000 r 0x20000000\n .');
    expect(v.tlbPairs - 1).toBe(1);
    const m = lookupGpa(v.tree!, 0x2fffff00)!;
    expect(m).toMatchObject({ pageSize: 0x10000000, pageBase: 0x20000000, rpa: 0x2fffff00, software: false });
    expect(pageMaskOf(m.pageSize)).toBe(0x1fffe000);
  });

  it('buddies may differ in flags and emulator', () => {
    const v = vm1(' .mmap\n  data = 0x2000 0x1000 rw 0x40000\n  rodata = 0x3000 0x1000 r 0x45000\n .');
    expect(v.tlbPairs - 1).toBe(1);
    const a = lookupGpa(v.tree!, 0x2000)!, b = lookupGpa(v.tree!, 0x3ffc)!;
    expect(a.leaf.offset).toBe(b.leaf.offset);
    expect(a.page.attr).toBe(attrOf(F_R | F_W));
    expect(b).toMatchObject({ half: 1, rpa: 0x45ffc });
    expect(b.page.attr).toBe(ELO_XI | (3 << 3) | ELO_V);
    expect(leafEntryLo(a.leaf, 0)).toBe(((0x40000 >>> 12) << 6) | (3 << 3) | ELO_V | ELO_D | ELO_XI);
    expect(leafEntryLo(a.leaf, 1)).toBe((((0x45000 >>> 12) << 6) | (3 << 3) | ELO_V | ELO_XI) >>> 0);
  });

  it('small blocks of one kind share a bitmask page; other words do not map', () => {
    const v = vm1(' .device\n  regs =\n   0x1f860000 0x100 rwu\n   0x1f860400 0x40 rwu\n  .\n .');
    expect(v.tlbPairs - 1).toBe(1);
    const m = lookupGpa(v.tree!, 0x1f86043c)!;
    expect(m).toMatchObject({ pageSize: 0x1000, software: false });
    expect(m.page.flags & F_E).toBe(F_E);
    expect(m.page.attr & ELO_V).toBe(0);
    expect(lookupGpa(v.tree!, 0x1f860100)).toBeNull();
    expect(lookupGpa(v.tree!, 0x1f860440)).toBeNull();
    expect(lookupGpa(v.tree!, 0x1f8600fc)).not.toBeNull();
  });

  it('small blocks of different kinds go to a software subtree behind one transient entry', () => {
    const v = vm1(' .device\n  regs =\n   0x1f800000 0x100 ris\n   0x1f800400 0x100 rwu\n   0x1f801000 0x10 rwu\n  .\n .');
    expect(v.tlbPairs - 1).toBe(1);
    const w = walkTree(v.tree!, 0x1f800400)!;
    expect(w).toMatchObject({ kind: 'soft' });
    const a = lookupGpa(v.tree!, 0x1f800000)!, b = lookupGpa(v.tree!, 0x1f800400)!;
    expect(a.software && b.software).toBe(true);
    expect(a.pageSize).toBe(0x400);
    expect(a.page.attr).toBe((ELO_WI | (3 << 3) | ELO_XI) >>> 0);
    expect(b.page.flags & (F_R | F_W | F_U)).toBe(F_R | F_W | F_U);
    expect(lookupGpa(v.tree!, 0x1f800100)).toBeNull();
    expect(lookupGpa(v.tree!, 0x1f801010)).toBeNull();
  });

  it('write-ignore-and-log clears V and sets WI and D', () => {
    expect(attrOf(F_R | F_IL)).toBe((ELO_WI | ELO_D | (3 << 3) | ELO_XI) >>> 0);
    expect(attrOf(F_W)).toBe((ELO_D | ELO_V | (3 << 3) | ELO_XI | ELO_RI) >>> 0);
  });

  it('a direct page sharing 8 KB with mixed small blocks falls back to software, with a warning', () => {
    const r = build(vm(' .device\n  regs =\n   0x1f860000 0x1000 rwu\n   0x1f861000 0x100 ris\n   0x1f861200 0x100 rwu\n  .\n .'));
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/registers 0x1f860000\/0x1000 rwu \(test\.cfg:9\) is emulated in software: its 8 KB block at GPA 0x1f860000 mixes it/);
    expect(lookupGpa(decodeSystemTable(r.table).vms[1]!.tree!, 0x1f860000)!.software).toBe(true);
  });

  it('an executable page next to mixed small blocks is an error', () => {
    expect(userError(() => build(vm(' .device\n  regs =\n   0x1fc01000 0x100 ris\n   0x1fc01200 0x100 rwu\n  .\n .'))).format()).toMatch(
      /code 0x1fc00000\/0x1000 rx .* shares the 8 KB block at GPA 0x1fc00000 with regions that cannot be mapped next to an executable page/,
    );
  });

  it('two kinds inside one 16-byte block cannot be separated', () => {
    expect(userError(() => build(vm(' .device\n  regs =\n   0x1f800000 0x8 ris\n   0x1f800008 0x8 rwu\n  .\n .'))).format()).toMatch(
      /share the 16-byte block at GPA 0x1f800000 but differ in flags, emulator or physical offset/,
    );
  });

  it('overlapping compatible blocks merge (PPS-in inside ports)', () => {
    const v = vm1(' device = ports\n device = PPS-in');
    expect(lookupGpa(v.tree!, 0x1f8016fc)).not.toBeNull();
    expect(lookupGpa(v.tree!, 0x1f801700)).toBeNull();
  });
});

describe('ERET page and compression', () => {
  it('VM0 maps GPA 0x1ffff000 execute-only to the first page of vzcode (§4.10)', () => {
    const t = table('');
    const vm0 = t.vms[0]!;
    expect(vm0.tlbPairs).toBe(1);
    const m = lookupGpa(vm0.tree!, 0x1ffff800)!;
    expect(m).toMatchObject({ rpa: 0x1d000800, half: 1, pageSize: 0x1000 });
    // The original's el1 0x8074001a: PFN 0x1d000, C=3, V, RI.
    expect(leafEntryLo(m.leaf, 1)).toBe(0x8074001a);
    expect(leafEntryLo(m.leaf, 0)).toBe(0);
    expect(lookupGpa(vm0.tree!, 0x1fffe000)).toBeNull();
    // One entry in root slot 0 checks every skipped address bit (mask/golden compression).
    const w = t.words, e = vm0.tree!.root / 4;
    expect([w[e + 1], w[e + 2]]).toEqual([0x1fffe000, 0x1fffe000]);
    expect(lookupGpa(vm0.tree!, 0x0ffff000)).toBeNull();
  });

  it('a leaf record carries the pair base, page size and per-half RPA', () => {
    const v = vm1(' .mmap\n  data = 0x4000 0x1000 rw 0x43000\n .');
    const w = walkTree(v.tree!, 0x4abc)!;
    expect(w).toMatchObject({ kind: 'leaf', blockBase: 0x4000, blockSize: 0x2000 });
    const leaf = readLeaf(v.tree!, w.target);
    expect(leaf).toMatchObject({ base: 0x4000, pageSize: 0x1000, software: false });
    expect(leaf.halves[0]).toMatchObject({ rpa: 0x43000 });
    expect(leaf.halves[1]).toBeNull();
    expect(F_S).toBeGreaterThan(0);
  });
});

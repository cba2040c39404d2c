/**
 * Stage-2 (GPA → RPA) translation through root TLB entries tagged with the GuestID
 * (spec/mips-vz-m5150.md §4.1, §4.3, §4.4, §4.5 page sizes; §3.6 root state on a stage-2 fault),
 * and the translation cache keyed by GuestID (docs/core.md).
 */
import { describe, expect, it } from 'vitest';
import { C0, EXC, LO_RI, LO_XI, PG_IEC, PG_RIE, PG_XIE } from '../../src/mips/cp0.ts';
import { GEXC } from '../../src/mips/vz.ts';
import { A0, A1, ADDIU, BEQ, BNE, HYPCALL, JR, LI, LL, LW, NOP, SC, SW, T0, T1, V0, V1, ZERO } from '../util/mips-asm.ts';
import {
  ENTRY, GID, HC_DONE, LO_DV, LO_DVG, PM_16K, PM_16M, PM_1M, PM_256M, PM_4K, PM_64K, ROOT_ASID, ROOT_EBASE, Rig, entryLo, excCode, u32,
  type Exit,
} from './rig.ts';

/** A GPA outside every mapping the rig makes, and the RPA pair the handler maps it to. */
const GPA = 0x00100000;
const GVA = 0x80000000 | GPA;
const RPA_EVEN = 0x40000;
const MARKER = 0x6a7b8c9d;
/** Root Context with a software PTEBase in bits 31:23 that a fault must keep. */
const CONTEXT_SW = 0xab800000 | 0;

/** Root handler fix for a stage-2 fault: write the GPA's entry for the guest (TLBWR or TLBWI). */
function writeEntry(e: Exit, random: boolean, index = 1): (cpu: Rig['cpu']) => void {
  return (cpu) => {
    const saved = cpu.mfc0(C0.GUESTCTL1);
    cpu.mtc0(C0.GUESTCTL1, (saved & 0xff) | (GID << 16));
    cpu.mtc0(C0.ENTRYHI, (e.badvaddr & ~0x1fff) | ROOT_ASID);
    cpu.mtc0(C0.PAGEMASK, 0);
    cpu.mtc0(C0.ENTRYLO0, entryLo(RPA_EVEN, LO_DV));
    cpu.mtc0(C0.ENTRYLO1, entryLo(RPA_EVEN + 0x1000, LO_DV));
    if (random) cpu.tlbwr();
    else { cpu.mtc0(C0.INDEX, index); cpu.tlbwi(); }
    cpu.mtc0(C0.GUESTCTL1, saved);
    cpu.eret();
  };
}

function expectStage2(e: Exit, code: number, vector: number, epc: number, word: number): void {
  expect(e.code).toBe(code);
  expect(excCode(e.cause)).toBe(code);
  expect(e.gexc).toBe(GEXC.GPA);
  expect(e.vector).toBe(vector);
  expect(u32(e.epc)).toBe(u32(epc));
  expect(e.cause >>> 31).toBe(0);
  expect(u32(e.badinstr)).toBe(u32(word));
  expect(u32(e.badvaddr)).toBe(GPA);
  expect(u32(e.entryhi & ~0x1f00)).toBe(u32((GPA & ~0x1fff) | ROOT_ASID));
  expect(u32(e.context)).toBe(u32((CONTEXT_SW & 0xff800000) | ((GPA >>> 9) & 0x007ffff0)));
}

const loadProg = [...LI(A0, GVA), LW(V0, 0, A0), HYPCALL(HC_DONE)];
const storeProg = [...LI(A0, GVA), ...LI(T0, MARKER), SW(T0, 0, A0), HYPCALL(HC_DONE)];

function s2Rig(): Rig {
  const rig = new Rig();
  rig.cpu.mtc0(C0.CONTEXT, CONTEXT_SW);
  rig.poke(RPA_EVEN, [MARKER]);
  return rig;
}

describe('stage-2 faults', () => {
  it('vz.s2-refill-load', () => {
    const rig = s2Rig();
    rig.setup(loadProg, { act: (e, n) => (n === 0 ? writeEntry(e, true) : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    const e = exits[0]!;
    expectStage2(e, EXC.TLBL, 0x000, ENTRY + 8, loadProg[2]!); // root PC at the handler = EBase
    // After TLBWR and ERET the load completes.
    expect(exits[1]!.hc).toBe(HC_DONE);
    expect(exits[1]!.gpr[V0]).toBe(MARKER);
  });

  it('vz.s2-refill-store', () => {
    const rig = s2Rig();
    rig.poke(RPA_EVEN, [0]);
    rig.setup(storeProg, { act: (e, n) => (n === 0 ? writeEntry(e, true) : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectStage2(exits[0]!, EXC.TLBS, 0x000, ENTRY + 16, storeProg[4]!);
    expect(exits[1]!.hc).toBe(HC_DONE);
    expect(rig.peek(RPA_EVEN)).toBe(MARKER);
  });

  it('vz.s2-fetch-refill', () => {
    const rig = s2Rig();
    rig.setup([...LI(T0, GVA), JR(T0), NOP], {});
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const e = exits[0]!;
    expect(excCode(e.cause)).toBe(EXC.TLBL);
    expect(e.gexc).toBe(GEXC.GPA);
    expect(e.vector).toBe(0x000);
    expect(u32(e.epc)).toBe(u32(GVA));
    expect(u32(e.badvaddr)).toBe(GPA);
  });

  it.each([
    ['vz.s2-invalid-load', false],
    ['vz.s2-invalid-store', true],
  ] as const)('%s', (_name, store) => {
    const rig = s2Rig();
    // Matching entry, both pages invalid (V=0).
    rig.mapGpa(1, GID, GPA, PM_4K, entryLo(RPA_EVEN, 4), entryLo(RPA_EVEN + 0x1000, 4));
    const prog = store ? storeProg : loadProg;
    const at = store ? 4 : 2;
    rig.setup(prog, { act: (e, n) => (n === 0 ? writeEntry(e, false, 1) : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectStage2(exits[0]!, store ? EXC.TLBS : EXC.TLBL, 0x180, ENTRY + 4 * at, prog[at]!);
    expect(exits[1]!.hc).toBe(HC_DONE);
    if (store) expect(rig.peek(RPA_EVEN)).toBe(MARKER);
    else expect(exits[1]!.gpr[V0]).toBe(MARKER);
  });

  it('vz.s2-mod', () => {
    const rig = s2Rig();
    rig.poke(RPA_EVEN, [0]);
    rig.mapGpa(1, GID, GPA, PM_4K, entryLo(RPA_EVEN, 2), entryLo(RPA_EVEN + 0x1000, 2)); // V=1, D=0
    rig.setup(storeProg, { act: (e, n) => (n === 0 ? writeEntry(e, false, 1) : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectStage2(exits[0]!, EXC.MOD, 0x180, ENTRY + 16, storeProg[4]!);
    expect(rig.peek(RPA_EVEN)).toBe(MARKER);
  });

  it('vz.s2-clean-load-ok', () => {
    // A clean (D=0) page is readable.
    const rig = s2Rig();
    rig.mapGpa(1, GID, GPA, PM_4K, entryLo(RPA_EVEN, 2), entryLo(RPA_EVEN + 0x1000, 2));
    rig.setup(loadProg);
    const exits = rig.run();
    expect(exits.length).toBe(1);
    expect(exits[0]!.gpr[V0]).toBe(MARKER);
  });

  it('vz.s2-root-entry-not-used', () => {
    // A root entry (GuestID 0) for the same address range never serves a guest's GPA.
    const rig = s2Rig();
    rig.mapGpa(2, 0, GPA, PM_4K, entryLo(RPA_EVEN, LO_DVG), entryLo(RPA_EVEN + 0x1000, LO_DVG));
    rig.setup(loadProg);
    const e = rig.run()[0]!;
    expectStage2(e, EXC.TLBL, 0x000, ENTRY + 8, loadProg[2]!);
  });

  it('vz.s2-refill-through-guest-tlb', () => {
    // kuseg GVA → (guest TLB) → unmapped GPA: root BadVAddr holds the GPA, not the GVA.
    const rig = s2Rig();
    const c = rig.cpu;
    c.mtgc0(10, 0, 0x00010000);
    c.mtgc0(2, 0, ((GPA >>> 12) << 6) | (3 << 3) | 7);
    c.mtgc0(3, 0, 1);
    c.mtgc0(5, 0, 0);
    c.mtgc0(0, 0, 0);
    c.mtc0(C0.GUESTCTL1, GID << 16);
    c.tlbgwi();
    c.mtc0(C0.GUESTCTL1, 0);
    rig.poke(RPA_EVEN + 0x10, [0x600d0010]);
    rig.setup([...LI(A0, 0x00010010), LW(V0, 0, A0), HYPCALL(HC_DONE)], { act: (e, n) => (n === 0 ? writeEntry(e, true) : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    const e = exits[0]!;
    expect(excCode(e.cause)).toBe(EXC.TLBL);
    expect(e.gexc).toBe(GEXC.GPA);
    expect(e.vector).toBe(0x000);
    expect(u32(e.badvaddr)).toBe(GPA + 0x10);
    expect(u32(e.entryhi & ~0x1fff)).toBe(GPA);
    expect(u32(exits[1]!.gpr[V0]!)).toBe(0x600d0010);
  });

  it.each([
    ['vz.s2-ri-load', false],
    ['vz.s2-xi-fetch', true],
  ] as const)('%s', (_name, fetch) => {
    // Root PageGrain RIE/XIE/IEC apply to stage 2: TLBRI (19) / TLBXI (20) with GExcCode GPA.
    const rig = s2Rig();
    rig.cpu.mtc0(C0.PAGEGRAIN, PG_RIE | PG_XIE | PG_IEC);
    const bit = fetch ? LO_XI : LO_RI;
    rig.mapGpa(1, GID, GPA, PM_4K, entryLo(RPA_EVEN, LO_DV) | bit, 0);
    rig.setup(fetch ? [...LI(T0, GVA), JR(T0), NOP] : loadProg);
    const e = rig.run()[0]!;
    expect(e.code).toBe(fetch ? EXC.TLBXI : EXC.TLBRI);
    expect(e.gexc).toBe(GEXC.GPA);
    expect(e.vector).toBe(0x180);
    expect(u32(e.badvaddr)).toBe(GPA);
    expect(u32(e.epc)).toBe(u32(fetch ? GVA : ENTRY + 8));
  });

  it('vz.ll-sc-s2-mod', () => {
    // Guest LL, then its SC hits a clean stage-2 page: root sets D and retries; the guest's
    // LL bit survives the exit and the root ERET, so the SC succeeds.
    const rig = s2Rig();
    rig.mapGpa(1, GID, GPA, PM_4K, entryLo(RPA_EVEN, 2), 0);
    rig.setup([...LI(A0, GVA), LL(T0, 0, A0), ...LI(T1, 0x5c5c), SC(T1, 0, A0), HYPCALL(HC_DONE)], {
      act: (e, n) => (n === 0 ? writeEntry(e, false, 1) : 'halt'),
    });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expect(exits[0]!.code).toBe(EXC.MOD);
    expect(exits[1]!.gpr[T1]).toBe(1);
    expect(rig.peek(RPA_EVEN)).toBe(0x5c5c);
  });

  it('vz.root-does-not-use-guest-entries', () => {
    // Root code (EXL=1, kuseg mapped) loading a VA that only guest entries cover: a root TLB
    // refill (taken at the general vector because EXL=1), not the guest's RPA.
    const rig = s2Rig();
    rig.mapGpa(1, GID, GPA, PM_4K, entryLo(RPA_EVEN, LO_DV), 0);
    const CODE = ROOT_EBASE + 0x800;
    rig.poke(CODE & 0x1fffffff, [...LI(A0, GPA), LW(V0, 0, A0), NOP]);
    rig.setup([HYPCALL(HC_DONE)], { noEnter: true });
    rig.cpu.setPc(CODE);
    const e = rig.run()[0]!;
    expect(e.code).toBe(EXC.TLBL);
    expect(u32(e.badvaddr)).toBe(GPA);
    expect(e.vector).toBe(0x180);
    expect(u32(e.nestedEpc)).toBe(u32(CODE + 8));
  });

  it('vz.bd-s2-refill', () => {
    const rig = s2Rig();
    const br = BEQ(ZERO, ZERO, 2);
    const ld = LW(V0, 0, A0);
    rig.setup([...LI(A0, GVA), br, ld, NOP, HYPCALL(HC_DONE)], {});
    const e = rig.run()[0]!;
    expect(excCode(e.cause)).toBe(EXC.TLBL);
    expect(e.gexc).toBe(GEXC.GPA);
    expect(u32(e.epc)).toBe(u32(ENTRY + 8));
    expect(e.cause >>> 31).toBe(1);
    expect(u32(e.badinstr)).toBe(ld);
    expect(u32(e.badinstrp)).toBe(br);
    expect(u32(e.badvaddr)).toBe(GPA);
  });
});

describe('GPA page sizes', () => {
  // [name, PageMask, GPA of the pair, even RPA, odd RPA, offset read in the even page, in the odd page]
  const RAM_OFF = 0x7f010; // inside the 512 KB RAM when the even page starts at RPA 0
  const cases: [string, number, number, number, number, number, number][] = [
    ['vz.gpa-4k', PM_4K, 0x00110000, 0x40000, 0x41000, 0xff0, 0x010],
    ['vz.gpa-16k', PM_16K, 0x00200000, 0x44000, 0x48000, 0x3ff0, 0x010],
    ['vz.gpa-64k', PM_64K, 0x00400000, 0x50000, 0x60000, 0xfff0, 0x010],
    ['vz.gpa-1m', PM_1M, 0x00600000, 0, 0x1d000000, RAM_OFF, 0x010],
    ['vz.gpa-16m', PM_16M, 0x02000000, 0, 0x1d000000, RAM_OFF, 0x010],
    ['vz.gpa-256m', PM_256M, 0x20000000, 0, 0x10000000, RAM_OFF, 0x0d000010],
  ];
  it.each(cases)('%s', (_name, mask, gpa, even, odd, offE, offO) => {
    const rig = new Rig();
    const size = ((mask | 0x1fff) + 1) / 2;
    rig.poke(even + offE, [0x0e0e0000 | (size >>> 12)]);
    rig.poke(odd + offO, [0x0d0d0000 | (size >>> 12)]);
    rig.mapGpa(2, GID, gpa, mask, entryLo(even, LO_DV), entryLo(odd, LO_DV));
    // Guest ERL=1: kuseg is unmapped for the guest, so GVA = GPA up to 2 GB.
    rig.setup([...LI(A0, gpa + offE), LW(V0, 0, A0), ...LI(A1, gpa + size + offO), LW(V1, 0, A1), HYPCALL(HC_DONE)], { gstatus: 4 });
    const exits = rig.run();
    expect(exits.length).toBe(1);
    expect(exits[0]!.hc).toBe(HC_DONE);
    expect(u32(exits[0]!.gpr[V0]!)).toBe(0x0e0e0000 | (size >>> 12));
    expect(u32(exits[0]!.gpr[V1]!)).toBe(0x0d0d0000 | (size >>> 12));
  });
});

describe('GuestID tagging', () => {
  const GPA_SHARED = 0x00300000;
  const RPA_A = 0x42000, RPA_B = 0x43000, RPA_C = 0x44000;
  const prog = [...LI(A0, 0x80000000 | GPA_SHARED), LW(V0, 0, A0), HYPCALL(HC_DONE)];

  /** Guests 1 and 2 share code (GPA 0..) but map GPA_SHARED to different RPAs. */
  function twoGuests(): Rig {
    const rig = new Rig();
    rig.poke(RPA_A, [0xaaaa0001]);
    rig.poke(RPA_B, [0xbbbb0002]);
    rig.poke(RPA_C, [0xcccc0003]);
    rig.mapGuestRam(2, 1);
    rig.mapGpa(2, 1, GPA_SHARED, PM_4K, entryLo(RPA_A, LO_DV), 0);
    rig.mapGpa(3, 2, GPA_SHARED, PM_4K, entryLo(RPA_B, LO_DV), 0);
    rig.setup(prog, { gid: 1 });
    return rig;
  }

  /** Switches GuestCtl1.ID and re-enters the guest program; returns what it read. */
  function runAs(rig: Rig, gid: number): number {
    rig.cpu.mtc0(C0.GUESTCTL1, gid);
    rig.resume(ENTRY);
    const before = rig.exits.length;
    rig.run();
    expect(rig.exits.length).toBe(before + 1);
    return u32(rig.exits.at(-1)!.gpr[V0]!);
  }

  it('vz.guestid', () => {
    const rig = twoGuests();
    rig.run();
    expect(u32(rig.exits[0]!.gpr[V0]!)).toBe(0xaaaa0001);
    expect(runAs(rig, 2)).toBe(0xbbbb0002);
    expect(runAs(rig, 1)).toBe(0xaaaa0001);
    expect(runAs(rig, 2)).toBe(0xbbbb0002);
  });

  it('vz.guestid-no-entry-for-other-id', () => {
    // GuestID 3 has no mappings at all: its first fetch is a stage-2 refill.
    const rig = twoGuests();
    rig.run();
    rig.cpu.mtc0(C0.GUESTCTL1, 3);
    rig.resume(ENTRY);
    rig.run();
    const e = rig.exits.at(-1)!;
    expect(excCode(e.cause)).toBe(EXC.TLBL);
    expect(e.gexc).toBe(GEXC.GPA);
    expect(u32(e.badvaddr)).toBe(ENTRY & 0x1fffffff);
  });

  it('vz.s2-remap', () => {
    // Rewriting guest 1's root entry (same index, new RPA) must not leave a stale translation,
    // while guest 2's mapping of the same GPA is untouched.
    const rig = twoGuests();
    rig.run();
    expect(runAs(rig, 2)).toBe(0xbbbb0002);
    rig.mapGpa(2, 1, GPA_SHARED, PM_4K, entryLo(RPA_C, LO_DV), 0);
    expect(runAs(rig, 1)).toBe(0xcccc0003);
    expect(runAs(rig, 2)).toBe(0xbbbb0002);
  });

  it('vz.tlbp-rid', () => {
    // Root TLBP matches only entries of GuestCtl1.RID; TLBR returns the entry's GuestID in RID
    // and shows G forced to 1 for a guest entry.
    const rig = twoGuests();
    rig.run();
    const c = rig.cpu;
    const probe = (rid: number): number => {
      c.mtc0(C0.GUESTCTL1, rid << 16);
      c.mtc0(C0.ENTRYHI, GPA_SHARED | ROOT_ASID);
      c.tlbp();
      return c.mfc0(C0.INDEX);
    };
    expect(probe(1)).toBe(2);
    expect(probe(2)).toBe(3);
    expect(probe(4) >>> 31).toBe(1);
    expect(probe(0) >>> 31).toBe(1);
    c.mtc0(C0.GUESTCTL1, 0);
    c.mtc0(C0.INDEX, 3);
    c.tlbr();
    expect((c.mfc0(C0.GUESTCTL1) >>> 16) & 0xff).toBe(2);
    expect(u32(c.mfc0(C0.ENTRYHI) & ~0x1fff)).toBe(GPA_SHARED);
    expect(c.mfc0(C0.ENTRYLO0) & 1).toBe(1);
  });

  it('vz.tlbinvf-rid', () => {
    // TLBINVF with RID=1 removes guest 1's entries only; nothing stale survives in the cache.
    const rig = twoGuests();
    rig.run();
    expect(runAs(rig, 2)).toBe(0xbbbb0002);
    rig.cpu.mtc0(C0.GUESTCTL1, 1 << 16);
    rig.cpu.tlbinvf();
    expect(runAs(rig, 2)).toBe(0xbbbb0002);
    rig.cpu.mtc0(C0.GUESTCTL1, 1);
    rig.resume(ENTRY);
    rig.run();
    const e = rig.exits.at(-1)!;
    expect(excCode(e.cause)).toBe(EXC.TLBL);
    expect(e.gexc).toBe(GEXC.GPA);
    expect(u32(e.badvaddr)).toBe(ENTRY & 0x1fffffff); // the code page's mapping is gone too
  });

  it('vz.speed-guestid-switch', () => {
    // Translation cache sanity (no wall clock): count stage-2 lookups in the root TLB by
    // wrapping this machine's Tlb.lookup. Once both guests have run, switching GuestCtl1.ID
    // back and forth needs no slow-path translation; neither does a root TLB write for an
    // unrelated GPA of the other guest.
    const rig = twoGuests();
    const tlb = rig.cpu.tlb;
    const orig = tlb.lookup.bind(tlb);
    let lookups = 0;
    tlb.lookup = (va, asid, gid) => { lookups++; return orig(va, asid, gid); };
    try {
      // A loop over 16 words: many accesses, few pages.
      const loop = [...LI(A0, 0x80000000 | GPA_SHARED), ADDIU(T1, ZERO, 16), LW(V0, 0, A0), ADDIU(T1, T1, -1), BNE(T1, ZERO, -3), ADDIU(A0, A0, 4), HYPCALL(HC_DONE)];
      rig.pokeGuest(ENTRY, loop);
      rig.cpu.mtc0(C0.GUESTCTL1, 1);
      rig.resume(ENTRY);
      rig.run();
      runAs(rig, 2);
      const cold = lookups;
      expect(cold).toBeGreaterThan(0);
      lookups = 0;
      for (let k = 0; k < 4; k++) { runAs(rig, 1); runAs(rig, 2); }
      expect(lookups).toBe(0);
      rig.mapGpa(5, 2, 0x00500000, PM_4K, entryLo(RPA_C, LO_DV), 0);
      runAs(rig, 1);
      expect(lookups).toBe(0);
    } finally {
      tlb.lookup = orig;
    }
  });
});

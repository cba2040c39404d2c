/**
 * Guest exits through the native root handler (spec/mips-vz-m5150.md §3.2 GPSI, §3.3 GSFC/GHFC,
 * §2.4 and §3.4 HC/GRR, §3.6 root state on an exit, nested faults). Case names follow the MIPS
 * VZ suite in guests/vz/.
 */
import { describe, expect, it } from 'vitest';
import { C0, CA_IV, EXC, ST_CU0, ST_CU1, ST_EXL, ST_IE, ST_UM } from '../../src/mips/cp0.ts';
import { GC0_CF, GC0_CG, GC0_GT, GC0_MC, GC0_RI, GC0_SFC1, GC0X_BG, GC0X_CGI, GC0X_FCD, GC0X_OG, GEXC } from '../../src/mips/vz.ts';
import {
  A0, BEQ, CACHE, HYPCALL, JR, LI, LW, MFC0, MFGC0, MTC0, MTC1, NOP, RDHWR, SW, SYSCALL, T0, TLBWI, UNDEFINED, V0, WAIT, ZERO,
} from '../util/mips-asm.ts';
import {
  ENTRY, GC0_BASE, GDATA, GUEST_EBASE, HC_DONE, HC_VEC_GENERAL, HC_VEC_REFILL, LO_DVG, ROOT_EBASE, Rig, excCode, u32, type Exit,
  type GuestOptions, type Action,
} from './rig.ts';

/** A value the root handler "emulates" for a trapped MFC0. */
const EMU_VALUE = 0x5eed1234;

const skipThenHalt = (e: Exit): Action => (e.hc === HC_DONE ? 'halt' : 'skip');

/** Asserts the root state of a Guest Exit of kind `gexc` for the instruction `word` at `epc`. */
function expectExit(e: Exit, gexc: number, epc: number, word: number): void {
  expect(e.code).toBe(EXC.GE);
  expect(excCode(e.cause)).toBe(EXC.GE);
  expect(e.gexc).toBe(gexc);
  expect(u32(e.epc)).toBe(u32(epc));
  expect(e.cause >>> 31).toBe(0);
  expect(u32(e.badinstr)).toBe(u32(word));
  expect(e.vector).toBe(0x180);
  expect(e.status & ST_EXL).toBe(ST_EXL);
  expect(e.gctl0 >>> 31).toBe(1); // GM stays set
}

function expectDone(e: Exit | undefined, epc: number): void {
  expect(e).toBeDefined();
  expect(e!.hc).toBe(HC_DONE);
  expect(u32(e!.epc)).toBe(u32(epc));
}

/** `pre` then `insn` then HYPCALL done: the insn must exit with GPSI, then the guest resumes. */
function gpsi(insn: number, o: GuestOptions = {}, pre: number[] = []): { rig: Rig; exits: Exit[] } {
  const rig = new Rig();
  rig.setup([...pre, insn, HYPCALL(HC_DONE)], { act: skipThenHalt, ...o });
  const exits = rig.run();
  const at = ENTRY + 4 * pre.length;
  expect(exits.length).toBe(2);
  expectExit(exits[0]!, GEXC.GPSI, at, insn);
  expectDone(exits[1], at + 4);
  return { rig, exits };
}

/** The same program must run without any exit but the final HYPCALL. */
function noExit(insn: number, o: GuestOptions = {}, pre: number[] = []): Rig {
  const rig = new Rig();
  rig.setup([...pre, insn, HYPCALL(HC_DONE)], o);
  const exits = rig.run();
  expect(exits.length).toBe(1);
  expectDone(exits[0], ENTRY + 4 * pre.length + 4);
  return rig;
}

describe('GPSI', () => {
  it('vz.gpsi-prid', () => {
    const insn = MFC0(V0, 15, 0);
    const rig = new Rig();
    rig.setup([insn, HYPCALL(HC_DONE)], {
      act: (e) => e.hc === HC_DONE ? 'halt' : (cpu) => { cpu.wrpgpr(V0, EMU_VALUE); cpu.mtc0(C0.EPC, (e.epc + 4) | 0); cpu.eret(); },
    });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectExit(exits[0]!, GEXC.GPSI, ENTRY, insn);
    expectDone(exits[1], ENTRY + 4);
    expect(exits[1]!.gpr[V0]).toBe(EMU_VALUE);
  });

  it('vz.gpsi-srsctl', () => { gpsi(MTC0(T0, 12, 2)); });
  it('vz.gpsi-wait', () => { gpsi(WAIT); });
  it('vz.gpsi-count-gt0', () => { gpsi(MFC0(V0, 9, 0)); });
  it('vz.gpsi-mtc0-count-gt1', () => { gpsi(MTC0(T0, 9, 0), { gc0: GC0_BASE | GC0_GT }); });
  it('vz.gpsi-config0-cf0', () => { gpsi(MTC0(T0, 16, 0), {}, [MFC0(T0, 16, 0)]); });
  it('vz.config0-cf1', () => { noExit(MTC0(T0, 16, 0), { gc0: GC0_BASE | GC0_CF }, [MFC0(T0, 16, 0)]); });
  // CACHE 0x00 = Index Invalidate I, 0x01 = Index Writeback Invalidate D, 0x15 = Hit Writeback Invalidate D.
  it('vz.gpsi-cache-index-cgi0', () => { gpsi(CACHE(0x00, A0, 0), { gc0: GC0_BASE | GC0_CG }, LI(A0, GDATA)); });
  it('vz.gpsi-cache-index-d-cgi0', () => { gpsi(CACHE(0x01, A0, 0), { gc0: GC0_BASE | GC0_CG }, LI(A0, GDATA)); });
  it('vz.cache-index-cgi1', () => { noExit(CACHE(0x00, A0, 0), { gc0: GC0_BASE | GC0_CG, gc0x: GC0X_CGI }, LI(A0, GDATA)); });
  it('vz.cache-hit-cg1', () => { noExit(CACHE(0x15, A0, 0), { gc0: GC0_BASE | GC0_CG }, LI(A0, GDATA)); });
  it('vz.gpsi-cache-hit-cg0', () => { gpsi(CACHE(0x15, A0, 0), {}, LI(A0, GDATA)); });
  it('vz.gpsi-tlbwi-at1', () => { gpsi(TLBWI, { gc0: (GC0_BASE & ~(3 << 26)) | (1 << 26) }); });
  it('vz.gpsi-cp0-disabled', () => { gpsi(MFC0(V0, 12, 0), { gc0: 3 << 26 }); });
  it('vz.status-read-cp0', () => { noExit(MFC0(V0, 12, 0)); });
  it('vz.gpsi-badvaddr-bg1', () => { gpsi(MFC0(V0, 8, 0), { gc0x: GC0X_BG }); });
  it('vz.badvaddr-bg0', () => { noExit(MFC0(V0, 8, 0)); });
  it('vz.gpsi-userlocal-og1', () => { gpsi(MFC0(V0, 4, 2), { gc0x: GC0X_OG }); });
  it('vz.userlocal-og0', () => { noExit(MFC0(V0, 4, 2)); });
  it('vz.gpsi-mtc0-lladdr', () => { gpsi(MTC0(T0, 17, 0)); });
  it('vz.gpsi-config7-read', () => { gpsi(MFC0(V0, 16, 7), { gc0: GC0_BASE | GC0_CF }); });
  it('vz.gpsi-rdhwr-cc-gt0', () => { gpsi(RDHWR(V0, 2)); });
  it('vz.rdhwr-cc-gt1', () => { noExit(RDHWR(V0, 2), { gc0: GC0_BASE | GC0_GT }); });

  it('vz.guestctl0', () => {
    // Read-only fields keep their values: G1, G0E, PT, G2 = 1, RAD = 0, GExcCode hardware-written.
    const rig = new Rig();
    const c = rig.cpu;
    const gexc = c.mfc0(C0.GUESTCTL0) & (0x1f << 2);
    c.mtc0(C0.GUESTCTL0, 0xbd000001 | 0);
    expect(u32(c.mfc0(C0.GUESTCTL0))).toBe(u32(0xbd000001 | (1 << 22) | (1 << 19) | (1 << 18) | (1 << 7) | gexc));
    c.mtc0(C0.GUESTCTL0, 0);
    expect(c.mfc0(C0.GUESTCTL0) & ((1 << 22) | (1 << 19) | (1 << 18) | (1 << 9) | (1 << 7) | (0x1f << 2))).toBe((1 << 22) | (1 << 19) | (1 << 18) | (1 << 7) | gexc);
  });

  it.each([3, 4])('vz.gtimer-count-gt1 (%i instructions before the read)', (pre) => {
    // Guest Count = root Count + GTOffset, no exit. One instruction is one cycle: the MFC0 ran
    // one cycle before the HYPCALL that exits, so its value is exactly predictable (both
    // parities of the half-rate Count are covered by the two variants).
    const GTO = 0x7654_3210;
    const rig = new Rig();
    rig.cpu.mtc0(C0.COUNT, 0x1000_0001);
    rig.cpu.mtc0(C0.GTOFFSET, GTO);
    rig.setup([...Array<number>(pre).fill(NOP), MFC0(V0, 9, 0), HYPCALL(HC_DONE)], { gc0: GC0_BASE | GC0_GT });
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const e = exits[0]!;
    expectDone(e, ENTRY + 4 * pre + 4);
    const rootNow = rig.cpu.mfc0(C0.COUNT);
    const t = e.now; // cycle of the HYPCALL; the MFC0 executed at t - 1
    const expected = (rootNow - Math.floor(t / 2) + Math.floor((t - 1) / 2) + GTO) | 0;
    expect(u32(e.gpr[V0]!)).toBe(u32(expected));
  });
});

describe('GSFC', () => {
  /** Guest writes Status = `bit` with MTC0; then reads it back into V0. */
  const prog = (bit: number): number[] => [...LI(T0, bit), MTC0(T0, 12, 0), MFC0(V0, 12, 0), HYPCALL(HC_DONE)];
  const MTC0_AT = ENTRY + 8;

  function gsfc(bit: number, o: GuestOptions): void {
    const rig = new Rig();
    let gstatusAtExit = -1;
    rig.setup(prog(bit), {
      ...o,
      act: (e) => e.hc === HC_DONE ? 'halt' : (cpu) => {
        gstatusAtExit = e.g.status;
        // Root completes the write (MTGC0) and steps over the MTC0.
        cpu.mtgc0(12, 0, cpu.rdpgpr(T0));
        cpu.mtc0(C0.EPC, (e.epc + 4) | 0);
        cpu.eret();
      },
    });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectExit(exits[0]!, GEXC.GSFC, MTC0_AT, MTC0(T0, 12, 0));
    expect(gstatusAtExit & bit).toBe(0); // the guest's write did not happen
    expect(exits[1]!.gpr[V0]! & bit).toBe(bit);
  }

  function written(bit: number, o: GuestOptions): void {
    const rig = new Rig();
    rig.setup(prog(bit), o);
    const exits = rig.run();
    expect(exits.length).toBe(1);
    expectDone(exits[0], ENTRY + 16);
    expect(exits[0]!.gpr[V0]! & bit).toBe(bit);
  }

  it('vz.gsfc-cu1-sfc1-0', () => { gsfc(ST_CU1, {}); });
  it('vz.cu1-sfc1-1', () => { written(ST_CU1, { gc0: GC0_BASE | GC0_SFC1 }); });
  it('vz.gsfc-ie-mc1-fcd0', () => { gsfc(ST_IE, { gc0: GC0_BASE | GC0_MC, gc0x: 0 }); });
  it('vz.ie-mc1-fcd1', () => { written(ST_IE, { gc0: GC0_BASE | GC0_MC, gc0x: GC0X_FCD }); });

  it('vz.gsfc-cause-iv-mc1-fcd0', () => {
    const rig = new Rig();
    const insn = MTC0(T0, 13, 0);
    rig.setup([...LI(T0, CA_IV), insn, HYPCALL(HC_DONE)], { gc0: GC0_BASE | GC0_MC, act: skipThenHalt });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectExit(exits[0]!, GEXC.GSFC, ENTRY + 8, insn);
    expect(exits[0]!.g.cause & CA_IV).toBe(0);
  });

  it('vz.gsfc-cu1-unchanged', () => {
    // Rewriting CU1 with its current value (SFC1=0) is not a field change: no exit.
    const rig = new Rig();
    rig.setup([...LI(T0, ST_CU1 | 0x100), MTC0(T0, 12, 0), MFC0(V0, 12, 0), HYPCALL(HC_DONE)], { gstatus: ST_CU1 });
    const exits = rig.run();
    expect(exits.length).toBe(1);
    expect(exits[0]!.gpr[V0]! & (ST_CU1 | 0x100)).toBe(ST_CU1 | 0x100);
  });
});

describe('HC and GRR', () => {
  it('vz.hc', () => {
    const rig = new Rig();
    rig.setup([HYPCALL(0x123), HYPCALL(HC_DONE)], { act: skipThenHalt });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectExit(exits[0]!, GEXC.HC, ENTRY, HYPCALL(0x123));
    expect((exits[0]!.badinstr >>> 11) & 0x3ff).toBe(0x123);
    expectDone(exits[1], ENTRY + 4);
  });

  it('vz.hc-guest-user', () => {
    // Guest user mode (UM=1, CU0=0) at kuseg 0x00400000, mapped by a guest TLB entry that root
    // writes with TLBGWI onto the code page: HYPCALL is a guest Coprocessor Unusable.
    const rig = new Rig();
    const c = rig.cpu;
    const UVA = 0x00400000;
    c.mtgc0(10, 0, UVA);
    c.mtgc0(2, 0, (((ENTRY & 0x1fffffff) >>> 12) << 6) | (3 << 3) | LO_DVG);
    c.mtgc0(3, 0, 1); // odd page: G only, invalid
    c.mtgc0(5, 0, 0);
    c.mtgc0(0, 0, 2);
    c.mtc0(C0.GUESTCTL1, 1 << 16);
    c.tlbgwi();
    c.mtc0(C0.GUESTCTL1, 0);
    rig.setup([HYPCALL(0x123), HYPCALL(HC_DONE)], { gstatus: ST_UM, entry: UVA, codeAt: ENTRY });
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const e = exits[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(u32(e.epc)).toBe(u32(GUEST_EBASE + 0x180));
    expect(excCode(e.g.cause)).toBe(EXC.CPU);
    expect((e.g.cause >>> 28) & 3).toBe(0); // CE = 0
    expect(u32(e.g.epc)).toBe(UVA);
    expect(e.g.status & ST_EXL).toBe(ST_EXL);
    expect(e.g.status & ST_CU0).toBe(0);
  });

  it('vz.grr', () => {
    const rig = new Rig();
    rig.setup([UNDEFINED, HYPCALL(HC_DONE)], { gc0: GC0_BASE | GC0_RI, act: skipThenHalt });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expectExit(exits[0]!, GEXC.GRR, ENTRY, UNDEFINED);
    expectDone(exits[1], ENTRY + 4);
  });

  it('vz.ri-in-guest', () => {
    const rig = new Rig();
    rig.setup([UNDEFINED, HYPCALL(HC_DONE)]);
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const e = exits[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.RI);
    expect(u32(e.g.epc)).toBe(u32(ENTRY));
    expect(u32(e.g.badinstr)).toBe(UNDEFINED);
    expect(e.g.status & ST_EXL).toBe(ST_EXL);
  });

  it('vz.mfgc0-in-guest', () => {
    // MFGC0 does not exist in the guest: a guest RI (spec §1.2).
    const rig = new Rig();
    rig.setup([MFGC0(T0, 12, 0), HYPCALL(HC_DONE)]);
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.RI);
    expect(u32(e.g.epc)).toBe(u32(ENTRY));
  });
});

describe('guest exceptions and GHFC', () => {
  it('vz.syscall-in-guest', () => {
    const rig = new Rig();
    rig.setup([SYSCALL(), HYPCALL(HC_DONE)]);
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const e = exits[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.SYS);
    expect(u32(e.g.epc)).toBe(u32(ENTRY));
  });

  it('vz.ghfc', () => {
    // MC=1, FCD=0: the guest takes its SYSCALL (guest EPC/Cause/EXL updated), then the
    // hardware change of guest EXL is reported to root with EPC = the guest's vector.
    const rig = new Rig();
    rig.setup([SYSCALL(), HYPCALL(HC_DONE)], { gc0: GC0_BASE | GC0_MC, gc0x: 0, act: (e) => (e.gexc === GEXC.GHFC ? 'retry' : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    const e = exits[0]!;
    expect(excCode(e.cause)).toBe(EXC.GE);
    expect(e.gexc).toBe(GEXC.GHFC);
    expect(u32(e.epc)).toBe(u32(GUEST_EBASE + 0x180));
    expect(e.cause >>> 31).toBe(0);
    expect(e.g.status & ST_EXL).toBe(ST_EXL);
    expect(excCode(e.g.cause)).toBe(EXC.SYS);
    expect(u32(e.g.epc)).toBe(u32(ENTRY));
    // Resuming at root EPC runs the guest's vector.
    expect(exits[1]!.hc).toBe(HC_VEC_GENERAL);
    expect(u32(exits[1]!.epc)).toBe(u32(GUEST_EBASE + 0x180));
  });

  it('vz.nested-syscall', () => {
    // A guest exception with guest EXL=1: guest NestedEPC/NestedExc, guest EPC kept.
    const rig = new Rig();
    rig.cpu.mtgc0(14, 0, 0x1234_5670);
    rig.setup([SYSCALL(), HYPCALL(HC_DONE)], { gstatus: ST_EXL });
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.SYS);
    expect(u32(e.g.epc)).toBe(0x1234_5670);
    expect(u32(rig.cpu.mfgc0(14, 2))).toBe(u32(ENTRY));
    expect(rig.cpu.mfgc0(13, 5)).toBe(ST_EXL);
  });
});

describe('delay slots and nested root faults', () => {
  it('vz.bd-gpsi', () => {
    // BEQ taken, MFC0 PRId in its delay slot: EPC = the branch, BD=1, BadInstrP = the branch.
    const TARGET = ENTRY + 16;
    const br = BEQ(ZERO, ZERO, 3);
    const insn = MFC0(V0, 15, 0);
    const rig = new Rig();
    rig.setup([br, insn, HYPCALL(0x3fe), NOP, HYPCALL(HC_DONE)], {
      act: (e) => e.hc === HC_DONE ? 'halt' : (cpu) => {
        // Root emulates the MFC0 and the branch.
        cpu.wrpgpr(V0, EMU_VALUE);
        cpu.mtc0(C0.EPC, TARGET);
        cpu.eret();
      },
    });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    const e = exits[0]!;
    expect(e.gexc).toBe(GEXC.GPSI);
    expect(u32(e.epc)).toBe(u32(ENTRY));
    expect(e.cause >>> 31).toBe(1);
    expect(u32(e.badinstr)).toBe(insn);
    expect(u32(e.badinstrp)).toBe(br);
    expectDone(exits[1], TARGET);
    expect(exits[1]!.gpr[V0]).toBe(EMU_VALUE);
  });

  it('vz.bd-guest-syscall', () => {
    // A guest exception in a delay slot: guest EPC = the branch, guest BD=1, guest BadInstrP.
    const rig = new Rig();
    const br = BEQ(ZERO, ZERO, 3);
    rig.setup([br, SYSCALL(), NOP, NOP, HYPCALL(HC_DONE)]);
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.SYS);
    expect(u32(e.g.epc)).toBe(u32(ENTRY));
    expect(e.g.cause >>> 31).toBe(1);
    expect(u32(rig.cpu.mfgc0(8, 2))).toBe(br);
  });

  it('vz.nested-root', () => {
    // The GPSI exit vectors to root MIPS code (handler returns false) which, still at EXL=1,
    // does a misaligned load: NestedEPC/NestedExc record it, EPC keeps the guest's PC.
    const rig = new Rig();
    const ROOT_CODE = ROOT_EBASE + 0x180;
    rig.poke(ROOT_CODE & 0x1fffffff, [LW(T0, 1, ZERO), NOP]);
    rig.setup([MFC0(V0, 15, 0), HYPCALL(HC_DONE)], { act: (_e, n) => (n === 0 ? 'vector' : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expect(exits[0]!.gexc).toBe(GEXC.GPSI);
    const e = exits[1]!;
    expect(e.code).toBe(EXC.ADEL);
    expect(excCode(e.cause)).toBe(EXC.ADEL);
    expect(e.badvaddr).toBe(1);
    expect(u32(e.nestedEpc)).toBe(u32(ROOT_CODE));
    expect(e.nestedExc).toBe(ST_EXL);
    expect(u32(e.epc)).toBe(u32(ENTRY));
    expect(e.vector).toBe(0x180);
  });
});

describe('more routing', () => {
  it('vz.exit-shadow-set', () => {
    // The guest runs in shadow set 2 (root PSS=2 at the ERET); an exit switches to ESS=0 with
    // PSS = the guest's set, so RDPGPR reaches the guest's registers (spec §3.6).
    const rig = new Rig();
    rig.cpu.mtc0(C0.SRSCTL, 2 << 6);
    rig.setup([...LI(V0, 0x5e75e7), HYPCALL(HC_DONE)]);
    const exits = rig.run();
    const srs = rig.cpu.mfc0(C0.SRSCTL);
    expect(srs & 0xf).toBe(0);
    expect((srs >>> 6) & 0xf).toBe(2);
    expect(exits[0]!.gpr[V0]).toBe(0x5e75e7);
  });

  it('vz.hypcall-in-root', () => {
    // HYPCALL executed by root code (at EXL=1 here) is a root Reserved Instruction.
    const rig = new Rig();
    const ROOT_CODE = ROOT_EBASE + 0x180;
    rig.poke(ROOT_CODE & 0x1fffffff, [HYPCALL(5), NOP]);
    rig.setup([MFC0(V0, 15, 0), HYPCALL(HC_DONE)], { act: (_e, n) => (n === 0 ? 'vector' : 'halt') });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    const e = exits[1]!;
    expect(e.code).toBe(EXC.RI);
    expect(u32(e.nestedEpc)).toBe(u32(ROOT_CODE));
    expect(u32(e.badinstr)).toBe(HYPCALL(5));
  });

  it('vz.cpu-lazy-fpu', () => {
    // Guest CU1=1 but root CU1=0: a root Coprocessor Unusable, CE=1 (lazy FPU switching).
    const rig = new Rig();
    const insn = MTC1(ZERO, 0);
    rig.setup([insn, HYPCALL(HC_DONE)], { gstatus: ST_CU1 });
    const e = rig.run()[0]!;
    expect(e.code).toBe(EXC.CPU);
    expect((e.cause >>> 28) & 3).toBe(1);
    expect(u32(e.epc)).toBe(u32(ENTRY));
    expect(u32(e.badinstr)).toBe(insn);
    expect(e.vector).toBe(0x180);
  });

  it('vz.cpu-guest-fpu-off', () => {
    // Guest CU1=0: the guest's own Coprocessor Unusable, CE=1, whatever root's CU1 is.
    const rig = new Rig();
    rig.cpu.mtc0(C0.STATUS, ST_EXL | ST_CU1);
    rig.setup([MTC1(ZERO, 0), HYPCALL(HC_DONE)], { gstatus: 0 });
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.CPU);
    expect((e.g.cause >>> 28) & 3).toBe(1);
    expect(u32(e.g.epc)).toBe(u32(ENTRY));
  });

  it('vz.guest-fpu-on', () => {
    // Both CU1 set: the guest uses the FPU without any exit.
    const rig = new Rig();
    rig.cpu.mtc0(C0.STATUS, ST_EXL | ST_CU1);
    rig.setup([MTC1(ZERO, 0), HYPCALL(HC_DONE)], { gstatus: ST_CU1 });
    const exits = rig.run();
    expect(exits.length).toBe(1);
    expect(exits[0]!.hc).toBe(HC_DONE);
  });

  it('vz.ghfc-refill', () => {
    // GHFC after a guest TLB refill: root EPC = the guest's refill vector (EBase+0).
    const rig = new Rig();
    rig.setup([...LI(A0, 0x00020010), LW(V0, 0, A0), HYPCALL(HC_DONE)], {
      gc0: GC0_BASE | GC0_MC, act: (e) => (e.gexc === GEXC.GHFC ? 'retry' : 'halt'),
    });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expect(exits[0]!.gexc).toBe(GEXC.GHFC);
    expect(u32(exits[0]!.epc)).toBe(u32(GUEST_EBASE));
    expect(excCode(exits[0]!.g.cause)).toBe(EXC.TLBL);
    expect(exits[1]!.hc).toBe(HC_VEC_REFILL);
  });

  it('vz.ghfc-none-exl1', () => {
    // With guest EXL already 1 the exception does not change EXL: no GHFC.
    const rig = new Rig();
    rig.setup([SYSCALL(), HYPCALL(HC_DONE)], { gstatus: ST_EXL, gc0: GC0_BASE | GC0_MC });
    const exits = rig.run();
    expect(exits.map((e) => e.hc)).toEqual([HC_VEC_GENERAL]);
  });
});

describe('guest address errors', () => {
  // Address errors are checked against the guest's segments and taken in the guest (spec §3.5),
  // with guest BadVAddr; root is not involved.
  function guestAddressError(prog: number[], code: number, badvaddr: number, epc: number): void {
    const rig = new Rig();
    rig.setup(prog);
    const exits = rig.run();
    const e = exits[0]!;
    expect({ code: e.code, hc: e.hc }).toEqual({ code: EXC.GE, hc: HC_VEC_GENERAL });
    expect(excCode(e.g.cause)).toBe(code);
    expect(u32(e.g.badvaddr)).toBe(u32(badvaddr));
    expect(u32(e.g.epc)).toBe(u32(epc));
    expect(exits.length).toBe(1);
  }

  it('vz.guest-ades-user-kseg0', () => {
    // Guest user mode touching guest kseg0: a guest AdES (this path is guest-aware).
    const rig = new Rig();
    const c = rig.cpu;
    const UVA = 0x00400000;
    c.mtgc0(10, 0, UVA);
    c.mtgc0(2, 0, (((ENTRY & 0x1fffffff) >>> 12) << 6) | (3 << 3) | LO_DVG);
    c.mtgc0(3, 0, 1);
    c.mtgc0(5, 0, 0);
    c.mtgc0(0, 0, 2);
    c.mtc0(C0.GUESTCTL1, 1 << 16);
    c.tlbgwi();
    c.mtc0(C0.GUESTCTL1, 0);
    rig.setup([...LI(A0, GDATA), SW(ZERO, 0, A0), HYPCALL(HC_DONE)], { gstatus: ST_UM, entry: UVA, codeAt: ENTRY });
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.ADES);
    expect(u32(e.g.badvaddr)).toBe(u32(GDATA));
    expect(u32(e.g.epc)).toBe(UVA + 8);
  });

  // Misaligned guest accesses are guest address errors (guest BadVAddr, guest vector), not root ones.
  it('vz.guest-adel-misaligned', () => {
    guestAddressError([...LI(A0, GDATA + 1), LW(V0, 0, A0), HYPCALL(HC_DONE)], EXC.ADEL, GDATA + 1, ENTRY + 8);
  });

  it('vz.guest-ades-misaligned', () => {
    guestAddressError([...LI(A0, GDATA + 2), SW(ZERO, 0, A0), HYPCALL(HC_DONE)], EXC.ADES, GDATA + 2, ENTRY + 8);
  });

  it('vz.guest-adel-fetch-misaligned', () => {
    guestAddressError([...LI(T0, ENTRY + 0x102), JR(T0), NOP], EXC.ADEL, ENTRY + 0x102, ENTRY + 0x102);
  });
});

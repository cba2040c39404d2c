/**
 * The guest's own context under VZ: its TLB (spec/mips-vz-m5150.md §4.1-4.2, §2.3), interrupt
 * injection through GuestCtl2 (§1.6, §5.4), the guest timer (§1.8, §2.5) and the separate guest
 * LL bit (§3.7). Case names follow the MIPS VZ suite in guests/vz/.
 */
import { describe, expect, it } from 'vitest';
import { C0, CA_DC, CA_IV, CA_TI, CFG3_VEIC, EXC, ST_EXL, ST_IE } from '../../src/mips/cp0.ts';
import { GC0_GT, GC0_MC, GEXC } from '../../src/mips/vz.ts';
import {
  A0, ADDIU, BEQ, BGEZ, BNE, EHB, EI, ERET, HYPCALL, K0, K1, LI, LL, LW, MFC0, MTC0, NOP, OR, SC, SLL, SW, T0, T1, T2, T3, T4, T5,
  TLBWI, V0, V1, ZERO,
} from '../util/mips-asm.ts';
import {
  ENTRY, GC0_BASE, GDATA, GID, GUEST_EBASE, GVEC_OFF, HC_DONE, HC_VEC_GENERAL, HC_VEC_GVEC, HC_VEC_INT, HC_VEC_REFILL, ROOT_EBASE, Rig, excCode,
  u32, type Exit, type Action,
} from './rig.ts';

/** Guest EntryLo for GPA `gpa`: cacheable, D, V, G. */
const glo = (gpa: number): number => ((gpa >>> 12) << 6) | (3 << 3) | 7;
const skipThenHalt = (e: Exit): Action => (e.hc === HC_DONE ? 'halt' : 'skip');

describe('guest TLB', () => {
  it('vz.guest-tlbwi', () => {
    // The guest kernel maps kuseg 0x00010000 → GPA 0x9000 with its own MTC0s and TLBWI (AT=3).
    const rig = new Rig();
    rig.pokeGuest(0x80009010, [0x7157a000]);
    rig.setup([
      ...LI(T0, 0x00010000), MTC0(T0, 10, 0),
      ...LI(T0, glo(0x9000)), MTC0(T0, 2, 0),
      ...LI(T0, glo(0xa000)), MTC0(T0, 3, 0),
      MTC0(ZERO, 5, 0),
      ADDIU(T0, ZERO, 5), MTC0(T0, 0, 0),
      EHB, TLBWI, EHB,
      ...LI(A0, 0x00010010), LW(V0, 0, A0),
      HYPCALL(HC_DONE),
    ]);
    const exits = rig.run();
    expect(exits.length).toBe(1);
    expect(exits[0]!.hc).toBe(HC_DONE);
    expect(u32(exits[0]!.gpr[V0]!)).toBe(0x7157a000);
    // Root reads the entry back with TLBGR: its GuestID comes back in GuestCtl1.RID.
    const c = rig.cpu;
    c.mtgc0(0, 0, 5);
    c.tlbgr();
    expect(u32(c.mfgc0(10, 0) & ~0x1fff)).toBe(0x00010000);
    expect(u32(c.mfgc0(2, 0))).toBe(glo(0x9000));
    expect((c.mfc0(C0.GUESTCTL1) >>> 16) & 0xff).toBe(GID);
  });

  it('vz.guest-tlb-refill', () => {
    // An unmapped kuseg access is the guest's own TLB refill at guest EBase+0: no root exit.
    const rig = new Rig();
    const prog = [...LI(A0, 0x00020010), LW(V0, 0, A0), HYPCALL(HC_DONE)];
    rig.setup(prog);
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const e = exits[0]!;
    expect(e.hc).toBe(HC_VEC_REFILL);
    expect(u32(e.epc)).toBe(u32(GUEST_EBASE));
    expect(excCode(e.g.cause)).toBe(EXC.TLBL);
    expect(u32(e.g.badvaddr)).toBe(0x00020010);
    expect(u32(e.g.epc)).toBe(u32(ENTRY + 8));
    expect(u32(e.g.entryhi & ~0x1fff)).toBe(0x00020000);
    expect(e.g.status & ST_EXL).toBe(ST_EXL);
  });

  it('vz.guest-tlb-invalid', () => {
    // A matching guest entry with V=0: guest TLBS at the general vector.
    const rig = new Rig();
    const prog = [
      ...LI(T0, 0x00030000), MTC0(T0, 10, 0),
      ...LI(T0, glo(0x9000)), MTC0(T0, 2, 0),
      ADDIU(T0, ZERO, 1), MTC0(T0, 3, 0), // odd page: G only
      MTC0(ZERO, 5, 0), MTC0(ZERO, 0, 0), EHB, TLBWI, EHB,
      ...LI(A0, 0x00031000), SW(ZERO, 0, A0), HYPCALL(HC_DONE),
    ];
    rig.setup(prog);
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.TLBS);
    expect(u32(e.g.badvaddr)).toBe(0x00031000);
    expect(u32(e.g.epc)).toBe(u32(ENTRY + 4 * (prog.length - 2)));
  });
});

describe('guest TLB and GuestID', () => {
  /** Guest code writing guest TLB entry 5: kuseg 0x00010000 → GPA `gpa` (even page only). */
  const writeEntry5 = (gpa: number): number[] => [
    ...LI(T0, 0x00010000), MTC0(T0, 10, 0), ...LI(T0, glo(gpa)), MTC0(T0, 2, 0), ADDIU(T0, ZERO, 1), MTC0(T0, 3, 0),
    MTC0(ZERO, 5, 0), ADDIU(T0, ZERO, 5), MTC0(T0, 0, 0), EHB, TLBWI, EHB,
  ];

  it('vz.guest-tlb-remap', () => {
    // Rewriting the guest entry must not leave the old translation cached.
    const rig = new Rig();
    rig.pokeGuest(0x80009010, [0x11110009]);
    rig.pokeGuest(0x8000a010, [0x2222000a]);
    rig.setup([
      ...writeEntry5(0x9000), ...LI(A0, 0x00010010), LW(V0, 0, A0),
      ...writeEntry5(0xa000), LW(T5, 0, A0), HYPCALL(HC_DONE),
    ]);
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_DONE);
    expect(u32(e.gpr[V0]!)).toBe(0x11110009);
    expect(u32(e.gpr[T5]!)).toBe(0x2222000a);
  });

  it('vz.guest-tlb-asid', () => {
    // A non-global guest entry matches only its guest ASID (the cache is keyed by it as well).
    const rig = new Rig();
    rig.pokeGuest(0x80009010, [0x11110009]);
    const lo = glo(0x9000) & ~1;
    rig.setup([
      ...LI(T0, 0x00010005), MTC0(T0, 10, 0), ...LI(T0, lo), MTC0(T0, 2, 0), MTC0(ZERO, 3, 0),
      MTC0(ZERO, 5, 0), MTC0(ZERO, 0, 0), EHB, TLBWI, EHB,
      ...LI(A0, 0x00010010), LW(V0, 0, A0),
      ADDIU(T0, ZERO, 6), MTC0(T0, 10, 0), EHB, LW(V1, 0, A0), HYPCALL(HC_DONE),
    ]);
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_REFILL);
    expect(u32(e.gpr[V0]!)).toBe(0x11110009);
    expect(u32(e.g.badvaddr)).toBe(0x00010010);
    expect(e.g.entryhi & 0xff).toBe(6);
  });

  it('vz.guest-tlb-guestid', () => {
    // Guest 1's guest TLB entry is invisible to guest 2 (GuestCtl1.ID tags guest entries).
    const rig = new Rig();
    rig.pokeGuest(0x80009010, [0x11110009]);
    const PROG_B = ENTRY + 0x200;
    rig.pokeGuest(PROG_B, [...LI(A0, 0x00010010), LW(V0, 0, A0), HYPCALL(HC_DONE)]);
    rig.mapGuestRam(2, 1);
    rig.setup([...writeEntry5(0x9000), ...LI(A0, 0x00010010), LW(V0, 0, A0), HYPCALL(HC_DONE)]);
    const a = rig.run()[0]!;
    expect(u32(a.gpr[V0]!)).toBe(0x11110009);
    rig.cpu.mtc0(C0.GUESTCTL1, 2);
    rig.resume(PROG_B);
    const b = rig.run()[1]!;
    expect(b.hc).toBe(HC_VEC_REFILL);
    expect(u32(b.g.badvaddr)).toBe(0x00010010);
    // And guest 1 still sees it.
    rig.cpu.mtgc0(12, 0, 0);
    rig.cpu.mtc0(C0.GUESTCTL1, 1);
    rig.resume(PROG_B);
    const c = rig.run()[2]!;
    expect(c.hc).toBe(HC_DONE);
    expect(u32(c.gpr[V0]!)).toBe(0x11110009);
  });
});

describe('interrupt injection (GuestCtl2, EIC form)', () => {
  const GRIPL = 3;
  /** Guest Config3.VEIC=1 (root-writable), guest Cause.IV=1; guest EBase/BEV=0 from the rig. */
  function eicGuest(rig: Rig): void {
    const c = rig.cpu;
    c.mtgc0(16, 3, c.mfgc0(16, 3) | CFG3_VEIC);
  }
  /** HYPCALL 1 asks root to inject; then the guest runs `rest`. */
  const injectAt = (e: Exit): Action => {
    if (e.hc === 1) {
      return (cpu) => {
        cpu.mtc0(C0.GUESTCTL2, (GRIPL << 24) | GVEC_OFF);
        cpu.mtc0(C0.EPC, (e.epc + 4) | 0);
        cpu.eret();
      };
    }
    return e.hc === 2 ? 'skip' : 'halt';
  };

  it('vz.inject', () => {
    const rig = new Rig();
    eicGuest(rig);
    const SPIN = ENTRY + 4;
    rig.setup([HYPCALL(1), BEQ(ZERO, ZERO, -1), NOP], { gstatus: ST_IE, gcause: CA_IV, act: (e) => injectAt(e) });
    const exits = rig.run();
    expect(rig.cpu.mfgc0(16, 3) & CFG3_VEIC).toBe(CFG3_VEIC);
    expect(exits.length).toBe(2);
    const e = exits[1]!;
    expect(e.hc).toBe(HC_VEC_GVEC);
    expect(u32(e.epc)).toBe(u32(GUEST_EBASE + GVEC_OFF));
    expect(excCode(e.g.cause)).toBe(EXC.INT);
    expect((e.g.cause >>> 10) & 0xff).toBe(GRIPL);
    expect(e.gctl2 >>> 24).toBe(0); // GRIPL cleared on acceptance
    expect(e.gctl2 & 0xffff).toBe(GVEC_OFF);
    expect(e.g.status & ST_EXL).toBe(ST_EXL);
    expect(u32(e.g.epc)).toBe(u32(SPIN));
  });

  it('vz.inject-ghfc', () => {
    // MC=1, FCD=0: acceptance (guest EXL 0→1) is reported as GHFC after the guest state change.
    const rig = new Rig();
    eicGuest(rig);
    rig.setup([HYPCALL(1), BEQ(ZERO, ZERO, -1), NOP], {
      gstatus: ST_IE, gcause: CA_IV, gc0: GC0_BASE | GC0_MC, gc0x: 0,
      act: (e) => (e.gexc === GEXC.GHFC ? 'retry' : injectAt(e)),
    });
    const exits = rig.run();
    expect(exits.length).toBe(3);
    const e = exits[1]!;
    expect(e.gexc).toBe(GEXC.GHFC);
    expect(u32(e.epc)).toBe(u32(GUEST_EBASE + GVEC_OFF));
    expect(e.gctl2 >>> 24).toBe(0);
    expect((e.g.cause >>> 10) & 0xff).toBe(GRIPL);
    expect(exits[2]!.hc).toBe(HC_VEC_GVEC);
  });

  it('vz.inject-masked-ie', () => {
    // Guest IE=0: nothing is taken (GRIPL stays pending) until the guest's EI.
    const rig = new Rig();
    eicGuest(rig);
    const prog = [
      HYPCALL(1),
      ADDIU(T0, ZERO, 20), ADDIU(T0, T0, -1), BNE(T0, ZERO, -2), NOP,
      HYPCALL(2),
      EI(),
      BEQ(ZERO, ZERO, -1), NOP,
    ];
    rig.setup(prog, { gstatus: 0, gcause: CA_IV, act: (e) => injectAt(e) });
    const exits = rig.run();
    expect(exits.map((e) => e.hc)).toEqual([1, 2, HC_VEC_GVEC]);
    expect(exits[1]!.gctl2 >>> 24).toBe(GRIPL);
    expect(exits[1]!.g.status & ST_EXL).toBe(0);
    const e = exits[2]!;
    expect(u32(e.g.epc)).toBe(u32(ENTRY + 4 * 7)); // the instruction after EI
    expect((e.g.cause >>> 10) & 0xff).toBe(GRIPL);
    expect(e.gctl2 >>> 24).toBe(0);
  });

  it('vz.inject-masked-ipl', () => {
    // Guest IPL = GRIPL: not taken.
    const rig = new Rig();
    eicGuest(rig);
    const prog = [HYPCALL(1), ADDIU(T0, ZERO, 20), ADDIU(T0, T0, -1), BNE(T0, ZERO, -2), NOP, HYPCALL(HC_DONE)];
    rig.setup(prog, { gstatus: ST_IE | (GRIPL << 10), gcause: CA_IV, act: (e) => injectAt(e) });
    const exits = rig.run();
    expect(exits.map((e) => e.hc)).toEqual([1, HC_DONE]);
    expect(exits[1]!.gctl2 >>> 24).toBe(GRIPL);
  });
});

describe('interrupts of a non-EIC guest', () => {
  it('vz.inject-vip', () => {
    // Guest Config3.VEIC=0: GuestCtl2.VIP[7:2] (bits 15:10) raise guest IP7..IP2.
    const rig = new Rig();
    rig.setup([HYPCALL(1), BEQ(ZERO, ZERO, -1), NOP], {
      gstatus: ST_IE | (1 << 10),
      act: (e) => e.hc === 1 ? (cpu) => { cpu.mtc0(C0.GUESTCTL2, 1 << 10); cpu.mtc0(C0.EPC, (e.epc + 4) | 0); cpu.eret(); } : 'halt',
    });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    const e = exits[1]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.INT);
    expect(e.g.cause & (1 << 10)).toBe(1 << 10);
    rig.cpu.mtc0(C0.GUESTCTL2, 0);
    expect(rig.cpu.mfgc0(13, 0) & (1 << 10)).toBe(0);
  });

  it('vz.inject-vip-iv1', () => {
    // Cause.IV=1 with IntCtl.VS=0: the guest's interrupt vector EBase+0x200.
    const rig = new Rig();
    rig.setup([HYPCALL(1), BEQ(ZERO, ZERO, -1), NOP], {
      gstatus: ST_IE | (1 << 10), gcause: CA_IV,
      act: (e) => e.hc === 1 ? (cpu) => { cpu.mtc0(C0.GUESTCTL2, 1 << 10); cpu.mtc0(C0.EPC, (e.epc + 4) | 0); cpu.eret(); } : 'halt',
    });
    const e = rig.run()[1]!;
    expect(e.hc).toBe(HC_VEC_INT);
    expect(excCode(e.g.cause)).toBe(EXC.INT);
  });

  // A non-EIC guest in vectored-interrupt mode (guest Config3.VInt=1, IntCtl.VS≠0, Cause.IV=1,
  // BEV=0) enters at EBase + 0x200 + n × (VS<<5) (PRA VI mode).
  it('vz.guest-vi-vector', () => {
    const rig = new Rig();
    const VEC_IP3 = 0x200 + 3 * 0x20;
    rig.pokeGuest(GUEST_EBASE + VEC_IP3, [HYPCALL(0x263)]);
    rig.cpu.mtgc0(12, 1, 1 << 5); // guest IntCtl.VS = 1 (32-byte spacing)
    expect(rig.cpu.mfgc0(16, 3) & (1 << 5)).toBe(1 << 5); // guest Config3.VInt: VI mode exists
    rig.setup([HYPCALL(1), BEQ(ZERO, ZERO, -1), NOP], {
      gstatus: ST_IE | (1 << 11), gcause: CA_IV,
      act: (e) => e.hc === 1 ? (cpu) => { cpu.mtc0(C0.GUESTCTL2, 1 << 11); cpu.mtc0(C0.EPC, (e.epc + 4) | 0); cpu.eret(); } : 'halt',
    });
    const e = rig.run()[1]!;
    expect(excCode(e.g.cause)).toBe(EXC.INT);
    expect(u32(e.epc)).toBe(u32(GUEST_EBASE + VEC_IP3));
  });

  it('vz.gtimer-irq-non-eic', () => {
    // Guest timer match with IM7 (guest IntCtl.IPTI=7) and IE: a guest interrupt.
    const rig = new Rig();
    rig.setup([MFC0(T0, 9, 0), ADDIU(T0, T0, 50), MTC0(T0, 11, 0), BEQ(ZERO, ZERO, -1), NOP], {
      gstatus: ST_IE | (1 << 15), gc0: GC0_BASE | GC0_GT,
    });
    const e = rig.run()[0]!;
    expect(e.hc).toBe(HC_VEC_GENERAL);
    expect(excCode(e.g.cause)).toBe(EXC.INT);
    expect(e.g.cause & CA_TI).toBe(CA_TI);
    expect(e.g.cause & (1 << 15)).toBe(1 << 15);
  });
});

describe('guest timer', () => {
  const N = 100;

  it('vz.gtimer', () => {
    // GT=1: the guest arms Compare = Count + N and polls its Cause.TI; TI appears once the
    // guest Count reaches Compare (N ticks = N*2 cycles) and a Compare write clears it.
    const rig = new Rig();
    rig.cpu.mtc0(C0.GTOFFSET, 0x7fff_fff0); // guest Count wraps through 0x80000000 soon
    const prog = [
      MFC0(T0, 9, 0), ADDIU(T0, T0, N), MTC0(T0, 11, 0), // Compare = Count + N
      MFC0(T3, 13, 0), // TI clear right after arming
      MFC0(T1, 13, 0), SLL(T2, T1, 1), BGEZ(T2, -3), NOP, // poll until TI (bit 30)
      MFC0(T4, 9, 0), // Count when TI was seen
      MTC0(T0, 11, 0), MFC0(T5, 13, 0), // rewriting Compare clears TI
      HYPCALL(HC_DONE),
    ];
    let tiRootSet = false, tiRootClear = false;
    rig.setup(prog, { gc0: GC0_BASE | GC0_GT, act: (e) => e.hc === HC_DONE ? (cpu) => {
      // Root sets and clears the guest's TI too (MTGC0 Cause / Compare).
      cpu.mtgc0(13, 0, cpu.mfgc0(13, 0) | CA_TI);
      tiRootSet = (cpu.mfgc0(13, 0) & CA_TI) !== 0;
      cpu.mtgc0(11, 0, cpu.mfgc0(11, 0));
      tiRootClear = (cpu.mfgc0(13, 0) & CA_TI) === 0;
      cpu.halt();
    } : 'halt' });
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const g = exits[0]!.gpr;
    expect(g[T3]! & CA_TI).toBe(0);
    expect(g[T1]! & CA_TI).toBe(CA_TI);
    const late = (g[T4]! - g[T0]!) | 0; // ticks between the match and the read
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThanOrEqual(4);
    expect(g[T5]! & CA_TI).toBe(0);
    expect(tiRootSet).toBe(true);
    expect(tiRootClear).toBe(true);
  });

  it('vz.gtimer-exact', () => {
    // Straight-line code, one instruction per cycle: arm Compare = Count + N, then sample
    // Cause every 2 cycles into memory. The match is the first cycle at which the half-rate
    // guest Count equals Compare; TI must be clear in every sample before it and set in every
    // sample after it (the sample at the match cycle itself may see either).
    const K = N + 10;
    const rig = new Rig();
    rig.cpu.mtc0(C0.GTOFFSET, 0x1234_5679);
    const samples: number[] = [];
    for (let k = 0; k < K; k++) samples.push(MFC0(T1, 13, 0), SW(T1, 4 * k, A0));
    rig.setup([...LI(A0, GDATA), MFC0(T0, 9, 0), ADDIU(T0, T0, N), MTC0(T0, 11, 0), ...samples, HYPCALL(HC_DONE)], {
      gc0: GC0_BASE | GC0_GT,
    });
    const exits = rig.run();
    expect(exits.length).toBe(1);
    const tHyp = exits[0]!.now;
    const tArm = tHyp - 2 * K - 1; // the MTC0 Compare
    const match = 2 * (Math.floor((tArm - 2) / 2) + N); // Count read at tArm - 2, plus N ticks
    let seen = 0;
    for (let k = 0; k < K; k++) {
      const t = tArm + 1 + 2 * k;
      const ti = (rig.peek(Rig.rpa(GDATA) + 4 * k) & CA_TI) !== 0;
      if (t < match) expect(ti, `sample at cycle ${t}, match at ${match}`).toBe(false);
      if (t > match) { expect(ti, `sample at cycle ${t}, match at ${match}`).toBe(true); seen++; }
    }
    expect(seen).toBeGreaterThan(5);
  });
});

describe('root timer and the guest timer', () => {
  it('vz.root-irq-before-guest-irq', () => {
    // Root and injected guest interrupts pending at once: the root one is taken first.
    const rig = new Rig();
    const c = rig.cpu;
    const EVIC = 0x1f810000;
    c.writePhys(EVIC + 0x140, 4, 4 << 2);
    c.writePhys(EVIC + 0x0c0, 4, 1);
    c.mtgc0(16, 3, c.mfgc0(16, 3) | CFG3_VEIC);
    c.mtc0(C0.CAUSE, CA_IV);
    c.mtc0(C0.STATUS, ST_EXL | ST_IE);
    c.mtc0(C0.GUESTCTL2, (3 << 24) | GVEC_OFF);
    c.mtc0(C0.COMPARE, (c.mfc0(C0.COUNT) + 20) | 0);
    // Let the root timer expire while root code spins at EXL=1 (interrupts masked).
    const SPIN = ROOT_EBASE + 0x800;
    rig.poke(SPIN & 0x1fffffff, [BEQ(ZERO, ZERO, -1), NOP]);
    rig.setup([BEQ(ZERO, ZERO, -1), NOP], { gstatus: ST_IE, gcause: CA_IV, noEnter: true });
    c.setPc(SPIN);
    expect(rig.m.run(200)).toBe('time');
    expect(rig.exits.length).toBe(0);
    expect(c.mfc0(C0.CAUSE) & CA_TI).toBe(CA_TI);
    rig.resume(ENTRY);
    const e = rig.run()[0]!;
    expect(e.code).toBe(EXC.INT);
    expect(e.vector).toBe(0x200);
    expect(u32(e.epc)).toBe(u32(ENTRY));
    expect(e.gctl2 >>> 24).toBe(3); // the guest's interrupt is still pending
    expect(e.g.status & ST_EXL).toBe(0);
  });

  it('vz.root-irq-preempts-guest', () => {
    // A root interrupt (core timer through the EVIC, EIC mode, single vector EBase+0x200) is
    // taken while the guest runs with its own IE=0: root EPC = the guest PC, GM stays 1.
    const rig = new Rig();
    const c = rig.cpu;
    const EVIC = 0x1f810000;
    expect(c.writePhys(EVIC + 0x140, 4, 4 << 2)).toBe(true); // IPC0: core timer priority 4
    expect(c.writePhys(EVIC + 0x0c0, 4, 1)).toBe(true); // IEC0: core timer enabled
    c.mtc0(C0.CAUSE, CA_IV);
    c.mtc0(C0.STATUS, ST_EXL | ST_IE);
    c.mtc0(C0.COMPARE, (c.mfc0(C0.COUNT) + 200) | 0);
    rig.setup([BEQ(ZERO, ZERO, -1), NOP], { gstatus: 0 });
    const e = rig.run()[0]!;
    expect(e.code).toBe(EXC.INT);
    expect(e.vector).toBe(0x200);
    expect((e.cause >>> 10) & 0xff).toBe(4);
    expect(e.gctl0 >>> 31).toBe(1);
    expect(e.status & ST_EXL).toBe(ST_EXL);
    expect([ENTRY, ENTRY + 4].map(u32)).toContain(u32(e.epc));
    expect(e.g.status & ST_EXL).toBe(0);
    expect(e.now).toBeGreaterThanOrEqual(400);
  });

  // With root Cause.DC the guest Count (root Count + GTOffset) is frozen too: no guest timer match.
  it('vz.gtimer-root-dc-frozen', () => {
    const rig = new Rig();
    rig.cpu.mtc0(C0.CAUSE, CA_DC);
    rig.setup([
      MFC0(T0, 9, 0), ADDIU(T0, T0, 10), MTC0(T0, 11, 0),
      ADDIU(T3, ZERO, 100), ADDIU(T3, T3, -1), BNE(T3, ZERO, -2), NOP,
      MFC0(T1, 9, 0), MFC0(T2, 13, 0), HYPCALL(HC_DONE),
    ], { gc0: GC0_BASE | GC0_GT });
    const g = rig.run()[0]!.gpr;
    expect((g[T1]! - g[T0]!) | 0).toBe(-10); // the guest Count did not move...
    expect(g[T2]! & CA_TI).toBe(0); // ...so it cannot have matched Compare
  });
});

describe('LL bits (guest and root apart)', () => {
  const RPA_DATA = Rig.rpa(GDATA);

  it('vz.ll-plain', () => {
    const rig = new Rig();
    rig.poke(RPA_DATA, [0xabc]);
    rig.setup([...LI(A0, GDATA), LL(T0, 0, A0), ADDIU(T1, ZERO, 0x1111), SC(T1, 0, A0), OR(V0, T1, ZERO), HYPCALL(HC_DONE)]);
    const e = rig.run()[0]!;
    expect(e.gpr[V0]).toBe(1);
    expect(rig.peek(RPA_DATA)).toBe(0x1111);
  });

  it('vz.ll-root-llsc-between', () => {
    // Guest LL; HYPCALL exits; MIPS root code at the vector does its own LL/SC on another
    // word and ERETs (clearing the root LL bit only); the guest's SC still succeeds.
    const rig = new Rig();
    const ROOT_WORD = 0x80040100 | 0;
    rig.poke(0x40100, [41, 0]);
    rig.poke((ROOT_EBASE + 0x180) & 0x1fffffff, [
      ...LI(K0, ROOT_WORD), LL(K1, 0, K0), ADDIU(K1, K1, 1), SC(K1, 0, K0), SW(K1, 4, K0),
      MFC0(K0, 14, 0), ADDIU(K0, K0, 4), MTC0(K0, 14, 0), EHB, ERET,
    ]);
    rig.poke(RPA_DATA, [0xabc]);
    rig.setup([...LI(A0, GDATA), LL(T0, 0, A0), HYPCALL(1), ADDIU(T1, ZERO, 0x5a5a), SC(T1, 0, A0), OR(V0, T1, ZERO), HYPCALL(HC_DONE)], {
      act: (e) => (e.hc === 1 ? 'vector' : 'halt'),
    });
    const exits = rig.run();
    expect(exits.map((e) => e.hc)).toEqual([1, HC_DONE]);
    expect(rig.peek(0x40100)).toBe(42); // root LL/SC stored
    expect(rig.peek(0x40104)).toBe(1); // root SC succeeded
    expect(exits[1]!.gpr[V0]).toBe(1); // guest SC succeeded
    expect(rig.peek(RPA_DATA)).toBe(0x5a5a);
  });

  it('vz.ll-native-exit-between', () => {
    // Same with a native handler: root ERET from TypeScript leaves the guest LL bit alone.
    const rig = new Rig();
    rig.poke(RPA_DATA, [0xabc]);
    rig.setup([...LI(A0, GDATA), LL(T0, 0, A0), HYPCALL(1), ADDIU(T1, ZERO, 0x5a5a), SC(T1, 0, A0), OR(V0, T1, ZERO), HYPCALL(HC_DONE)], {
      act: skipThenHalt,
    });
    const exits = rig.run();
    expect(exits.length).toBe(2);
    expect(exits[1]!.gpr[V0]).toBe(1);
    expect(rig.peek(RPA_DATA)).toBe(0x5a5a);
  });

  it('vz.ll-guest-eret-clears', () => {
    // Guest ERET with EXL=ERL=0 jumps to guest EPC and clears the guest LL bit: SC fails.
    const rig = new Rig();
    rig.poke(RPA_DATA, [0xabc]);
    const AFTER = ENTRY + 4 * 8;
    rig.setup([
      ...LI(A0, GDATA), LL(T0, 0, A0), ...LI(T2, AFTER), MTC0(T2, 14, 0), EHB, ERET,
      ADDIU(T1, ZERO, 0x2222), SC(T1, 0, A0), OR(V0, T1, ZERO), HYPCALL(HC_DONE),
    ]);
    const exits = rig.run();
    expect(exits.length).toBe(1);
    expect(u32(exits[0]!.epc)).toBe(u32(AFTER + 12));
    expect(exits[0]!.gpr[V0]).toBe(0);
    expect(rig.peek(RPA_DATA)).toBe(0xabc);
  });
});

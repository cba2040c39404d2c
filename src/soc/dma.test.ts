import { describe, expect, it } from 'vitest';
import { CHBCIF, CHCCIF, CHDDIF, CHDHIF, CHERIF, CHSDIF, CHSHIF, CHTAIF, DMA_CYCLES_PER_BYTE } from './dma.ts';
import { createPic32mz } from './pic32mz.ts';
import { SYSKEY_1, SYSKEY_2 } from './system.ts';
import { advance, cpuAccess, runUntil } from './test-helpers.ts';

const DMACON = 0x1f811000, DMASTAT = 0x1f811010, DMAADDR = 0x1f811020;
const CH = (n: number) => 0x1f811060 + 0xc0 * n;
const CON = 0x00, ECON = 0x10, INT = 0x20, SSA = 0x30, DSA = 0x40, SSIZ = 0x50, DSIZ = 0x60, SPTR = 0x70, DPTR = 0x80,
  CSIZ = 0x90, DAT = 0xb0;
const SET = 8, CLR = 4;
const IFS4 = 0x1f810080, IEC4 = 0x1f810100;

function soc() {
  const s = createPic32mz();
  const { rd, wr } = cpuAccess(s);
  const ram = s.bus.mem.u8; // RAM is at host offset 0
  return { s, rd, wr, ram };
}

/** The dma-guest's dma_start() (example-guests.md §3), copying 0x4000 bytes from 0 to `dst`. */
function dmaStart(wr: (pa: number, v: number) => void, rd: (pa: number) => number, dst = 0x8000) {
  wr(CH(0) + ECON + SET, 0x40); // CABORT
  wr(CH(0) + CON + CLR, 0x80);
  expect(rd(CH(0) + CON) & 0x8000).toBe(0); // CHBUSY
  wr(IEC4 + SET, 0x40);
  wr(IFS4 + CLR, 0x40);
  wr(DMACON + SET, 0x8000);
  wr(CH(0) + CON, 3);
  wr(CH(0) + ECON, 0);
  wr(CH(0) + SSA, 0);
  wr(CH(0) + DSA, dst);
  wr(CH(0) + SSIZ, 0x4000);
  wr(CH(0) + DSIZ, 0x4000);
  wr(CH(0) + CSIZ, 0x4000);
  wr(CH(0) + INT + CLR, 0x00ff00ff);
  wr(CH(0) + INT + SET, 0x00210000); // CHDDIE | CHERIE
  wr(CH(0) + CON + SET, 0x80);
  wr(CH(0) + ECON + SET, 0x80); // CFORCE
}

describe('DMA', () => {
  it('runs the dma-guest copy, in virtual time, and raises DMA0', () => {
    const { s, rd, wr, ram } = soc();
    for (let i = 0; i < 0x4000; i++) ram[i] = (i * 7) & 0xff;
    dmaStart(wr, rd);
    expect(rd(CH(0) + CON) & 0x8000).toBe(0x8000);
    expect(rd(DMACON) & 0x800).toBe(0x800); // DMABUSY
    advance(s.clock, 0x4000 * DMA_CYCLES_PER_BYTE - 1);
    expect(ram[0x8000 + 5]).toBe(0);
    expect(s.evic.flag(134)).toBe(false);
    advance(s.clock, 1);
    for (let i = 0; i < 0x4000; i++) if (ram[0x8000 + i] !== ram[i]) throw new Error(`byte ${i}`);
    expect(rd(CH(0) + INT) & 0xff).toBe(CHSDIF | CHSHIF | CHDDIF | CHDHIF | CHBCIF | CHCCIF);
    expect(s.evic.flag(134)).toBe(true);
    expect(rd(CH(0) + CON) & 0x8080).toBe(0); // block done: CHEN cleared, not busy
    expect(rd(DMACON) & 0x800).toBe(0);
  });

  it('tells the core that memory changed behind its back', () => {
    const { s, rd, wr } = soc();
    const writes: number[] = [];
    s.bus.addWriteListener((off) => writes.push(off));
    dmaStart(wr, rd);
    runUntil(s.clock, 1e6);
    expect(writes).toContain(0x8000);
  });

  it('blocks a DMA write the System Bus Arbiter forbids, logs it and raises IRQ 106', () => {
    const { s, rd, wr, ram } = soc();
    wr(0x1f800030, SYSKEY_1);
    wr(0x1f800030, SYSKEY_2);
    // tinyVP's setup for a DMA VM in group 1 with a 64 KB zone at 0 (spec §12).
    wr(0x1f8f8858, 1); // SBT2WR0: group 0
    wr(0x1f8f8850, 1); // SBT2RD0
    wr(0x1f8f8860, 0x38); // SBT2REG1: 64 KB at 0
    wr(0x1f8f8870, 3);
    wr(0x1f8f8878, 3);
    wr(0x1f8000e0, 0x10); // CFGPG.DMAPG = 1
    wr(0x1f8f8828, 0x01000000); // SBT2ECON.ERRP
    ram[0x10000] = 0x5a;
    dmaStart(wr, rd, 0x10000);
    runUntil(s.clock, 1e6);
    expect(ram[0x10000]).toBe(0x5a);
    expect(rd(CH(0) + INT) & CHERIF).toBe(CHERIF);
    expect(rd(DMAADDR)).toBe(0x10000);
    expect(rd(DMASTAT)).toBe(0); // a write, channel 0
    expect(rd(0x1f8f0510)).toBe(1 << 2); // SBFLAG: target 2
    const elog = rd(0x1f8f8820);
    expect((elog >>> 8) & 0xff).toBe(5); // DMA Write LRS
    expect(elog & 7).toBe(1); // write
    expect((elog >>> 4) & 0xf).toBe(0); // region 0 refused it
    expect(rd(0x1f8f8824)).toBe(1); // ELOG2.GROUP
    expect(s.evic.flag(106)).toBe(true);
    // The CPU (group 0) still reaches that memory on its fast path.
    expect(s.bus.pageBase(0x10, true)).toBeGreaterThanOrEqual(0);
    // Inside the zone the copy goes through.
    wr(0x1f8f8820, 0xffffffff);
    rd(0x1f8f8838);
    expect(rd(0x1f8f0510)).toBe(0);
    ram[0x100] = 0x77;
    dmaStart(wr, rd, 0x8000);
    runUntil(s.clock, 2e6);
    expect(ram[0x8100]).toBe(0x77);
    expect(rd(0x1f8f0510)).toBe(0);
  });

  it('starts cells on an interrupt event (CHSIRQ) and aborts on CHAIRQ', () => {
    const { s, rd, wr, ram } = soc();
    ram.set([1, 2, 3, 4], 0x200);
    wr(DMACON, 0x8000);
    wr(CH(1) + SSA, 0x200);
    wr(CH(1) + DSA, 0x300);
    wr(CH(1) + SSIZ, 4);
    wr(CH(1) + DSIZ, 4);
    wr(CH(1) + CSIZ, 1);
    wr(CH(1) + ECON, (9 << 8) | 0x10 | (14 << 16) | 0x8); // start on T2 (IRQ 9), abort on T3 (IRQ 14)
    wr(CH(1) + CON, 0x80);
    wr(0x1f840220, 99); // PR2
    wr(0x1f840200, 0x8000); // T2 on: period 200 cycles
    advance(s.clock, 201 + 1);
    expect(Array.from(ram.subarray(0x300, 0x304))).toEqual([1, 0, 0, 0]);
    expect(rd(CH(1) + SPTR)).toBe(1);
    advance(s.clock, 200);
    expect(ram[0x301]).toBe(2);
    s.evic.raise(14); // abort event
    expect(rd(CH(1) + INT) & CHTAIF).toBe(CHTAIF);
    expect(rd(CH(1) + CON) & 0x80).toBe(0);
    expect(rd(CH(1) + DPTR)).toBe(0);
  });

  it('ends the block on a pattern match', () => {
    const { s, rd, wr, ram } = soc();
    ram.set([0x68, 0x69, 0x0d, 0x55, 0x55], 0x400);
    wr(DMACON, 0x8000);
    wr(CH(2) + SSA, 0x400);
    wr(CH(2) + DSA, 0x500);
    wr(CH(2) + SSIZ, 100);
    wr(CH(2) + DSIZ, 100);
    wr(CH(2) + CSIZ, 100);
    wr(CH(2) + DAT, 0x0d);
    wr(CH(2) + ECON, 0x20); // PATEN
    wr(CH(2) + CON, 0x80);
    wr(CH(2) + ECON + SET, 0x80);
    runUntil(s.clock, 1e5);
    expect(Array.from(ram.subarray(0x500, 0x505))).toEqual([0x68, 0x69, 0x0d, 0, 0]);
    expect(rd(CH(2) + INT) & CHBCIF).toBe(CHBCIF);
  });

  it('enables a chained channel when the one before it completes', () => {
    const { s, rd, wr } = soc();
    wr(DMACON, 0x8000);
    for (const n of [3, 4]) {
      wr(CH(n) + SSA, 0x600);
      wr(CH(n) + DSA, 0x700 + 0x10 * n);
      wr(CH(n) + SSIZ, 4);
      wr(CH(n) + DSIZ, 4);
      wr(CH(n) + CSIZ, 4);
    }
    wr(CH(4) + CON, 0x20); // CHCHN, CHCHNS = 0: from channel 3
    wr(CH(3) + CON, 0x80);
    wr(CH(3) + ECON + SET, 0x80);
    runUntil(s.clock, 1e4);
    expect(rd(CH(4) + CON) & 0x80).toBe(0x80);
  });

  it('serves the higher CHPRI first', () => {
    const { s, wr, ram } = soc();
    const order: number[] = [];
    s.bus.addWriteListener((off) => order.push(off));
    wr(DMACON, 0x8000);
    wr(DMACON + SET, 0x1000); // SUSPEND while both are queued
    for (const [n, pri] of [[5, 1], [6, 3]] as const) {
      wr(CH(n) + SSA, 0x800);
      wr(CH(n) + DSA, 0x900 + 0x10 * n);
      wr(CH(n) + SSIZ, 4);
      wr(CH(n) + DSIZ, 4);
      wr(CH(n) + CSIZ, 4);
      wr(CH(n) + CON, 0x80 | pri);
      wr(CH(n) + ECON + SET, 0x80);
    }
    wr(DMACON + CLR, 0x1000);
    runUntil(s.clock, 1e4);
    expect(order).toEqual([0x960, 0x950]);
    expect(ram[0x950]).toBe(0);
  });

  it('has SET/CLR/INV on every DMA register', () => {
    const { s } = soc();
    for (const r of s.dma.regs.registers) {
      expect(r.sci, r.name).toBe(true);
      expect(s.dma.regs.nameAt(r.off + 12), r.name).toBe(`${r.name}INV`);
    }
    const { rd, wr } = soc();
    wr(CH(7) + SSA + SET, 0xf0f0);
    wr(CH(7) + SSA + CLR, 0x00f0);
    wr(CH(7) + SSA + 12, 0x0ff0);
    expect(rd(CH(7) + SSA)).toBe(0xfff0); // 0xf0f0 -> 0xf000 -> 0xfff0
  });
});

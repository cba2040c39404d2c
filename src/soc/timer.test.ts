import { describe, expect, it } from 'vitest';
import { Clock } from '../sim/clock.ts';
import { Evic } from './evic.ts';
import { IRQ } from './irqs.ts';
import { SfrTrace } from './regs.ts';
import { advance, dev, runUntil } from './test-helpers.ts';
import { createTimers } from './timer.ts';

const CON = 0x00, TMR = 0x10, PR = 0x20;

function setup() {
  const clock = new Clock();
  const trace = new SfrTrace();
  const evic = new Evic(clock, trace);
  evic.reset();
  const rates = { pb3: 100e6, sosc: 32768 };
  const timers = createTimers(clock, { pbclk3Hz: () => rates.pb3, soscHz: () => rates.sosc }, (irq) => evic.line(irq), IRQ.TIMER, trace);
  for (const t of timers) t.reset();
  const t = (n: number) => dev(timers[n - 1]!.regs);
  const flagAt: Record<number, number[]> = {};
  evic.onEvent = (irq) => (flagAt[irq] ??= []).push(clock.now);
  return { clock, evic, timers, t, rates, flagAt };
}

describe('Timers', () => {
  it('reset to TxCON = 0, TMR = 0, PR = 0xFFFF', () => {
    const { t } = setup();
    for (let n = 1; n <= 9; n++) expect([t(n).rd(CON), t(n).rd(TMR), t(n).rd(PR)]).toEqual([0, 0, 0xffff]);
  });

  it('raises the Timer2 period interrupt after (PR+1) PBCLK3 ticks', () => {
    const { clock, evic, t, flagAt } = setup();
    clock.now = 500;
    t(2).wr(PR, 999);
    t(2).wr(CON, 0x8000);
    // PBCLK3 = 100 MHz: one tick is 2 core cycles; period = 1000 ticks = 2000 cycles.
    runUntil(clock, 500 + 1999);
    expect(evic.flag(9)).toBe(false);
    runUntil(clock, 500 + 2000);
    expect(evic.flag(9)).toBe(true);
    runUntil(clock, 500 + 6000);
    expect(flagAt[9]).toEqual([2500, 4500, 6500]);
  });

  it('counts lazily and reads TMR at any time', () => {
    const { clock, t } = setup();
    t(2).wr(PR, 999);
    t(2).wr(CON, 0x8000);
    advance(clock, 1001);
    expect(t(2).rd(TMR)).toBe(500);
    advance(clock, 1000);
    expect(t(2).rd(TMR)).toBe(0); // wrapped at 1000 ticks
    t(2).wr(CON + 4, 0x8000); // off: count freezes
    advance(clock, 5000);
    expect(t(2).rd(TMR)).toBe(0);
  });

  it('applies the type B prescaler', () => {
    const { clock, t, flagAt } = setup();
    t(3).wr(PR, 1);
    t(3).wr(CON, 0x8000 | (7 << 4)); // 1:256
    runUntil(clock, 4096);
    expect(flagAt[14]).toEqual([1024, 2048, 3072, 4096]);
  });

  it('applies the type A prescaler (1, 8, 64, 256) of Timer1', () => {
    const { clock, t, flagAt } = setup();
    t(1).wr(PR, 9);
    t(1).wr(CON, 0x8000 | (1 << 4)); // 1:8
    runUntil(clock, 160);
    expect(flagAt[4]).toEqual([160]);
    t(1).wr(CON + 8, 3 << 4); // 1:256
    runUntil(clock, 160 + 10 * 512);
    expect(flagAt[4]).toEqual([160, 160 + 5120]);
  });

  it('counts Timer1 from SOSC with TCS', () => {
    const { clock, t, flagAt } = setup();
    t(1).wr(PR, 32767);
    t(1).wr(CON, 0x8002);
    runUntil(clock, 200_000_000);
    expect(flagAt[4]).toEqual([200_000_000]); // 32768 ticks of 32.768 kHz = 1 s
  });

  it('pairs Timer2/3 into a 32-bit timer that interrupts on Timer3', () => {
    const { clock, t, flagAt } = setup();
    t(2).wr(PR, 0xffff);
    t(3).wr(PR, 0x0001);
    t(2).wr(CON, 0x8008);
    advance(clock, 2 * 0x12345);
    expect(t(2).rd(TMR)).toBe(0x2345);
    expect(t(3).rd(TMR)).toBe(0x1);
    runUntil(clock, 2 * 0x20000);
    expect(flagAt[14]).toEqual([2 * 0x20000]);
    expect(flagAt[9]).toBeUndefined();
    t(3).wr(TMR, 0x1); // high half
    t(2).wr(TMR, 0xfffe);
    advance(clock, 4);
    expect(flagAt[14]!.length).toBe(2);
  });

  it('runs past PR to 0xFFFF when TMR is written above the period', () => {
    const { clock, t, flagAt } = setup();
    t(4).wr(PR, 10);
    t(4).wr(TMR, 0xfff0);
    t(4).wr(CON, 0x8000);
    runUntil(clock, 2 * (16 + 11));
    expect(flagAt[19]).toEqual([2 * 27]);
  });

  it('keeps the phase when PR is rewritten while running', () => {
    const { clock, t, flagAt } = setup();
    t(5).wr(PR, 99);
    t(5).wr(CON, 0x8000);
    advance(clock, 101); // 50 ticks and one cycle
    t(5).wr(PR, 59);
    runUntil(clock, 1000);
    expect(flagAt[24]![0]).toBe(120);
  });

  it('follows a PBCLK3 change', () => {
    const { clock, t, rates, timers, flagAt } = setup();
    t(6).wr(PR, 99);
    t(6).wr(CON, 0x8000);
    advance(clock, 100);
    rates.pb3 = 50e6;
    timers[5]!.clockChanged();
    runUntil(clock, 1000);
    expect(flagAt[28]![0]).toBe(100 + 50 * 4);
  });

  it('counts only while the gate is high with TGATE and flags its falling edge', () => {
    const { clock, evic, t, timers } = setup();
    t(7).wr(CON, 0x8080);
    timers[6]!.setGate(true);
    advance(clock, 200);
    timers[6]!.setGate(false);
    expect(t(7).rd(TMR)).toBe(100);
    expect(evic.flag(32)).toBe(true);
    advance(clock, 200);
    expect(t(7).rd(TMR)).toBe(100);
  });

  it('has SET/CLR/INV on TxCON, TMRx and PRx', () => {
    const { t } = setup();
    t(8).wr(CON + 8, 0xffff);
    expect(t(8).rd(CON)).toBe(0xa0fa);
    t(8).wr(CON + 4, 0x8000);
    t(8).wr(PR + 4, 0xff00);
    expect(t(8).rd(PR)).toBe(0xff);
    t(8).wr(PR + 12, 0xffff);
    expect(t(8).rd(PR)).toBe(0xff00);
    t(8).wr(TMR + 8, 0x30);
    expect(t(8).rd(TMR)).toBe(0x30);
    t(8).wr(TMR + 12, 0x11);
    expect(t(8).rd(TMR)).toBe(0x21);
    t(9).wr(CON + 8, 0xffff);
    expect(t(9).rd(CON)).toBe(0xa0f2); // no T32 on odd timers
  });
});

import { describe, expect, it } from 'vitest';
import { Clock } from '../sim/clock.ts';
import { DEFAULT_DEVCFG } from './devcfg.ts';
import { BFM1_BASE, BFM2_BASE, BOOT_LOWER_ALIAS, BOOT_UPPER_ALIAS, createPic32mz, DEVSN, PFM_BASE } from './pic32mz.ts';
import type { RegFile } from './regs.ts';
import { advance } from './test-helpers.ts';

function regFiles(s: ReturnType<typeof createPic32mz>): RegFile[] {
  return [s.system.regs, s.osc.regs, s.wdt.regs, s.dmt.regs, s.nvm.regs, s.prefetch.regs, s.pps.regs, s.evic.regs, s.dma.regs,
    ...s.uarts.map((u) => u.regs), ...s.timers.map((t) => t.regs), ...s.ports.list.flatMap((p) => (p === null ? [] : [p.regs])),
    s.sba.flagRegs, s.sba.regs];
}

describe('PIC32MZ memory map', () => {
  it('has RAM, program flash and boot flash with its aliases', () => {
    const s = createPic32mz();
    expect(s.bus.describe(0x0007fffc)).toBe('RAM');
    expect(s.bus.describe(0x00080000)).toBe('nothing');
    expect(s.bus.describe(PFM_BASE + 0x1ffffc)).toBe('program flash');
    expect(s.bus.describe(BOOT_LOWER_ALIAS + 0x13ffc)).toBe('lower boot alias');
    expect(s.bus.describe(BOOT_UPPER_ALIAS)).toBe('upper boot alias');
    s.bus.poke(BOOT_LOWER_ALIAS, new Uint8Array([1, 2, 3, 4]));
    expect(s.bus.load('cpu', BFM1_BASE, 4)).toBe(0x04030201);
    s.bus.poke(BFM2_BASE + 8, new Uint8Array([9]));
    expect(s.bus.load('cpu', BOOT_UPPER_ALIAS + 8, 1)).toBe(9);
    expect(s.bus.load('cpu', 0x1fc54020, 4)).toBe(DEVSN[0]);
    expect(s.bus.load('cpu', 0x0, 4)).toBe(0); // RAM zeroed
    expect(s.bus.load('cpu', PFM_BASE, 4)).toBe(0xffffffff); // flash erased
  });

  it('gives RAM a fast path for loads and stores, flash only for loads', () => {
    const s = createPic32mz();
    expect(s.bus.pageBase(0, true)).toBe(0);
    expect(s.bus.pageBase(PFM_BASE >>> 12, false)).toBeGreaterThan(0);
    expect(s.bus.pageBase(PFM_BASE >>> 12, true)).toBe(-1);
    expect(s.bus.pageBase(0x1f800, false)).toBe(-1);
  });

  it('holds the default DEVCFG words at 0x1FC0FFC0 and re-reads them at reset', () => {
    const s = createPic32mz();
    expect(s.bus.load('cpu', 0x1fc0ffcc, 4)).toBe(DEFAULT_DEVCFG[0]);
    expect(s.bus.load('cpu', 0x1fc0ffc0, 4)).toBe(DEFAULT_DEVCFG[3]);
    expect(s.bus.load('cpu', 0x1fc4ffc4, 4)).toBe(DEFAULT_DEVCFG[2]); // BF1DEVCFG2
    // The Olimex words: FPLLRNG 8-16 MHz, still 200 MHz; an image would poke them the same way.
    s.programDevcfg([0xfffff7d3, 0x5f74fe39, 0xfff9b12a, 0xceffffff]);
    s.reset();
    expect(s.osc.sysclkHz()).toBe(200e6);
    expect(s.devcfg().clockSwitching).toBe(true);
    const blank = createPic32mz({ devcfg: null });
    expect(blank.osc.sysclkHz()).toBe(8e6); // erased part: FNOSC = 111, FRC / FRCDIV (reset /1)
  });

  it('reads unmodelled SFRs as 0, ignores writes and reports them', () => {
    const s = createPic32mz();
    const seen: string[] = [];
    s.trace.unmapped = (pa, w, size, v) => seen.push(`${w ? 'W' : 'R'}${size}:${pa.toString(16)}=${v}`);
    expect(s.bus.load('cpu', 0x1f84b000, 4)).toBe(0); // ADC
    expect(s.bus.store('cpu', 0x1f821000, 4, 7)).toBe(true); // SPI1
    expect(s.bus.load('cpu', 0x1f8606a0, 4)).toBe(0); // CNNEG (modelled)
    expect(s.bus.load('cpu', 0x1f860700, 4)).toBe(0); // PORTH: not on the 100-pin part
    expect(s.bus.load('cpu', 0x1f8000f0, 4)).toBe(0); // hole inside SYSCFG
    const cpu = s.bus.port('cpu');
    cpu.read(0x30000000, 4); // SQI memory is not modelled: a bus error
    expect(cpu.error).toBe(true);
    expect(seen).toEqual(['R4:1f84b000=0', 'W4:1f821000=7', 'R4:1f860700=0', 'R4:1f8000f0=0', 'R4:30000000=0']);
  });

  it('puts the CLR/SET/INV aliases on exactly the registers that have them', () => {
    const s = createPic32mz({ variant: 'EFM144' });
    const noAlias = /^(CFGCON|DEVID|SYSKEY|OFF\d+|U\dTXREG|U\dRXREG|DMT.*|NVMKEY|NVMDATA\d|NVMSRCADDR|NVMPWP|NVMCON2|SBT.*|SBFLAG)$/;
    for (const r of s.pps.regs.registers) expect(r.sci, r.name).toBe(false);
    let aliased = 0;
    for (const rf of regFiles(s)) {
      for (const r of rf.registers) {
        if (r.sci) {
          aliased++;
          expect(rf.nameAt(r.off + 4), r.name).toBe(`${r.name}CLR`);
          expect(rf.nameAt(r.off + 8), r.name).toBe(`${r.name}SET`);
          expect(rf.nameAt(r.off + 12), r.name).toBe(`${r.name}INV`);
        }
        if (noAlias.test(r.name)) expect(r.sci, r.name).toBe(false);
      }
    }
    expect(aliased).toBeGreaterThan(300);
  });

  it('shares the clock it is given', () => {
    const clock = new Clock();
    const s = createPic32mz({ clock });
    expect(s.clock).toBe(clock);
    s.bus.store('cpu', 0x1f840220, 4, 9);
    s.bus.store('cpu', 0x1f840200, 4, 0x8000);
    advance(clock, 20);
    expect(s.evic.flag(9)).toBe(true);
  });

  it('survives every register being written with random values', () => {
    const s = createPic32mz({ variant: 'EFM144' });
    s.onReset = () => {};
    let x = 12345;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let pa = 0x1f800000; pa < 0x1f900000; pa += 4) {
      if (pa === 0x1f800030) continue; // keep SYSKEY out of it
      s.bus.store('cpu', pa, 4, rnd());
      s.bus.load('cpu', pa, 1 + (rnd() & 1) as 1 | 2);
    }
    advance(s.clock, 1e6);
  });
});

describe('board-like sequences', () => {
  it("runs guest1's console init and prints through UART4", () => {
    const s = createPic32mz();
    const out: number[] = [];
    s.uart(4).onTx = (b) => out.push(b);
    const wr = (pa: number, v: number) => s.bus.store('cpu', pa, 4, v);
    wr(0x1f822640, 53);
    wr(0x1f822610, 0);
    wr(0x1f822600, 0x8000);
    wr(0x1f822618, 0x1400);
    for (const c of '-\n\r') {
      while (!(s.bus.load('cpu', 0x1f822610, 4)! & 0x100)) advance(s.clock, 100);
      wr(0x1f822620, c.charCodeAt(0));
    }
    advance(s.clock, 1e6);
    expect(String.fromCharCode(...out)).toBe('-\n\r');
  });
});

describe('reset', () => {
  it('reads DEVCFG even when the CPU group is locked out, and clears the SBA setup', () => {
    const s = createPic32mz();
    const wr = (pa: number, v: number) => s.bus.store('cpu', pa, 4, v);
    wr(0x1f800030, 0xaa996655);
    wr(0x1f800030, 0x556699aa);
    wr(0x1f8000e0, 0x3); // CPUPG = 3: RDy reset value denies group 3 everywhere
    expect(s.bus.load('cpu', 0x1f800020, 4)).toBeUndefined();
    s.reset('mclr');
    expect(s.bus.load('cpu', 0x1f800020, 4)).toBe(0x1720e053);
    expect(s.osc.sysclkHz()).toBe(200e6);
    expect(s.bus.load('cpu', 0x1f801240, 4)! & 0x80).toBe(0x80); // RCON.EXTR
    expect(s.bus.pageBase(0, false)).toBe(0);
  });
});

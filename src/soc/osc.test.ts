import { describe, expect, it } from 'vitest';
import { createPic32mz } from './pic32mz.ts';
import { SYSKEY_1, SYSKEY_2 } from './system.ts';
import { advance, cpuAccess } from './test-helpers.ts';

const SYSKEY = 0x1f800030, PB2DIV = 0x1f801310, OSCCON = 0x1f801200, RCON = 0x1f801240, RSWRST = 0x1f801250,
  U4BRG = 0x1f822640, U4STA = 0x1f822610, U4MODE = 0x1f822600, U4TXREG = 0x1f822620, SPLLCON = 0x1f801220,
  PRECON = 0x1f8e0000, REFO1CON = 0x1f801280;

function soc() {
  const s = createPic32mz();
  return { s, ...cpuAccess(s) };
}

describe('clock tree', () => {
  it('derives SYSCLK and PBCLKs from DEVCFG (24 MHz /3 x50 /2)', () => {
    const { s, rd } = soc();
    expect(s.osc.sysclkHz()).toBe(200e6);
    expect(s.osc.pbclkHz(2)).toBe(100e6);
    expect(s.osc.pbclkHz(3)).toBe(100e6);
    expect(s.osc.pbclkHz(7)).toBe(200e6);
    expect((rd(OSCCON) >>> 12) & 7).toBe(1); // COSC = SPLL
    expect(rd(SPLLCON)).toBe((1 << 24) | (0x31 << 16) | (2 << 8) | 1);
    expect(rd(PRECON)).toBe(7);
  });

  it('slows the UART when PB2DIV changes', () => {
    const { s, wr, unlock } = soc();
    unlock();
    wr(PB2DIV, 0x8803); // /4: PBCLK2 = 50 MHz
    expect(s.osc.pbclkHz(2)).toBe(50e6);
    const sent: number[] = [];
    s.uart(4).onTx = (_b, at) => sent.push(at);
    wr(U4BRG, 53);
    wr(U4MODE, 0x8000);
    wr(U4STA, 0x1400);
    wr(U4TXREG, 0x41);
    advance(s.clock, 1e6);
    expect(sent).toEqual([2 * 17280]);
  });

  it('switches oscillator only when DEVCFG1.FCKSM allows it', () => {
    const { s, rd, wr, unlock } = soc();
    unlock();
    wr(OSCCON, (rd(OSCCON) & ~0x700) | 0x001); // NOSC = FRC, OSWEN
    expect(rd(OSCCON) & 1).toBe(0);
    expect(s.osc.sysclkHz()).toBe(200e6); // DM320007 words: FCKSM = 00
    const t = createPic32mz({ devcfg: [0xfffff7d7, 0x3f747839, 0xfff9b11a, 0xfeffffff] }); // FCKSM = 01
    t.bus.store('cpu', SYSKEY, 4, SYSKEY_1);
    t.bus.store('cpu', SYSKEY, 4, SYSKEY_2);
    t.bus.store('cpu', OSCCON, 4, 0x001);
    expect(t.osc.sysclkHz()).toBe(8e6);
    expect(t.osc.pbclkHz(2)).toBe(4e6);
  });

  it('computes REFCLKO from its divider', () => {
    const { s, wr, unlock } = soc();
    unlock();
    wr(REFO1CON, (5 << 16) | 0x8000); // SYSCLK / (2*5)
    expect(s.osc.refoHz(1)).toBe(20e6);
    expect(s.bus.load('cpu', REFO1CON, 4)! & 0x100).toBe(0x100); // ACTIVE
  });
});

describe('reset control', () => {
  it('performs a software reset: unlock, RSWRSTSET, read RSWRST', () => {
    const { s, rd, wr, unlock } = soc();
    const kinds: string[] = [];
    s.onReset = (k) => {
      kinds.push(k);
      s.reset(k);
    };
    wr(U4BRG, 53);
    wr(RCON + 4, 3); // clear POR/BOR
    wr(RSWRST + 8, 1);
    expect(kinds).toEqual([]); // not without the unlock
    unlock();
    wr(RSWRST + 8, 1);
    expect(kinds).toEqual([]);
    rd(RSWRST);
    expect(kinds).toEqual(['software']);
    expect(rd(RCON) & 0xff).toBe(1 << 6); // SWR, POR stays clear
    expect(rd(U4BRG)).toBe(0);
    expect(s.system.unlocked).toBe(false);
  });
});

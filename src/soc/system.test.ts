import { describe, expect, it } from 'vitest';
import { createPic32mz } from './pic32mz.ts';
import { SYSKEY_1, SYSKEY_2 } from './system.ts';
import { advance } from './test-helpers.ts';

const CFGCON = 0x1f800000, DEVID = 0x1f800020, SYSKEY = 0x1f800030, PMD5 = 0x1f800080, PMD7 = 0x1f8000a0,
  CFGPG = 0x1f8000e0, PB2DIV = 0x1f801310, OSCCON = 0x1f801200, RCON = 0x1f801240, RSWRST = 0x1f801250,
  U4BRG = 0x1f822640, U4STA = 0x1f822610, U4MODE = 0x1f822600, U4TXREG = 0x1f822620, WDTCON = 0x1f800800,
  SPLLCON = 0x1f801220, PRECON = 0x1f8e0000, REFO1CON = 0x1f801280;

function soc() {
  const s = createPic32mz();
  const rd = (pa: number, size: 1 | 2 | 4 = 4) => s.bus.load('cpu', pa, size)!;
  const wr = (pa: number, v: number, size: 1 | 2 | 4 = 4) => void s.bus.store('cpu', pa, size, v >>> 0);
  const unlock = () => {
    wr(SYSKEY, 0);
    wr(SYSKEY, SYSKEY_1);
    wr(SYSKEY, SYSKEY_2);
  };
  return { s, rd, wr, unlock };
}

describe('system configuration', () => {
  it('reports the EF part in DEVID and ignores writes to it', () => {
    const { rd, wr } = soc();
    expect(rd(DEVID)).toBe(0x1720e053);
    wr(DEVID, 0);
    expect(rd(DEVID)).toBe(0x1720e053);
  });

  it('protects PMD, CFGPG and clocks until the SYSKEY sequence', () => {
    const { s, rd, wr, unlock } = soc();
    wr(PMD5, 0xffffffff);
    expect(rd(PMD5)).toBe(0);
    wr(SYSKEY, SYSKEY_1);
    wr(SYSKEY, 0x12345678); // wrong second key
    wr(PMD5, 1);
    expect(rd(PMD5)).toBe(0);
    unlock();
    expect(s.system.unlocked).toBe(true);
    wr(PMD5, 0xfffffff7);
    expect(rd(PMD5)).toBe(0x311f3f37); // unimplemented bits read 0
    wr(CFGPG, 0x10);
    expect(s.system.dmaGroup).toBe(1);
    wr(SYSKEY, 0x33333333); // tinyVP's relock
    wr(CFGPG, 0);
    expect(rd(CFGPG)).toBe(0x10);
    wr(PB2DIV, 0x8803);
    expect(rd(PB2DIV)).toBe(0x8801);
  });

  it('turns off a PMD-disabled peripheral: reads 0, writes ignored', () => {
    const { rd, wr, unlock } = soc();
    wr(U4BRG, 53);
    expect(rd(U4BRG)).toBe(53);
    unlock();
    wr(PMD5 + 8, 1 << 3); // U4MD
    expect(rd(U4BRG)).toBe(0);
    expect(rd(U4STA)).toBe(0);
    wr(U4BRG, 99);
    wr(PMD5 + 4, 1 << 3);
    expect(rd(U4BRG)).toBe(0); // came back from reset
    expect(rd(U4STA)).toBe(0x110);
    wr(PMD7 + 8, 1 << 4); // DMAMD
    wr(0x1f811000, 0x8000);
    expect(rd(0x1f811000)).toBe(0);
  });

  it('keeps CFGCON lock bits behind SYSKEY and honours the 1-way fuses', () => {
    const { rd, wr, unlock } = soc();
    wr(CFGCON, rd(CFGCON) | (1 << 13));
    expect(rd(CFGCON) & (1 << 13)).toBe(0);
    unlock();
    wr(CFGCON, rd(CFGCON) | (1 << 13)); // IOLOCK
    expect(rd(CFGCON) & (1 << 13)).toBe(1 << 13);
    wr(0x1f801480, 3); // U4RXR frozen
    expect(rd(0x1f801480)).toBe(0);
    wr(CFGCON, rd(CFGCON) & ~(1 << 13)); // DEVCFG3.IOL1WAY = 1: stays locked
    expect(rd(CFGCON) & (1 << 13)).toBe(1 << 13);
  });

  it("lets tinyVP select dynamic ECC ((CFGCON | 0x30) ^ 0x20)", () => {
    const { rd, wr } = soc();
    wr(CFGCON, (rd(CFGCON) | 0x30) ^ 0x20);
    expect((rd(CFGCON) >>> 4) & 3).toBe(1);
  });

  it('has SET/CLR/INV on PMDx and CFGPG, none on CFGCON/DEVID/SYSKEY', () => {
    const { s, rd, wr, unlock } = soc();
    const rf = s.system.regs;
    expect(rf.nameAt(0x04)).toBeNull();
    expect(rf.nameAt(0x24)).toBeNull();
    expect(rf.nameAt(0x34)).toBeNull();
    unlock();
    wr(CFGPG + 8, 0x330); // USBPG, DMAPG (CPUPG = 3 would lock the CPU out: RDy resets to groups 0-2)
    expect(rd(CFGPG)).toBe(0x330);
    wr(CFGPG + 4, 0x110);
    expect(rd(CFGPG)).toBe(0x220);
    wr(CFGPG + 12, 0x330);
    expect(rd(CFGPG)).toBe(0x110);
    wr(PMD7 + 12, 0x10);
    expect(rd(PMD7)).toBe(0x10);
  });
});

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

describe('resets', () => {
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

  it('resets through the watchdog unless it is cleared with 0x5743', () => {
    // FWDTEN = 1, WDTPS = 0 (1 ms period), WINDIS = 1.
    const s = createPic32mz({ devcfg: [0xfffff7d7, 0x3fe03839 | (1 << 23), 0xfff9b11a, 0xfeffffff] });
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    expect(s.bus.load('cpu', WDTCON, 4)! & 0x8000).toBe(0x8000);
    advance(s.clock, 150_000);
    s.bus.store('cpu', WDTCON + 2, 2, 0x5743); // 16-bit write of the key to WDTCLRKEY
    advance(s.clock, 150_000);
    expect(kinds).toEqual([]);
    s.bus.store('cpu', WDTCON + 2, 2, 0x1234); // wrong key does not clear
    advance(s.clock, 50_000);
    expect(kinds).toEqual(['wdt']);
    s.reset('wdt');
    expect(s.bus.load('cpu', RCON, 4)! & (1 << 4)).toBe(1 << 4);
  });

  it('leaves the watchdog off with the board DEVCFG and lets software turn it on', () => {
    const { s, wr } = soc();
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    advance(s.clock, 1e9);
    expect(kinds).toEqual([]);
    wr(WDTCON + 8, 0x8000);
    advance(s.clock, 2 ** 20 * 200_000); // WDTPS = 20: 1048576 ms
    expect(kinds).toEqual(['wdt']);
  });

  it('resets through the deadman timer unless STEP1/STEP2 clear it', () => {
    // FDMTEN = 1, DMTCNT = 0 (256 counts), DMTINTV = 0.
    const s = createPic32mz({ devcfg: [0xfffff7d7, 0x80743839 & ~(7 << 3), 0xfff9b11a, 0xfeffffff] });
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    advance(s.clock, 200);
    expect(s.bus.load('cpu', 0x1f800a40, 4)).toBe(200); // DMTCNT at PBCLK7 = 200 MHz
    s.bus.store('cpu', 0x1f800a10, 4, 0x4000); // STEP1
    s.bus.store('cpu', 0x1f800a20, 4, 0x08); // STEP2
    advance(s.clock, 200);
    expect(kinds).toEqual([]);
    s.bus.store('cpu', 0x1f800a20, 4, 0x08); // STEP2 without STEP1
    expect(kinds).toEqual(['dmt']);
    expect(s.bus.load('cpu', 0x1f800a30, 4)! & 0x60).toBe(0x60); // BAD2, DMTEVENT
  });
});

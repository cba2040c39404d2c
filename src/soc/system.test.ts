import { describe, expect, it } from 'vitest';
import { createPic32mz } from './pic32mz.ts';
import { SYSKEY_1 } from './system.ts';
import { cpuAccess } from './test-helpers.ts';

const CFGCON = 0x1f800000, DEVID = 0x1f800020, SYSKEY = 0x1f800030, PMD5 = 0x1f800080, PMD7 = 0x1f8000a0,
  CFGPG = 0x1f8000e0, PB2DIV = 0x1f801310, U4BRG = 0x1f822640, U4STA = 0x1f822610;

function soc() {
  const s = createPic32mz();
  return { s, ...cpuAccess(s) };
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

import { describe, expect, it } from 'vitest';
import { createPic32mz } from './pic32mz.ts';
import { SBA_INITID } from './sba.ts';
import { SYSKEY_1, SYSKEY_2 } from './system.ts';

const SBT = (x: number) => 0x1f8f8000 + 0x400 * x;
const ELOG1 = 0x20, ELOG2 = 0x24, ECON = 0x28, ECLRS = 0x30, ECLRM = 0x38;
const REG = (y: number) => 0x40 + 0x20 * y, RD = (y: number) => 0x50 + 0x20 * y, WR = (y: number) => 0x58 + 0x20 * y;
const SBFLAG = 0x1f8f0510, CFGPG = 0x1f8000e0;

function soc() {
  const s = createPic32mz();
  const rd = (pa: number) => s.bus.load('cpu', pa, 4);
  const wr = (pa: number, v: number) => s.bus.store('cpu', pa, 4, v >>> 0);
  wr(0x1f800030, SYSKEY_1);
  wr(0x1f800030, SYSKEY_2);
  return { s, rd, wr };
}

describe('System Bus Arbiter', () => {
  it('resets region 0 of each target to its fixed range and RD/WR to groups 0-2', () => {
    const { rd, wr } = soc();
    expect(rd(SBT(2) + REG(0))).toBe(0x48); // RAM 0-256 KB, tinyVP writes the same
    expect(rd(SBT(3) + REG(0))).toBe(0x00040048);
    expect(rd(SBT(6) + REG(0))).toBe(0x1f820038);
    expect(rd(SBT(8) + REG(0))).toBe(0x1f860038);
    expect(rd(SBT(2) + RD(0))).toBe(7);
    expect(rd(SBT(2) + WR(1))).toBe(7);
    wr(SBT(2) + REG(0), 0x12345678);
    expect(rd(SBT(2) + REG(0))).toBe(0x48); // read-only preset
    expect(rd(SBT(2) + REG(1))).toBe(0);
  });

  it('has no SET/CLR/INV aliases: SBTxRD0 + 8 is SBTxWR0', () => {
    const { s, rd, wr } = soc();
    expect(s.sba.regs.nameAt(0x850 + 8)).toBe('SBT2WR0');
    wr(SBT(2) + RD(0) + 4, 0); // + 4 is a hole
    expect(rd(SBT(2) + RD(0))).toBe(7);
  });

  it('refuses a CPU access the CPU group may not make: bus error, log, IRQ 106', () => {
    const { s, rd, wr } = soc();
    wr(SBT(2) + ECON, 0x01000000);
    wr(SBT(2) + RD(1), 0x1); // group 0 only
    wr(SBT(2) + WR(1), 0x1);
    wr(SBT(2) + REG(1), 0x00001000 | (1 << 9) | (3 << 3)); // 4 KB at 0x1000, PRI = 1
    s.bus.mem.u8[0x1234] = 0x99;
    const cpu = s.bus.port('cpu');
    expect(cpu.read(0x1234, 1)).toBe(0x99); // group 0 is allowed
    wr(CFGPG, 0x1); // CPUPG = 1
    expect(s.bus.pageBase(0x1, false)).toBe(-1); // the page lost its fast path
    expect(s.bus.pageBase(0x2, false)).toBeGreaterThanOrEqual(0);
    cpu.error = false;
    expect(cpu.read(0x1234, 1)).toBe(0);
    expect(cpu.error).toBe(true);
    const elog = rd(SBT(2) + ELOG1)!;
    expect((elog >>> 8) & 0xff).toBe(SBA_INITID.cpu);
    expect((elog >>> 4) & 0xf).toBe(1); // region 1
    expect(elog & 7).toBe(2); // read
    expect(rd(SBT(2) + ELOG2)).toBe(1);
    expect(rd(SBFLAG)).toBe(1 << 2);
    expect(s.evic.flag(106)).toBe(true);
    // A second violation marks MULTI and keeps the first log.
    cpu.error = false;
    cpu.write(0x1000, 4, 1);
    expect(cpu.error).toBe(true);
    expect(rd(SBT(2) + ELOG1)! >>> 31).toBe(1);
    expect(rd(SBT(2) + ELOG1)! & 7).toBe(2);
    // Outside the PRI = 1 region, region 0 (groups 0-2) still allows group 1.
    cpu.error = false;
    cpu.read(0x2000, 4);
    expect(cpu.error).toBe(false);
  });

  it('clears the log through ECLRS/ECLRM reads and ELOG1 write-ones', () => {
    const { s, rd, wr } = soc();
    wr(SBT(6) + ECON, 0x01000000);
    wr(SBT(6) + RD(0), 0x1);
    wr(SBT(6) + WR(0), 0x1);
    wr(CFGPG, 0x1);
    expect(s.bus.store('cpu', 0x1f822640, 4, 53)).toBe(false); // U4BRG in P.Set 2
    expect(s.bus.store('cpu', 0x1f822640, 4, 53)).toBe(false);
    wr(CFGPG, 0x0);
    expect(rd(SBT(6) + ELOG1)! >>> 31).toBe(1);
    rd(SBT(6) + ECLRS);
    expect(rd(SBT(6) + ELOG1)).toBe(0x80000000); // single error gone, MULTI stays
    expect(rd(SBFLAG)).toBe(0);
    rd(SBT(6) + ECLRM);
    expect(rd(SBT(6) + ELOG1)).toBe(0);
    expect(s.sba.requesting).toBe(false);
    expect(rd(0x1f822640)).toBe(0); // the write never happened
  });

  it('raises the interrupt only when ECON.ERRP is set', () => {
    const { s, wr } = soc();
    wr(SBT(7) + WR(0), 0x1);
    wr(CFGPG, 0x1);
    s.bus.store('cpu', 0x1f840000, 4, 0x8000);
    wr(CFGPG, 0x0);
    expect(s.bus.load('cpu', SBFLAG, 4)).toBe(1 << 7);
    expect(s.evic.flag(106)).toBe(false);
  });
});

describe('System Bus Arbiter and the core cache', () => {
  it('changes fast-path guards in runs, not page by page', () => {
    const { s, wr } = soc();
    let changes = 0;
    s.bus.addMapListener(() => void changes++);
    wr(CFGPG, 0x3); // CPUPG = 3 loses every region: all memory and SFR pages get guarded
    expect(s.bus.pageBase(0, false)).toBe(-1);
    expect(changes).toBeGreaterThan(0);
    expect(changes).toBeLessThan(16);
  });
});

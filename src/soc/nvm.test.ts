import { describe, expect, it } from 'vitest';
import { FLASH_PAGE_BYTES, FLASH_ROW_BYTES, NVM_KEY1, NVM_KEY2, NVM_PAGE_ERASE_CYCLES, NVM_WORD_CYCLES } from './nvm.ts';
import { createPic32mz } from './pic32mz.ts';
import { advance, cpuAccess, runUntil } from './test-helpers.ts';

const NVMCON = 0x1f800600, NVMKEY = 0x1f800610, NVMADDR = 0x1f800620, NVMDATA0 = 0x1f800630, NVMSRCADDR = 0x1f800670,
  NVMBWP = 0x1f800690;

function soc() {
  const s = createPic32mz();
  const { rd, wr } = cpuAccess(s);
  /** The FRM sequence: NVMCON = WREN | op, unlock, NVMCONSET = WR. */
  const run = (op: number, unlock = true) => {
    wr(NVMCON, 0x4000 | op);
    if (unlock) {
      wr(NVMKEY, 0);
      wr(NVMKEY, NVM_KEY1);
      wr(NVMKEY, NVM_KEY2);
    }
    wr(NVMCON + 8, 0x8000);
  };
  return { s, rd, wr, run };
}

describe('flash controller', () => {
  it('starts erased and ignores plain CPU stores', () => {
    const { rd, wr } = soc();
    expect(rd(0x1d000000)).toBe(0xffffffff);
    wr(0x1d000000, 0);
    expect(rd(0x1d000000)).toBe(0xffffffff);
  });

  it('programs a word after the unlock and takes virtual time', () => {
    const { s, rd, wr, run } = soc();
    const written: number[] = [];
    s.bus.addWriteListener((off, len) => written.push(off, len));
    wr(NVMADDR, 0x1d000100);
    wr(NVMDATA0, 0x12345678);
    run(1);
    expect(rd(NVMCON) & 0x8000).toBe(0x8000);
    advance(s.clock, NVM_WORD_CYCLES - 1);
    expect(rd(0x1d000100)).toBe(0xffffffff);
    advance(s.clock, 1);
    expect(rd(0x1d000100)).toBe(0x12345678);
    expect(rd(NVMCON) & 0xa000).toBe(0); // WR clear, no WRERR
    expect(s.evic.flag(167)).toBe(true);
    expect(written).toEqual([0x80100, 4]); // program flash starts after 512 KB of RAM
    // Programming only clears bits.
    wr(NVMDATA0, 0xffff0000);
    run(1);
    runUntil(s.clock, 1e7);
    expect(rd(0x1d000100)).toBe(0x12340000);
  });

  it('refuses to start without the key sequence', () => {
    const { s, rd, wr, run } = soc();
    wr(NVMADDR, 0x1d000000);
    wr(NVMDATA0, 0);
    run(1, false);
    expect(rd(NVMCON) & 0x8000).toBe(0);
    runUntil(s.clock, 1e6);
    expect(rd(0x1d000000)).toBe(0xffffffff);
  });

  it('programs a quad word and a row, and erases a page', () => {
    const { s, rd, wr, run } = soc();
    for (let i = 0; i < 4; i++) wr(NVMDATA0 + 0x10 * i, 0x11111111 * (i + 1));
    wr(NVMADDR, 0x1d004010);
    run(2);
    runUntil(s.clock, 1e6);
    expect([rd(0x1d004010), rd(0x1d00401c)]).toEqual([0x11111111, 0x44444444]);
    for (let i = 0; i < FLASH_ROW_BYTES; i++) s.bus.mem.u8[0x1000 + i] = i & 0xff;
    wr(NVMSRCADDR, 0x1000);
    wr(NVMADDR, 0x1d004800);
    run(3);
    runUntil(s.clock, 2e6);
    expect(rd(0x1d004800)).toBe(0x03020100);
    expect(rd(0x1d004ffc)).toBe(0xfffefdfc);
    wr(NVMADDR, 0x1d004000);
    run(4);
    advance(s.clock, NVM_PAGE_ERASE_CYCLES);
    expect(rd(0x1d004010)).toBe(0xffffffff);
    expect(rd(0x1d004000 + FLASH_PAGE_BYTES)).toBe(0xffffffff);
  });

  it('sets WRERR for misaligned, out-of-flash or protected addresses', () => {
    const { s, rd, wr, run } = soc();
    wr(NVMADDR, 0x1d000002);
    run(1);
    runUntil(s.clock, 1e6);
    expect(rd(NVMCON) & 0x2000).toBe(0x2000);
    wr(NVMADDR, 0x00001000); // RAM
    run(1);
    runUntil(s.clock, 2e6);
    expect(rd(NVMCON) & 0x2000).toBe(0x2000);
    // Boot flash pages are write-protected after reset; clearing LBWP0 allows the first page.
    wr(NVMADDR, 0x1fc00000);
    wr(NVMDATA0, 0x0badf00d);
    run(1);
    runUntil(s.clock, 3e6);
    expect(rd(NVMCON) & 0x2000).toBe(0x2000);
    wr(NVMBWP + 4, 0x100);
    run(1);
    runUntil(s.clock, 4e6);
    expect(rd(NVMCON) & 0x2000).toBe(0);
    expect(rd(0x1fc00000)).toBe(0x0badf00d);
    expect(rd(0x1fc40000)).toBe(0x0badf00d); // the same cell through boot flash 1
  });
});

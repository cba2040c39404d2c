import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userError } from '../image/test-helpers.ts';
import { bundledBoard, bundledBoardName, parseBoard } from './board.ts';
import { BUNDLED_BOARDS, BUNDLED_DEVICE_LIB } from './bundled.ts';

const REF = join(import.meta.dirname, '../../examples/reference');

describe('bundled data', () => {
  it('is byte-identical to the original files', () => {
    for (const [name, text] of Object.entries(BUNDLED_BOARDS)) expect(text).toBe(readFileSync(join(REF, 'boards', name), 'utf8'));
    expect(BUNDLED_DEVICE_LIB).toBe(readFileSync(join(REF, 'device.lib'), 'utf8'));
    expect(readFileSync(join(REF, 'device.lib'), 'utf8')).toBe(readFileSync('/work/shared/reference-configs/device.lib', 'utf8'));
  });

  it('resolves full and short names, any case', () => {
    expect(bundledBoardName('wifire')).toBe('DigilentChipKitWiFire');
    expect(bundledBoardName('DM320007')).toBe('Microchip-DM320007+MEBII');
    expect(bundledBoardName('emz64')).toBe('OlimexPic32EMZ64');
    expect(bundledBoardName('OlimexPic32EMZ64')).toBe('OlimexPic32EMZ64');
    expect(bundledBoardName('boards/x')).toBeNull();
  });
});

describe('board files', () => {
  it('reads every key of the three boards', () => {
    const d = parseBoard(bundledBoard('DigilentChipKitWiFire').text, 'B');
    expect(d).toMatchObject({
      platform: 'pic32mz2048efg100', rom: { start: 0x1d010000, end: 0x1d200000 }, ram: { start: 0, end: 0x78000 }, eretPage: 0x9ffff000,
      vzcode: 0x9d000000, vzentry: 0x9d001000, vzdata: 0x80070000, vzstacksize: 0x2000, devcfgAddr: 0,
      pmdBase: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xfffffff7, 0xfffff0ff, 0xffffffff],
    });
    expect(d.asmKeys.map((k) => k.key)).toEqual(['DEVCFG', 'BOARDINIT']);
    const m = parseBoard(bundledBoard('Microchip-DM320007+MEBII').text, 'B');
    expect(m.vzcode).toBe(0x9fc00000);
    expect(m.devcfgAddr).toBe(0x9fc0ffc0);
    expect(m.pmdBase![4]).toBe(0xfffffffe);
    expect(m.asmKeys.map((k) => k.key)).toEqual(['BOOT', 'DEVCFG', 'BOARDINIT']);
  });

  const base = bundledBoard('DigilentChipKitWiFire').text;
  it.each([
    [base + 'colour = red\n', /^B:14: unknown board key 'colour'/],
    [base + 'just words\n', /^B:14: expected 'KEY = value', found 'just words'/],
    [base.replace(/^vzdata.*\n/m, ''), /^B:1: board file has no 'vzdata =' line/],
    [base + 'rom = 0 1\n', /^B:14: board key 'rom' is given twice \(first at line 3\)/],
    [base.replace('rom = 0x1d010000 0x1D200000', 'rom = 0x1d010000'), /^B:3: rom takes two numbers \(start end\)/],
    [base.replace('ram = 0          0x78000', 'ram = 0 0x100000'), /^B:4: ram pool 0x0..0x100000 is not inside 0x0..0x80000/],
    [base.replace('PLATFORM = pic32mz2048efg100', 'PLATFORM = pic32mx'), /^B:1: unsupported PLATFORM 'pic32mx'/],
    [base.replace('0xfffff0ff 0xffffffff', '0xfffff0ff'), /^B:13: pmd-registers-base takes 7 values/],
    [base.replace('vzcode  =   0x9D000000', 'vzcode = 0x9D000100'), /^B:6: vzcode 0x9d000100 is not 4 KB aligned/],
  ])('error %#', (text, re) => expect(userError(() => parseBoard(text, 'B')).format()).toMatch(re));

  it('accepts a board without pmd-registers-base or DEVCFGADDR', () => {
    const b = parseBoard(base.replace(/^pmd-registers-base.*\n/m, '').replace(/^DEVCFGADDR.*\n/m, ''), 'B');
    expect(b.pmdBase).toBeNull();
    expect(b.devcfgAddr).toBeNull();
  });
});

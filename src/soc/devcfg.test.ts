import { describe, expect, it } from 'vitest';
import { DEFAULT_DEVCFG, Devcfg } from './devcfg.ts';

describe('DEVCFG decoding', () => {
  it("decodes the DM320007 words as the spec does (§7.3)", () => {
    const d = new Devcfg(DEFAULT_DEVCFG);
    expect([d.fpllidiv, d.fpllrng, d.fpllicklFrc, d.fpllmult, d.fpllodiv]).toEqual([2, 1, false, 0x31, 1]);
    expect([d.fnosc, d.fsoscen, d.poscmod, d.clockSwitching]).toEqual([1, false, 0, false]);
    expect([d.wdtps, d.windis, d.fwdten, d.fwdtwinsz, d.dmtcnt, d.fdmten, d.dmtintv]).toEqual([0x14, true, false, 3, 0xf, false, 7]);
    expect([d.jtagen, d.fecccon, d.bootIsaMips32]).toEqual([true, 3, true]);
    expect([d.iol1way, d.pmdl1way, d.pgl1way]).toEqual([true, true, true]);
  });

  it('decodes the Olimex words: HS crystal, clock switching, 1-way locks off', () => {
    const d = new Devcfg([0xfffff7d3, 0x5f74fe39, 0xfff9b12a, 0xceffffff]);
    expect([d.poscmod, d.clockSwitching, d.fpllrng, d.jtagen]).toEqual([2, true, 2, false]);
    expect([d.iol1way, d.pmdl1way, d.pgl1way]).toEqual([false, false, true]);
  });
});

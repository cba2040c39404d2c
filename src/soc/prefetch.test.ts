import { describe, expect, it } from 'vitest';
import { Prefetch, PRECON_RESET } from './prefetch.ts';
import { SfrTrace } from './regs.ts';
import { dev } from './test-helpers.ts';

describe('prefetch', () => {
  it('holds PRECON as tinyVP writes it, with aliases', () => {
    const p = new Prefetch(new SfrTrace());
    p.reset();
    const d = dev(p.regs);
    expect(d.rd(0)).toBe(PRECON_RESET);
    d.wr(0, 0x12); // 2 wait states, instruction prefetch
    expect(d.rd(0)).toBe(0x12);
    d.wr(8, 0x20);
    d.wr(4, 0x10);
    expect(d.rd(0)).toBe(0x22);
    d.wr(0, 0xffffffff);
    expect(d.rd(0)).toBe(0x04000037);
    expect(d.rd(0x10)).toBe(0);
  });
});

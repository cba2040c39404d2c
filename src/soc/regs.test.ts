import { describe, expect, it } from 'vitest';
import { applyOp, field, OP_CLR, OP_INV, OP_SET, OP_WRITE, RegFile, SfrHole, SfrTrace } from './regs.ts';

function file() {
  const trace = new SfrTrace();
  const seen: string[] = [];
  trace.unmapped = (pa, w, size, v) => seen.push(`${w ? 'W' : 'R'}${size}@${pa.toString(16)}=${v.toString(16)}`);
  const rf = new RegFile('T', 0x1000, 0x100, trace);
  return { rf, seen };
}

describe('register tables', () => {
  it('applies writes through the writable mask and the alias offsets', () => {
    const { rf } = file();
    const r = rf.add({ off: 0x10, name: 'A', reset: 0x5, wmask: 0x00ff00ff });
    expect(rf.read(0x10, 4)).toBe(5);
    rf.write(0x10, 0xffffffff, 4);
    expect(r.value).toBe(0x00ff00ff);
    rf.write(0x14, 0x0f0f0f0f, 4);
    expect(r.value).toBe(0x00f000f0);
    rf.write(0x18, 0x01010101, 4);
    expect(r.value).toBe(0x00f100f1);
    rf.write(0x1c, 0xffffffff, 4);
    expect(r.value).toBe(0x000e000e);
    expect(rf.read(0x18, 4)).toBe(0); // alias reads are undefined on silicon: 0 here
    rf.reset();
    expect(r.value).toBe(5);
  });

  it('handles byte and halfword lanes', () => {
    const { rf } = file();
    const r = rf.add({ off: 0x00, name: 'B' });
    rf.write(0x02, 0xab, 1);
    expect(r.value).toBe(0x00ab0000);
    rf.write(0x00, 0x1234, 2);
    expect(r.value).toBe(0x00ab1234);
    rf.write(0x0b, 0x80, 1); // SET on byte 3
    expect(r.value).toBe(0x80ab1234);
    expect(rf.read(0x01, 1)).toBe(0x12);
    expect(rf.read(0x02, 2)).toBe(0x80ab);
  });

  it('passes lanes and raw data to hooks and lets raw registers store nothing', () => {
    const { rf } = file();
    const calls: string[] = [];
    rf.add({ off: 0x20, name: 'K', sci: false, raw: true, read: () => 0x77,
      write: (_r, _o, op, data, lanes) => calls.push(`${op}:${data.toString(16)}/${lanes.toString(16)}`) });
    rf.write(0x22, 0x5743, 2);
    expect(calls).toEqual(['0:57430000/ffff0000']);
    expect(rf.read(0x20, 4)).toBe(0x77);
    expect(rf.registers[0]!.value).toBe(0);
  });

  it('refuses writes when canWrite says no and reads 0 while powered off', () => {
    const { rf } = file();
    let open = false;
    const r = rf.add({ off: 0x30, name: 'L', canWrite: () => open });
    rf.write(0x30, 1, 4);
    expect(r.value).toBe(0);
    open = true;
    rf.write(0x30, 1, 4);
    expect(r.value).toBe(1);
    rf.powered = false;
    expect(rf.read(0x30, 4)).toBe(0);
    rf.write(0x30, 2, 4);
    expect(r.value).toBe(1);
  });

  it('reports holes and never throws on them', () => {
    const { rf, seen } = file();
    rf.add({ off: 0x40, name: 'N', sci: false });
    expect(rf.read(0x44, 4)).toBe(0);
    rf.write(0xfc, 3, 1);
    rf.write(0x200, 3, 4); // beyond the block
    expect(seen).toEqual(['R4@1044=0', 'W1@10fc=3', 'W4@1200=3']);
    expect(rf.nameAt(0x40)).toBe('N');
    expect(rf.nameAt(0x44)).toBeNull();
    const hole = new SfrHole(0x2000, new SfrTrace());
    expect(hole.read(4, 4)).toBe(0);
  });

  it('rejects table mistakes when the device is built', () => {
    const { rf } = file();
    rf.add({ off: 0x50, name: 'X' });
    expect(() => rf.add({ off: 0x58, name: 'Y', sci: false })).toThrow(/overlaps/);
    expect(() => rf.add({ off: 0x64, name: 'Z' })).toThrow(/bad offset/);
  });

  it('computes SET/CLR/INV and fields', () => {
    expect(applyOp(0xf0, OP_WRITE, 0x0f, 0xff)).toBe(0x0f);
    expect(applyOp(0xf0, OP_CLR, 0x30, 0xff)).toBe(0xc0);
    expect(applyOp(0xf0, OP_SET, 0x0f, 0x03)).toBe(0xf3);
    expect(applyOp(0xf0, OP_INV, 0xff, 0xff)).toBe(0x0f);
    expect(field(0x12345678, 15, 8)).toBe(0x56);
    expect(field(0x80000000, 31, 31)).toBe(1);
  });
});

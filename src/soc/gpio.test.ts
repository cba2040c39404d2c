import { describe, expect, it } from 'vitest';
import { Clock } from '../sim/clock.ts';
import { Evic } from './evic.ts';
import { createPorts, type GpioPort } from './gpio.ts';
import { SfrTrace } from './regs.ts';
import { dev } from './test-helpers.ts';

const ANSEL = 0x00, TRIS = 0x10, PORT = 0x20, LAT = 0x30, ODC = 0x40, CNPU = 0x50, CNCON = 0x70, CNEN = 0x80,
  CNSTAT = 0x90, CNNE = 0xa0, CNF = 0xb0;
const CLR = 4, SET = 8, INV = 12;

function setup(variant: 'EFG100' | 'EFM144' | 'EFH064' = 'EFG100') {
  const trace = new SfrTrace();
  const evic = new Evic(new Clock(), trace);
  evic.reset();
  const ports = createPorts(variant, (irq) => evic.line(irq), trace, 118);
  ports.reset();
  return { evic, ports, trace };
}

function port(ports: ReturnType<typeof createPorts>, name: string): GpioPort {
  const p = ports.get(name);
  if (p === null) throw new Error(`no port ${name}`);
  return p;
}

describe('GPIO ports', () => {
  it('has the port set of each package', () => {
    expect(setup('EFG100').ports.get('H')).toBeNull();
    expect(setup('EFG100').ports.get('G')).not.toBeNull();
    expect(setup('EFM144').ports.get('K')).not.toBeNull();
    expect(setup('EFH064').ports.get('A')).toBeNull();
  });

  it('resets TRIS to inputs and ANSEL to the analog pins', () => {
    const { ports } = setup('EFM144');
    const h = dev(port(ports, 'H').regs);
    expect(h.rd(TRIS)).toBe(0xffff);
    expect(h.rd(ANSEL)).toBe(0x0073);
    expect(h.rd(LAT)).toBe(0);
  });

  it('drives an LED pin the way guest1 does (LATGCLR, TRISGCLR, LATGINV)', () => {
    const { ports } = setup();
    const g = port(ports, 'G');
    const d = dev(g.regs);
    const seen: boolean[] = [];
    ports.addOutputListener((p) => p === g && seen.push(g.drivesHigh(6)));
    d.wr(LAT + CLR, 0x40);
    d.wr(TRIS + CLR, 0x40);
    expect(g.drivesLow(6)).toBe(true);
    d.wr(LAT + INV, 0x40);
    expect(g.drivesHigh(6)).toBe(true);
    expect(g.level(6)).toBe(true);
    d.wr(PORT + INV, 0x40); // PORTx writes go to LATx
    expect(d.rd(LAT) & 0x40).toBe(0);
    expect(seen).toEqual([false, false, true, false]);
  });

  it('implements SET/CLR/INV on every port register', () => {
    const { ports } = setup();
    const b = port(ports, 'B');
    const d = dev(b.regs);
    for (const r of b.regs.registers) {
      if (r.name.startsWith('PORT')) continue;
      d.wr(r.off, 0);
      d.wr(r.off + SET, 0xffff);
      const all = d.rd(r.off);
      expect(all, r.name).toBe(r.wmask & 0xffff);
      d.wr(r.off + CLR, 0x00ff);
      expect(d.rd(r.off), r.name).toBe(all & 0xff00);
      d.wr(r.off + INV, 0xffff);
      expect(d.rd(r.off), r.name).toBe(all & 0x00ff);
    }
  });

  it('reads inputs from the board, pulls and ANSEL', () => {
    const { ports } = setup();
    const a = port(ports, 'A');
    const d = dev(a.regs);
    a.drive(5, true);
    expect(d.rd(PORT) & 0x20).toBe(0); // RA5 is analog at reset: digital input off
    d.wr(ANSEL + CLR, 0x20);
    expect(d.rd(PORT) & 0x20).toBe(0x20);
    a.drive(5, null);
    expect(d.rd(PORT) & 0x20).toBe(0); // floating
    d.wr(CNPU + SET, 0x20);
    expect(d.rd(PORT) & 0x20).toBe(0x20);
  });

  it('lets an output beat the board and honours open drain', () => {
    const { ports } = setup();
    const d = dev(port(ports, 'D').regs);
    const p = port(ports, 'D');
    d.wr(TRIS + CLR, 1);
    p.drive(0, true);
    expect(p.level(0)).toBe(false);
    d.wr(ODC + SET, 1);
    d.wr(LAT + SET, 1);
    expect(p.level(0)).toBe(true); // released: the board's level shows
    expect(p.drivesHigh(0)).toBe(false);
  });

  it('raises change notification in mismatch mode until PORT is read', () => {
    const { evic, ports } = setup();
    const b = port(ports, 'B');
    const d = dev(b.regs);
    d.wr(ANSEL, 0);
    d.wr(CNCON, 0x8000);
    d.wr(CNEN + SET, 1 << 12);
    b.drive(12, true);
    expect(d.rd(CNSTAT)).toBe(1 << 12);
    expect(evic.flag(119)).toBe(true); // CNB
    d.rd(PORT);
    expect(d.rd(CNSTAT)).toBe(0);
    evic.regs.write(0x70 + 4, 1 << 23, 4); // IFS3CLR bit 23 = IRQ 119
    expect(evic.flag(119)).toBe(false);
  });

  it('latches edges in edge mode (CNEN rising, CNNE falling)', () => {
    const { evic, ports } = setup();
    const b = port(ports, 'B');
    const d = dev(b.regs);
    d.wr(ANSEL, 0);
    d.wr(CNCON, 0x8800);
    d.wr(CNNE, 1 << 13);
    b.drive(13, true);
    expect(d.rd(CNF)).toBe(0);
    b.drive(13, false);
    expect(d.rd(CNF)).toBe(1 << 13);
    expect(evic.flag(119)).toBe(true);
    d.wr(CNF + CLR, 1 << 13);
    evic.regs.write(0x74, 1 << 23, 4);
    expect(evic.flag(119)).toBe(false);
  });
});

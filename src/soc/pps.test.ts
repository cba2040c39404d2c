import { describe, expect, it } from 'vitest';
import { Clock } from '../sim/clock.ts';
import { Evic } from './evic.ts';
import { createPorts } from './gpio.ts';
import { Pps } from './pps.ts';
import { SfrTrace } from './regs.ts';
import { dev } from './test-helpers.ts';

function setup() {
  const trace = new SfrTrace();
  const evic = new Evic(new Clock(), trace);
  const ports = createPorts('EFG100', (irq) => evic.line(irq), trace, 118);
  return { ports, trace };
}

describe('PPS', () => {
  function pps(locked = false) {
    const { ports, trace } = setup();
    let lock = locked;
    const p = new Pps((port, pin) => (ports.get(port)?.pins ?? 0) & (1 << pin) ? true : false, () => lock, trace);
    p.reset();
    return { p, d: dev(p.regs), setLock: (l: boolean) => (lock = l) };
  }

  it('decodes the board routings of the spec', () => {
    const { p, d } = pps();
    d.wr(0x80, 11); // U4RXR = RPF2 (Wi-FIRE)
    d.wr(0x260, 2); // RPF8R = U4TX
    expect(p.inputPin('U4RX')).toEqual({ port: 'F', pin: 2 });
    expect(p.outputFunction('F', 8)).toBe('U4TX');
    d.wr(0x68, 13); // U1RXR = RPA14 (DM320007)
    d.wr(0x13c, 1); // RPA15R = U1TX
    expect(p.inputPin('U1RX')).toEqual({ port: 'A', pin: 14 });
    expect(p.outputPin('U1TX')).toEqual({ port: 'A', pin: 15 });
    d.wr(0x80, 3); // U4RXR = RD0 (Olimex)
    d.wr(0x1d0, 2); // RPD4R = U4TX
    expect(p.pinFunctions('D', 0).inputs).toContain('U4RX');
    expect(p.outputFunction('D', 4)).toBe('U4TX');
  });

  it('has no RPD6R/RPD7R on the 100-pin part and no aliases', () => {
    const { p, d } = pps();
    expect(p.regs.find('RPD6R')).toBeUndefined();
    expect(p.regs.find('RPD5R')).toBeDefined();
    d.wr(0x80 + 4, 5); // U4RXR+4 is U4CTSR
    expect(d.rd(0x84)).toBe(5);
    expect(d.rd(0x80)).toBe(0);
  });

  it('freezes while CFGCON.IOLOCK is set', () => {
    const { d, setLock } = pps(true);
    d.wr(0x80, 3);
    expect(d.rd(0x80)).toBe(0);
    setLock(false);
    d.wr(0x80, 3);
    expect(d.rd(0x80)).toBe(3);
  });
});

describe('PPS tables', () => {
  it('routes INT1-4 and the UART inputs through their pin groups', () => {
    const { ports, trace } = setup();
    const p = new Pps((port, pin) => ((ports.get(port)?.pins ?? 0) >>> pin) & 1 ? true : false, () => false, trace);
    const d = dev(p.regs);
    d.wr(0x04, 3); // INT1R = RPD0 (group 4)
    d.wr(0x08, 1); // INT2R = RPG6 (group 3)
    d.wr(0x0c, 13); // INT3R = RPA14 (group 1)
    d.wr(0x10, 13); // INT4R = RPA15 (group 2)
    expect(['INT1', 'INT2', 'INT3', 'INT4'].map((f) => p.inputPin(f))).toEqual([
      { port: 'D', pin: 0 }, { port: 'G', pin: 6 }, { port: 'A', pin: 14 }, { port: 'A', pin: 15 }]);
    d.wr(0x04, 4); // reserved code
    expect(p.inputPin('INT1')).toBeNull();
    d.wr(0x1d0, 2);
    expect(p.outputPin('U4TX')).toEqual({ port: 'D', pin: 4 });
    expect(p.outputFunction('D', 5)).toBeNull();
    expect(p.inputNames).toContain('REFCLKI4');
  });
});

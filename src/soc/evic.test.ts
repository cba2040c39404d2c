import { describe, expect, it } from 'vitest';
import { Clock } from '../sim/clock.ts';
import { Evic, SINGLE_VECTOR_OFFSET } from './evic.ts';
import { IRQ_COUNT, IRQ_NAMES, irqByName, irqExists, uartIrqs } from './irqs.ts';
import { SfrTrace } from './regs.ts';
import { advance, dev } from './test-helpers.ts';

function setup() {
  const clock = new Clock();
  const trace = new SfrTrace();
  const evic = new Evic(clock, trace);
  let notified = 0;
  evic.irqSink = { irqChanged: () => void notified++ };
  evic.reset();
  notified = 0;
  return { clock, trace, evic, ...dev(evic.regs), notes: () => notified };
}

const IFS = (n: number) => 0x40 + 0x10 * n;
const IEC = (n: number) => 0xc0 + 0x10 * n;
const IPC = (n: number) => 0x140 + 0x10 * n;
const OFF = (k: number) => 0x540 + 4 * k;

/** Enables `irq` with priority/sub-priority, by SET aliases as firmware does. */
function enable(w: (off: number, v: number) => void, irq: number, ip: number, is = 0) {
  w(IPC(irq >> 2) + 4, 0x1f << ((irq & 3) * 8));
  w(IPC(irq >> 2) + 8, ((ip << 2) | is) << ((irq & 3) * 8));
  w(IEC(irq >> 5) + 8, 1 << (irq & 31));
}

describe('IRQ table', () => {
  it('has the 214 EF sources with their XC32 numbers', () => {
    expect(IRQ_NAMES.length).toBe(IRQ_COUNT);
    expect(IRQ_NAMES[0]).toBe('CORE_TIMER');
    expect(IRQ_NAMES[2]).toBe('CORE_SOFTWARE_1');
    expect(IRQ_NAMES[40]).toBe('TIMER_9');
    expect(IRQ_NAMES[106]).toBe('SYSTEM_BUS_PROTECTION');
    expect(IRQ_NAMES[113]).toBe('UART1_RX');
    expect(IRQ_NAMES[127]).toBe('CHANGE_NOTICE_K');
    expect(IRQ_NAMES[134]).toBe('DMA0');
    expect(IRQ_NAMES[146]).toBe('UART2_RX');
    expect(IRQ_NAMES[167]).toBe('FLASH_CONTROL');
    expect(uartIrqs(4)).toEqual({ fault: 170, rx: 171, tx: 172 });
    expect(irqByName('uart6_tx')).toBe(190);
    expect(IRQ_NAMES[213]).toBe('ADC7_WARM');
    for (const r of [108, 191, 195, 197, 203, 204, 211, 212]) expect(irqExists(r)).toBe(false);
  });
});

describe('EVIC registers', () => {
  it('resets to zero and keeps the XC32 layout', () => {
    const { evic, rd, wr } = setup();
    for (const r of evic.regs.registers) expect(r.value, r.name).toBe(0);
    wr(IFS(5) + 8, 0x800); // IFS5SET: U4RX
    expect(evic.flag(171)).toBe(true);
    wr(IPC(42) + 8, 0x0c000000); // IPC42SET: U4RXIP = 3
    expect(evic.priority(171)).toBe(3);
    wr(OFF(171), 0x200);
    expect(rd(0x7ec)).toBe(0x200);
    wr(OFF(171), 0xffffffff);
    expect(rd(0x7ec)).toBe(0x3fffe); // VOFF 17:1, bit 0 reads 0
  });

  it('implements SET/CLR/INV on every aliased register', () => {
    const { evic, rd, wr } = setup();
    for (const r of evic.regs.registers) {
      if (!r.sci || r.wmask === 0) continue;
      wr(r.off, 0);
      wr(r.off + 8, 0xffffffff);
      const m = rd(r.off);
      expect(m, `${r.name}SET`).toBe(r.name === 'INTCON' ? 0x171f : r.wmask); // NMIKEY reads 0
      wr(r.off + 4, 0x0000ffff);
      expect(rd(r.off), `${r.name}CLR`).toBe((m & 0xffff0000) >>> 0);
      wr(r.off + 12, 0xffffffff);
      expect(rd(r.off), `${r.name}INV`).toBe(m & 0xffff);
      wr(r.off, 0);
    }
  });

  it('has no aliases on OFFx: OFF000+4 is OFF001', () => {
    const { rd, wr } = setup();
    wr(OFF(0) + 4, 0x100);
    expect(rd(OFF(0))).toBe(0);
    expect(rd(OFF(1))).toBe(0x100);
  });

  it('supports byte and halfword lanes', () => {
    const { evic, rd, wr } = setup();
    wr(IPC(42) + 3, 0x0c, 1); // byte 3 of IPC42: U4RX priority 3
    expect(evic.priority(171)).toBe(3);
    expect(rd(IPC(42) + 3, 1)).toBe(0x0c);
    expect(rd(IPC(42) + 2, 2)).toBe(0x0c00);
    wr(IFS(0) + 8, 0x1, 1);
    expect(rd(IFS(0))).toBe(1);
  });

  it('reports holes to the trace hook and reads them as 0', () => {
    const { trace, rd, wr } = setup();
    const seen: string[] = [];
    trace.unmapped = (pa, w) => seen.push(`${w ? 'W' : 'R'}${pa.toString(16)}`);
    expect(rd(0x4a0)).toBe(0);
    wr(0xb0, 5); // IFS7 does not exist on the EF part
    expect(seen).toEqual(['R1f8104a0', 'W1f8100b0']);
  });
});

describe('EVIC priority decision', () => {
  it('presents nothing until a flag is enabled with a non-zero priority', () => {
    const { evic, wr } = setup();
    wr(IFS(0) + 8, 1 << 9); // T2IF
    expect(evic.ripl).toBe(0);
    wr(IEC(0) + 8, 1 << 9);
    expect(evic.ripl).toBe(0); // IP = 0 means disabled
    enable(wr, 9, 4);
    expect(evic.ripl).toBe(4);
    expect(evic.vector).toBe(9);
  });

  it('orders by priority, then sub-priority, then natural order', () => {
    const { evic, wr } = setup();
    wr(0, 1 << 12); // MVEC
    enable(wr, 9, 3, 1);
    enable(wr, 14, 3, 2);
    enable(wr, 19, 3, 2);
    enable(wr, 171, 2, 3);
    wr(IFS(0) + 8, (1 << 9) | (1 << 14) | (1 << 19));
    wr(IFS(5) + 8, 1 << 11);
    expect([evic.ripl, evic.vector]).toEqual([3, 14]); // sub-priority 2 beats 1; 14 before 19
    wr(IFS(0) + 4, 1 << 14);
    expect(evic.vector).toBe(19);
    wr(IFS(0) + 4, 1 << 19);
    expect(evic.vector).toBe(9);
    enable(wr, 171, 5, 0);
    expect([evic.ripl, evic.vector]).toEqual([5, 171]);
    wr(IEC(5) + 4, 1 << 11);
    expect(evic.vector).toBe(9);
  });

  it('gives OFFx in multi-vector mode and EBase+0x200 in single-vector mode', () => {
    const { evic, wr } = setup();
    wr(OFF(171), 0x1230);
    enable(wr, 171, 6);
    wr(IFS(5) + 8, 1 << 11);
    expect(evic.offset).toBe(SINGLE_VECTOR_OFFSET);
    wr(0x10, 0x1); // PRISS.SS0
    expect(evic.srs).toBe(1);
    wr(8, 1 << 12); // INTCONSET MVEC
    expect(evic.offset).toBe(0x1230);
    expect(evic.srs).toBe(0); // PRI6SS = 0
    wr(0x10, 0x05000000); // PRI6SS = 5
    expect(evic.srs).toBe(5);
    expect(evic.vector).toBe(171);
  });

  it('tells the core only when its inputs change', () => {
    const { wr, notes } = setup();
    enable(wr, 171, 6);
    expect(notes()).toBe(0);
    wr(IFS(5) + 8, 1 << 11);
    expect(notes()).toBe(1);
    wr(IFS(5) + 8, 1 << 11);
    expect(notes()).toBe(1);
    wr(IFS(5) + 4, 1 << 11);
    expect(notes()).toBe(2);
  });

  it('reports the request in INTSTAT', () => {
    const { rd, wr } = setup();
    enable(wr, 113, 5);
    wr(IFS(3) + 8, 1 << 17);
    expect(rd(0x20)).toBe((5 << 8) | 113);
  });
});

describe('EVIC inputs', () => {
  it('latches the core timer and software interrupts on their rising edge', () => {
    const { evic, wr } = setup();
    evic.coreSignals(true, 0);
    expect(evic.flag(0)).toBe(true);
    wr(IFS(0) + 4, 1);
    evic.coreSignals(true, 0); // TI still high: stays acknowledged
    expect(evic.flag(0)).toBe(false);
    evic.coreSignals(false, 2);
    expect(evic.flag(2)).toBe(true);
    expect(evic.flag(1)).toBe(false);
    evic.coreSignals(true, 3);
    expect(evic.flag(0)).toBe(true);
    expect(evic.flag(1)).toBe(true);
  });

  it('re-asserts a persistent request after software clears it', () => {
    const { evic, wr } = setup();
    const line = evic.line(171);
    line.set(true);
    expect(evic.flag(171)).toBe(true);
    wr(IFS(5) + 4, 1 << 11);
    expect(evic.flag(171)).toBe(true);
    line.set(false);
    expect(evic.flag(171)).toBe(true); // the latch stays until cleared
    wr(IFS(5) + 4, 1 << 11);
    expect(evic.flag(171)).toBe(false);
  });

  it('passes events to DMA triggers', () => {
    const { evic } = setup();
    const seen: number[] = [];
    evic.onEvent = (irq) => seen.push(irq);
    evic.line(9).raise();
    evic.line(171).set(true); // a level alone is not an event
    evic.line(171).raise();
    expect(seen).toEqual([9, 171]);
    expect(evic.flag(171)).toBe(true);
  });

  it('detects external interrupts on the edge INTCON.INTxEP selects', () => {
    const { evic, wr } = setup();
    evic.externalInput(1, true);
    expect(evic.flag(8)).toBe(false); // INT1EP=0: falling edge
    evic.externalInput(1, false);
    expect(evic.flag(8)).toBe(true);
    wr(8, 1 << 2); // INT2EP rising
    evic.externalInput(2, true);
    expect(evic.flag(13)).toBe(true);
  });

  it('holds low-priority requests for IPTMR cycles when the proximity timer is on', () => {
    const { clock, evic, wr } = setup();
    wr(0x30, 100); // IPTMR
    wr(8, 3 << 8); // TPC = 3
    enable(wr, 9, 2);
    wr(IFS(0) + 8, 1 << 9);
    expect(evic.ripl).toBe(0);
    advance(clock, 99);
    expect(evic.ripl).toBe(0);
    advance(clock, 1);
    expect(evic.ripl).toBe(2);
    enable(wr, 14, 5);
    wr(IFS(0) + 8, 1 << 14);
    expect(evic.ripl).toBe(5); // above TPC: not delayed
  });
});

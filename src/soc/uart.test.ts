import { describe, expect, it } from 'vitest';
import { Clock } from '../sim/clock.ts';
import { Evic } from './evic.ts';
import { SfrTrace } from './regs.ts';
import { advance, dev, runUntil } from './test-helpers.ts';
import { UART_FIFO_DEPTH, Uart } from './uart.ts';

const MODE = 0x00, STA = 0x10, TXREG = 0x20, RXREG = 0x30, BRG = 0x40;
const SET = 8, CLR = 4;
/** 115 741 baud at PBCLK2 = 100 MHz: 16 * 54 PBCLK2 cycles = 1728 core cycles per bit. */
const BIT = 1728;

function setup(pbHz = 100e6) {
  const clock = new Clock();
  const trace = new SfrTrace();
  const evic = new Evic(clock, trace);
  const uart = new Uart(4, clock, () => pbHz, { fault: evic.line(170), rx: evic.line(171), tx: evic.line(172) }, trace);
  evic.reset();
  uart.reset();
  const sent: { byte: number; at: number }[] = [];
  uart.onTx = (byte, at) => sent.push({ byte, at });
  const d = dev(uart.regs);
  /** The guests' console init (example-guests.md §0.4). */
  const init = (mode = 0x8000) => {
    d.wr(BRG, 53);
    d.wr(STA, 0);
    d.wr(MODE, mode);
    d.wr(STA + SET, 0x1400);
  };
  return { clock, trace, evic, uart, sent, init, ...d };
}

describe('UART registers', () => {
  it('resets to the datasheet values', () => {
    const { rd } = setup();
    expect(rd(MODE)).toBe(0);
    expect(rd(STA)).toBe(0x110); // TRMT | RIDLE
    expect(rd(BRG)).toBe(0);
  });

  it('has SET/CLR/INV on MODE, STA and BRG but not on TXREG/RXREG', () => {
    const { rd, wr, trace } = setup();
    wr(BRG + SET, 0xffff);
    expect(rd(BRG)).toBe(0xffff);
    wr(BRG + CLR, 0xff00);
    expect(rd(BRG)).toBe(0xff);
    wr(BRG + 12, 0x0f0f);
    expect(rd(BRG)).toBe(0x0ff0);
    wr(MODE + SET, 0xffffffff);
    expect(rd(MODE)).toBe(0xbbff);
    wr(MODE + 12, 0x8000);
    expect(rd(MODE)).toBe(0x3bff);
    const holes: number[] = [];
    trace.unmapped = (pa) => holes.push(pa);
    wr(TXREG + SET, 0x41);
    rd(RXREG + 4);
    expect(holes).toEqual([0x1f822628, 0x1f822634]);
  });

  it('reads 0 and ignores writes while disabled by PMD', () => {
    const { uart, rd, wr } = setup();
    wr(BRG, 53);
    uart.setPowered(false);
    expect(rd(STA)).toBe(0);
    wr(BRG, 7);
    uart.setPowered(true);
    expect(rd(BRG)).toBe(0);
  });
});

describe('UART transmit', () => {
  it('sends an 8N1 byte in 10 bit times at 115200 baud', () => {
    const { clock, sent, init, rd, wr, uart } = setup();
    init();
    expect(uart.baud()).toBeCloseTo(115741, 0);
    clock.now = 1000;
    wr(TXREG, 0x41);
    expect(rd(STA) & 0x100).toBe(0); // TRMT low while shifting
    advance(clock, 10 * BIT - 1);
    expect(sent).toEqual([]);
    advance(clock, 1);
    expect(sent).toEqual([{ byte: 0x41, at: 1000 + 10 * BIT }]);
    expect(rd(STA) & 0x100).toBe(0x100);
  });

  it('adds a bit for parity and one for a second stop bit', () => {
    const { clock, sent, init, wr } = setup();
    init(0x8000 | (1 << 1) | 1); // 8E, 2 stop bits
    wr(TXREG, 0x55);
    runUntil(clock, 1e6);
    expect(sent[0]!.at).toBe(12 * BIT);
  });

  it('uses the /4 divisor with BRGH', () => {
    const { clock, sent, wr } = setup();
    wr(BRG, 216);
    wr(MODE, 0x8008);
    wr(STA, 0x400);
    wr(TXREG, 1);
    runUntil(clock, 1e6);
    expect(sent[0]!.at).toBe(10 * 4 * 217 * 2);
  });

  it('holds one byte in the shift register and eight in the FIFO, back to back', () => {
    const { clock, sent, init, rd, wr } = setup();
    init();
    for (let i = 0; i < UART_FIFO_DEPTH + 1; i++) {
      expect(rd(STA) & 0x200, `UTXBF before byte ${i}`).toBe(0);
      wr(TXREG, 0x30 + i);
    }
    expect(rd(STA) & 0x200).toBe(0x200);
    wr(TXREG, 0x7a); // lost: the FIFO is full
    runUntil(clock, 1e7);
    expect(sent.map((s) => s.byte)).toEqual([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38]);
    expect(sent.map((s) => s.at)).toEqual(sent.map((_s, i) => (i + 1) * 10 * BIT));
  });

  it('drops writes while the transmitter is disabled', () => {
    const { clock, sent, wr } = setup();
    wr(BRG, 53);
    wr(MODE, 0x8000);
    wr(TXREG, 0x41);
    runUntil(clock, 1e6);
    expect(sent).toEqual([]);
  });

  it('raises the TX interrupt per UTXISEL', () => {
    const { clock, evic, init, wr } = setup();
    init();
    wr(STA + SET, 1 << 14); // UTXISEL = 01: everything sent
    wr(TXREG, 1);
    wr(TXREG, 2);
    evic.regs.write(0x94, 1 << 12, 4); // IFS5CLR U4TX
    expect(evic.flag(172)).toBe(false);
    advance(clock, 10 * BIT);
    expect(evic.flag(172)).toBe(false); // second byte still shifting
    advance(clock, 10 * BIT);
    expect(evic.flag(172)).toBe(true);

    wr(STA + CLR, 3 << 14);
    wr(STA + SET, 2 << 14); // UTXISEL = 10: buffer empty
    evic.regs.write(0x94, 1 << 12, 4);
    wr(TXREG, 3);
    expect(evic.flag(172)).toBe(true); // went straight to the shift register
    evic.regs.write(0x94, 1 << 12, 4);
    expect(evic.flag(172)).toBe(true); // persistent while the condition holds
  });

  function wrEvic(e: Evic, off: number, v: number) {
    e.regs.write(off, v, 4);
  }

  it('treats TX and RX flags as persistent conditions', () => {
    const { clock, evic, init, wr } = setup();
    init();
    wr(STA + SET, 1 << 14);
    wr(TXREG, 9);
    advance(clock, 10 * BIT);
    wrEvic(evic, 0x94, 1 << 12);
    expect(evic.flag(172)).toBe(true);
  });
});

describe('UART receive', () => {
  it('delivers bytes to RXREG and raises U4RX while data is waiting', () => {
    const { evic, init, rd, uart } = setup();
    init();
    expect(uart.receive(0x3d)).toBe(true);
    expect(rd(STA) & 1).toBe(1);
    expect(evic.flag(171)).toBe(true);
    evic.regs.write(0x94, 0x800, 4); // IFS5CLR: data still there, flag comes back
    expect(evic.flag(171)).toBe(true);
    expect(rd(RXREG)).toBe(0x3d);
    expect(rd(STA) & 1).toBe(0);
    evic.regs.write(0x94, 0x800, 4);
    expect(evic.flag(171)).toBe(false);
  });

  it('refuses input when the FIFO is full or the receiver is off', () => {
    const { init, uart, wr } = setup();
    expect(uart.receive(1)).toBe(false);
    init();
    for (let i = 0; i < UART_FIFO_DEPTH; i++) expect(uart.receive(i)).toBe(true);
    expect(uart.receive(99)).toBe(false);
    wr(STA + CLR, 1 << 12);
    expect(uart.receive(99)).toBe(false);
  });

  it('paces queued input at one byte per frame and never loses it', () => {
    const { clock, init, rd, uart } = setup();
    init();
    uart.queueInput('0123456789AB');
    expect(uart.rxLevel).toBe(0);
    advance(clock, 10 * BIT);
    expect(uart.rxLevel).toBe(1);
    runUntil(clock, 1e8);
    expect(uart.rxLevel).toBe(UART_FIFO_DEPTH);
    expect(uart.pendingInput).toBe(4);
    expect(rd(STA) & 2).toBe(0); // no overrun
    let got = '';
    for (let i = 0; i < 12; i++) {
      while (!(rd(STA) & 1)) advance(clock, BIT);
      got += String.fromCharCode(rd(RXREG));
    }
    expect(got).toBe('0123456789AB');
  });

  it('honours URXISEL thresholds', () => {
    const { evic, init, uart, wr } = setup();
    init();
    wr(STA + SET, 1 << 6); // half full
    for (let i = 0; i < 3; i++) uart.receive(i);
    expect(evic.flag(171)).toBe(false);
    uart.receive(3);
    expect(evic.flag(171)).toBe(true);
  });

  it('sets OERR on overrun in loopback and clears the buffer when software clears it', () => {
    const { clock, evic, init, rd, wr, sent } = setup();
    init(0x8000 | (1 << 6)); // LPBACK
    for (let i = 0; i < 8; i++) wr(TXREG, i);
    runUntil(clock, 8 * 10 * BIT);
    expect(sent).toEqual([]);
    expect(rd(STA) & 3).toBe(1);
    wr(TXREG, 42);
    runUntil(clock, 9 * 10 * BIT);
    expect(rd(STA) & 2).toBe(2);
    expect(evic.flag(170)).toBe(true);
    wr(STA + CLR, 2);
    expect(rd(STA) & 3).toBe(0);
  });

  it('resets the FIFOs when the module is switched off', () => {
    const { init, rd, uart, wr } = setup();
    init();
    uart.receive(5);
    wr(MODE + CLR, 0x8000);
    expect(rd(STA) & 1).toBe(0);
  });

  it('serves byte reads of status and data', () => {
    const { init, rd, uart } = setup();
    init();
    uart.receive(0x1a5 & 0xff);
    expect(rd(STA, 1) & 1).toBe(1);
    expect(rd(STA + 1, 1)).toBe(0x15); // URXEN, UTXEN, TRMT
    expect(rd(RXREG, 1)).toBe(0xa5);
  });
});

import { describe, expect, it } from 'vitest';
import { UserError } from '../sim/errors.ts';
import { advance } from '../soc/test-helpers.ts';
import { createBoard } from './board.ts';
import { BOARDS, boardNames, findBoard } from './boards.ts';

describe('board data', () => {
  it('finds boards by short and long name', () => {
    expect(findBoard('wifire')?.longName).toBe('DigilentChipKitWiFire');
    expect(findBoard('Microchip-DM320007+MEBII')?.shortName).toBe('dm320007');
    expect(findBoard('OLIMEXPIC32EMZ64')?.shortName).toBe('emz64');
    expect(findBoard('explorer16')).toBeUndefined();
    expect(boardNames()).toHaveLength(6);
  });

  it('builds every board, with its pins present on its package', () => {
    for (const spec of BOARDS) {
      const b = createBoard(spec);
      expect(b.soc.variant).toBe(spec.variant);
      expect(b.leds().every((l) => !l.on)).toBe(true); // pins are inputs after reset
      expect(b.console.n).toBe(spec.consoleUart);
      expect(b.soc.osc.sysclkHz()).toBe(200e6);
      expect(b.soc.osc.pbclkHz(2)).toBe(100e6);
    }
  });

  it('uses UART4 on the Wi-FIRE and Olimex and UART1 on the DM320007', () => {
    expect(findBoard('wifire')!.consoleUart).toBe(4);
    expect(findBoard('emz64')!.consoleUart).toBe(4);
    expect(findBoard('dm320007')!.consoleUart).toBe(1);
  });

  it('rejects unknown boards with a user error', () => {
    expect(() => createBoard('nope')).toThrow(UserError);
  });
});

describe('board behaviour', () => {
  it("reports guest1's LD1 blinking on RG6 with virtual times", () => {
    const b = createBoard('wifire');
    const events: string[] = [];
    b.onLed = (name, on, cycle) => events.push(`${name} ${on ? 'on' : 'off'} @${cycle}`);
    const wr = (pa: number, v: number) => b.soc.bus.store('cpu', pa, 4, v);
    wr(0x1f860634, 0x40); // LATGCLR
    wr(0x1f860614, 0x40); // TRISGCLR: output, low
    expect(b.led('LD1')).toBe(false);
    b.soc.clock.now = 1000;
    wr(0x1f86063c, 0x40); // LATGINV
    b.soc.clock.now = 2000;
    wr(0x1f86063c, 0x40);
    expect(events).toEqual(['LD1 on @1000', 'LD1 off @2000']);
  });

  it("follows the DM320007's port H LEDs and the Olimex's port B LEDs", () => {
    const dm = createBoard('dm320007');
    const wr = (pa: number, v: number) => dm.soc.bus.store('cpu', pa, 4, v);
    wr(0x1f860734, 7);
    wr(0x1f860714, 7);
    wr(0x1f860704, 7);
    wr(0x1f860738, 2); // LATHSET: yellow LED on RH1
    expect(dm.leds()).toEqual([{ name: 'LED1', on: false }, { name: 'LED2', on: false }, { name: 'LED3', on: true }]);
    const ol = createBoard('emz64');
    ol.soc.bus.store('cpu', 0x1f860134, 4, 0x700);
    ol.soc.bus.store('cpu', 0x1f860114, 4, 0x700);
    ol.soc.bus.store('cpu', 0x1f86013c, 4, 0x400);
    expect(ol.led('red')).toBe(true);
    expect(() => ol.led('LD1')).toThrow(UserError);
  });

  it('drives the button pins as the board wires them', () => {
    const wf = createBoard('wifire');
    const porta = () => wf.soc.bus.load('cpu', 0x1f860020, 4)!;
    wf.soc.bus.store('cpu', 0x1f860004, 4, 0x30); // ANSELACLR
    expect(porta() & 0x20).toBe(0);
    wf.press('BTN1', true);
    expect(porta() & 0x20).toBe(0x20); // reads 1 when pressed
    wf.press('btn1', false);
    expect(porta() & 0x20).toBe(0);
    const dm = createBoard('dm320007');
    const portb = () => dm.soc.bus.load('cpu', 0x1f860120, 4)!;
    dm.soc.bus.store('cpu', 0x1f860104, 4, 0x7000); // ANSELBCLR
    dm.soc.bus.store('cpu', 0x1f860158, 4, 0x7000); // CNPUBSET
    expect(portb() & 0x1000).toBe(0x1000);
    dm.press('SW1', true);
    expect(portb() & 0x1000).toBe(0);
    expect(() => createBoard('emz64').press('BTN1', true)).toThrow(/buttons: none/);
  });

  it('keeps LED and button state across a chip reset', () => {
    const b = createBoard('wifire');
    b.soc.bus.store('cpu', 0x1f860614, 4, 0x40);
    b.soc.bus.store('cpu', 0x1f860638, 4, 0x40);
    expect(b.led('LD1')).toBe(true);
    b.press('BTN2', true);
    const events: string[] = [];
    b.onLed = (n, on) => events.push(`${n}:${on}`);
    b.soc.reset('software');
    expect(events).toEqual(['LD1:false']);
    b.soc.bus.store('cpu', 0x1f860004, 4, 0x30);
    expect(b.soc.bus.load('cpu', 0x1f860020, 4)! & 0x10).toBe(0x10);
  });

  it("tells whether the console pins are routed (the Olimex board init's PPS writes)", () => {
    const ol = createBoard('emz64');
    expect(ol.consoleRouting()).toEqual({ rx: false, tx: false });
    ol.soc.bus.store('cpu', 0x1f801480, 4, 3); // U4RXR = RD0
    ol.soc.bus.store('cpu', 0x1f8015d0, 4, 2); // RPD4R = U4TX
    expect(ol.consoleRouting()).toEqual({ rx: true, tx: true });
  });

  it('prints on the console UART in virtual time', () => {
    const b = createBoard('dm320007');
    const out: number[] = [];
    b.console.onTx = (x) => out.push(x);
    const wr = (pa: number, v: number) => b.soc.bus.store('cpu', pa, 4, v);
    wr(0x1f822040, 53);
    wr(0x1f822000, 0x8000);
    wr(0x1f822018, 0x1400);
    wr(0x1f822020, 0x2e);
    advance(b.soc.clock, 17280);
    expect(out).toEqual([0x2e]);
  });
});

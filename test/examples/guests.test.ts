/**
 * The example guests (guests/examples, built into guests/prebuilt/{guest1,guest2,dma-guest,
 * dm320007,olimex}.elf; example-guests.md §1-5) run bare metal in-process on their boards. The
 * console transcript and the LED timeline are checked in virtual time: header lines, symbol
 * cadence, LED order and period, console input changing the symbol, the DMA copy in RAM. A
 * second part checks each ELF against what the configuration tool needs to run it as a VM
 * (entry, segments, the reference configurations build with it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.ts';
import { loadFirmware } from '../../src/image/load.ts';
import { parseElf, PF_W, PF_X } from '../../src/image/elf.ts';
import { CPU_HZ } from '../../src/sim/clock.ts';
import { WIFIRE_DEVCFG } from '../../src/board/boards.ts';
import { DEVID_BY_VARIANT, DEVID_VER } from '../../src/soc/system.ts';
import { buildSystem, configGuestFiles } from '../../src/config/build.ts';
import { bundledBoard, bundledBoardName } from '../../src/config/board.ts';
import type { GuestInput } from '../../src/config/model.ts';

const ROOT = join(import.meta.dirname, '../..');
const PREBUILT = join(ROOT, 'guests/prebuilt');
const REF = join(ROOT, 'examples/reference');

/** Cycles per second and per microsecond of virtual time. */
const S = CPU_HZ;
const US = CPU_HZ / 1_000_000;
/** Slack for a period measured between two events of the same kind (a few instructions). */
const SAME_POINT = 10 * US;
/** Slack between different points of one loop (a console byte takes 86.4 us at 115 741 baud). */
const LOOP_SLACK = 200 * US;

interface Tx { byte: number; cycle: number }
interface LedEvent { name: string; on: boolean; cycle: number }

class Run {
  readonly m: Machine;
  readonly tx: Tx[] = [];
  readonly leds: LedEvent[] = [];

  constructor(elf: string, board: string, fromReset = false) {
    const file = join(PREBUILT, `${elf}.elf`);
    const img = loadFirmware(new Uint8Array(readFileSync(file)), file);
    this.m = new Machine({ board });
    this.m.load(img, file);
    this.m.boot(fromReset ? null : img.entry);
    const onTx = this.m.uart.onTx;
    this.m.uart.onTx = (b, cycle) => {
      onTx?.(b, cycle);
      this.tx.push({ byte: b, cycle });
    };
    this.m.board.onLed = (name, on, cycle) => this.leds.push({ name, on, cycle });
  }

  /** Runs until virtual time `seconds`. */
  to(seconds: number): this {
    const end = Math.round(seconds * S);
    while (this.m.clock.now < end) {
      const r = this.m.run(end - this.m.clock.now);
      expect(r, 'the guest stopped').toBe('time');
    }
    return this;
  }

  text(): string {
    return this.m.console.text();
  }

  /** The bytes after the first `headerLines` lines ("\n\r" each), line breaks left out. */
  private marks(headerLines: number): Tx[] {
    let lines = 0, i = 0;
    while (i < this.tx.length && lines < headerLines) if (this.tx[i++]!.byte === 0x0d) lines++;
    return this.tx.slice(i).filter((t) => t.byte !== 0x0a && t.byte !== 0x0d);
  }

  /** The symbols printed after the header. */
  symbols(headerLines: number): string {
    return String.fromCharCode(...this.marks(headerLines).map((t) => t.byte));
  }

  /** Cycles at which each symbol after the header finished going out. */
  symbolTimes(headerLines: number): number[] {
    return this.marks(headerLines).map((t) => t.cycle);
  }

  ledTimes(name: string): LedEvent[] {
    return this.leds.filter((e) => e.name === name);
  }

  /** URXDA of the console UART: a byte is waiting in the receive FIFO. */
  rxWaiting(): boolean {
    return (this.m.uart.regs.read(0x10, 4) & 1) !== 0;
  }

  ramWord(pa: number): number {
    const off = this.m.bus.hostOffset(pa);
    expect(off).toBeGreaterThanOrEqual(0);
    return this.m.bus.mem.i32[off >>> 2]! >>> 0;
  }
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const line = (name8: string, value: string): string => `${name8}= ${value}\n\r`;
const HEX = '[0-9a-f]{8}';

/** Consecutive differences. */
function gaps(xs: number[]): number[] {
  return xs.slice(1).map((x, i) => x - xs[i]!);
}

function expectPeriod(xs: number[], period: number, slack: number): void {
  for (const g of gaps(xs)) expect(Math.abs(g - period), `gap ${g} vs period ${period}`).toBeLessThanOrEqual(slack);
}

/** The LED alternates on/off starting with on, toggling every `period`. */
function expectBlink(events: LedEvent[], period: number, count: number): void {
  expect(events.length).toBe(count);
  events.forEach((e, i) => expect(e.on).toBe(i % 2 === 0));
  expectLedPeriod(events.map((e) => e.cycle), period);
}

/**
 * An LED period: exact from the second toggle on; the first may be one console byte longer,
 * because the first toggle comes before any symbol is printed and the later ones after one.
 */
function expectLedPeriod(xs: number[], period: number): void {
  expectPeriod(xs.slice(0, 2), period, LOOP_SLACK);
  expectPeriod(xs.slice(1), period, SAME_POINT);
}

const SOC_HEADER = (devid: number, devcfg: readonly number[]): RegExp =>
  new RegExp(
    '^-\\n\\r' +
      line('DEVID   ', hex8(devid)) +
      line('OSCCON  ', HEX) +
      [0, 1, 2, 3].map((i) => line(`DEVCFG${i} `, hex8(devcfg[i]!))).join('') +
      line('CFGCON  ', HEX),
  );
const WIFIRE_DEVID = ((DEVID_VER << 28) | DEVID_BY_VARIANT.EFG100) >>> 0;
const CONFIG_HEADER = new RegExp(
  '^-\\n\\r' + ['Config  ', 'Config1 ', 'Config2 ', 'Config3 ', 'Config4 ', 'Config5 ', 'Config7 '].map((n) => line(n, HEX)).join(''),
);

describe('guest1 (polling, LD1, UART4)', () => {
  const r = new Run('guest1', 'wifire').to(2.5);
  r.m.type([0x3d]); // '=' at 2.5 s
  r.to(2.6);
  const waitingAfterTyping = r.rxWaiting();
  r.to(5.5);

  it('prints the header: DEVID, OSCCON, DEVCFG0-3 (the board words), CFGCON', () => {
    expect(r.text()).toMatch(SOC_HEADER(WIFIRE_DEVID, WIFIRE_DEVCFG));
  });

  it('prints one symbol a second, exactly a second apart', () => {
    const marks = r.symbolTimes(8);
    expect(marks.length).toBe(5);
    expectPeriod(marks, S, SAME_POINT);
    expect(Math.abs(marks[0]! - 1 * S)).toBeLessThan(50_000 * US); // after a ~15 ms header
  });

  it('toggles LD1 once a second, a symbol after each toggle', () => {
    const ld1 = r.ledTimes('LD1');
    expectBlink(ld1, S, 6);
    const marks = r.symbolTimes(8);
    marks.forEach((t, i) => expect(Math.abs(t - ld1[i]!.cycle - S)).toBeLessThanOrEqual(LOOP_SLACK));
    expect(r.leds.every((e) => e.name === 'LD1')).toBe(true);
  });

  it('reads input only when the timer wakes it: typed "=" becomes the symbol at the next second', () => {
    expect(waitingAfterTyping).toBe(true);
    expect(r.rxWaiting()).toBe(false);
    expect(r.symbols(8)).toBe('##===');
  });

  it('routes the console pins (U4RX <- RPF2, U4TX -> RPF8)', () => {
    expect(r.m.board.consoleRouting()).toEqual({ rx: true, tx: true });
  });
});

describe('guest1 over 32 symbols', () => {
  it('ends a line after every 32nd symbol', () => {
    const r = new Run('guest1', 'wifire').to(33.5);
    const after = r.text().split('\n\r').slice(8);
    expect(after).toEqual(['#'.repeat(32), '#']);
  });
});

describe('guest1 from the reset vector', () => {
  it('boots at 0xbfc00000 (reset, BEV=1) as well as at its ELF entry', () => {
    const r = new Run('guest1', 'wifire', true).to(1.1);
    expect(r.m.cpu.pc >>> 0).toBeGreaterThanOrEqual(0x9fc00000);
    expect(r.text()).toMatch(SOC_HEADER(WIFIRE_DEVID, WIFIRE_DEVCFG));
    expect(r.symbols(8)).toBe('#');
  });
});

/** LED order and timing of the interrupt-driven guests: three LEDs in turn, one per 0.1 s tick. */
function checkStaggered(r: Run, order: string[], seconds: number): void {
  const tick = S / 10;
  const seq = r.leds.map((e) => e.name);
  const cycles = Math.floor(seconds / 0.3);
  expect(seq.slice(0, 3 * cycles)).toEqual(Array.from({ length: 3 * cycles }, (_, i) => order[i % 3]));
  for (const name of order) {
    const ev = r.ledTimes(name);
    ev.forEach((e, i) => expect(e.on).toBe(i % 2 === 0));
    expectLedPeriod(ev.map((e) => e.cycle), 3 * tick);
  }
  expectPeriod(r.leds.map((e) => e.cycle), tick, LOOP_SLACK);
}

function interruptGuest(elf: string, board: string, leds: string[]): void {
  describe(`${elf} (interrupts, ${leds.join('/')})`, () => {
    const r = new Run(elf, board).to(1.05);
    r.m.type([0x2b]); // '+' at 1.05 s
    r.to(1.051);
    const waitingAfterTyping = r.rxWaiting();
    r.to(2.5);

    it('prints the header: Config, Config1-5, Config7', () => {
      expect(r.text()).toMatch(CONFIG_HEADER);
    });

    it('toggles its three LEDs in turn, 0.1 s apart, each every 0.3 s', () => {
      checkStaggered(r, leds, 2.5);
    });

    it('prints a symbol every 0.3 s, right after the third LED tick', () => {
      const marks = r.symbolTimes(8);
      expect(marks.length).toBe(8);
      expectPeriod(marks, 0.3 * S, SAME_POINT);
      const third = r.ledTimes(leds[2]!);
      marks.forEach((t, i) => expect(Math.abs(t - third[i]!.cycle - 0.1 * S)).toBeLessThanOrEqual(LOOP_SLACK));
    });

    it('takes input in its RX interrupt: typed "+" is read at once and printed from the next symbol on', () => {
      expect(waitingAfterTyping).toBe(false);
      expect(r.symbols(8)).toBe('...+++++');
    });

    it('routes its console pins', () => {
      expect(r.m.board.consoleRouting()).toEqual({ rx: true, tx: true });
    });
  });
}

interruptGuest('guest2', 'wifire', ['LD3', 'LD2', 'LD4']);
interruptGuest('dm320007', 'dm320007', ['LED1', 'LED3', 'LED2']);
interruptGuest('olimex', 'emz64', ['green', 'yellow', 'red']);

describe('dm320007 console', () => {
  it('is UART1: nothing goes out on UART4', () => {
    const r = new Run('dm320007', 'dm320007');
    let uart4 = 0;
    r.m.soc.uart(4).onTx = () => uart4++;
    r.to(0.5);
    expect(r.m.board.spec.consoleUart).toBe(1);
    expect(r.text()).toMatch(CONFIG_HEADER);
    expect(uart4).toBe(0);
  });
});

/** The DMA guest's source pattern for round `round`, word `i` (dma-guest.c pattern()). */
function pattern(round: number, i: number): number {
  return (Math.imul(round, 0x9e3779b9) ^ Math.imul(i, 0x01000193) ^ i) >>> 0;
}

describe('dma-guest (DMA channel 0, LD1)', () => {
  const r = new Run('dma-guest', 'wifire').to(1);
  r.m.type([0x40]); // '@' at 1 s
  r.to(6.5);

  it('prints the header: DEVID, OSCCON, DEVCFG0-3, CFGCON, Config3, Config7', () => {
    expect(r.text()).toMatch(new RegExp(SOC_HEADER(WIFIRE_DEVID, WIFIRE_DEVCFG).source + line('Config3 ', HEX) + line('Config7 ', HEX)));
  });

  it('completes a verified 16 KB copy every 3 s, each printed and toggling LD1', () => {
    expect(r.symbols(10)).toBe('#@@');
    const marks = r.symbolTimes(10);
    expectPeriod(marks, 3 * S, SAME_POINT);
    expectBlink(r.ledTimes('LD1'), 3 * S, 3);
    r.ledTimes('LD1').forEach((e, i) => expect(Math.abs(marks[i]! - e.cycle)).toBeLessThanOrEqual(LOOP_SLACK));
  });

  it('leaves the last round\'s DMA copy in RAM: 0x8000.. equals the pattern at 0x4000..', () => {
    for (let i = 0; i < 0x1000; i++) {
      expect(r.ramWord(0x4000 + 4 * i)).toBe(pattern(3, i));
      expect(r.ramWord(0x8000 + 4 * i)).toBe(pattern(3, i));
    }
  });
});

describe('the ELFs as tinyVP VMs (what the configuration tool reads)', () => {
  const names = ['guest1', 'guest2', 'dma-guest', 'dm320007', 'olimex'];

  it.each(names)('%s: entry 0x9fc00030, code below the boot-flash window, RAM only .bss', (name) => {
    const elf = parseElf(new Uint8Array(readFileSync(join(PREBUILT, `${name}.elf`))), name);
    expect(elf.entry >>> 0).toBe(0x9fc00030);
    expect(elf.segments.length).toBe(2);
    const [code, ram] = elf.segments;
    expect(code!.vaddr >>> 0).toBe(0x9fc00000);
    expect(code!.flags & (PF_W | PF_X)).toBe(PF_X);
    expect(code!.memSize).toBeLessThanOrEqual(0x1000); // one 4 KB rom page, far below GPA 0x1fc08000
    expect(ram!.vaddr >>> 0).toBe(0xa0000000);
    expect(ram!.flags & PF_W).toBe(PF_W);
    expect(ram!.data.length).toBe(0); // no initialised data: tinyVP loads only the code
    expect(ram!.memSize).toBeLessThanOrEqual(0x1000);
  });

  const configs: [string, string, Record<string, string>][] = [
    ['config.file', 'wifire', { 'pic32mz-guest1/uart.elf': 'guest1', 'pic32mz-guest2/uart.elf': 'guest2' }],
    ['config-thread.file', 'wifire', { 'pic32mz-guest1/uart.elf': 'guest1', 'pic32mz-guest2/uart.elf': 'guest2' }],
    ['config-dma.file', 'wifire', { 'pic32mz-dma-guest/uart.elf': 'dma-guest' }],
    ['config-Microchip-DM320007+MEBII.file', 'dm320007', { 'pic32mz-DM320007/uart.elf': 'dm320007' }],
    ['config-OlimexPic32EMZ64.file', 'emz64', { 'pic32mz-Olimex/uart.elf': 'olimex' }],
  ];

  it.each(configs)('%s builds with them; each VM starts at 0x9fc00030 with the ELF code in flash', (cfgName, board, elfs) => {
    const config = { text: readFileSync(join(REF, cfgName), 'utf8'), file: cfgName };
    const guests = new Map<string, GuestInput>();
    const bytes = new Map<string, Uint8Array>();
    for (const g of configGuestFiles(config)) {
      const elf = elfs[g.path];
      expect(elf, g.path).toBeDefined();
      const b = new Uint8Array(readFileSync(join(PREBUILT, `${elf!}.elf`)));
      bytes.set(g.path, b);
      guests.set(g.path, { kind: g.kind, file: g.path, bytes: b });
    }
    const name = bundledBoardName(board)!;
    const res = buildSystem({
      config,
      lib: { text: readFileSync(join(REF, 'device.lib'), 'utf8'), file: 'device.lib' },
      board: bundledBoard(name),
      guests,
    });
    const vms = res.model.vms.filter((v) => v.kind === 'vm');
    expect(vms.length).toBe(Object.keys(elfs).length);
    for (const vm of vms) {
      expect((vm.entry ?? 0) >>> 0).toBe(0x9fc00030);
      const img = res.images.get(vm.id)!;
      const text = parseElf(bytes.get(vm.guest!.input.file)!, 'x').segments[0]!.data;
      const chunk = img.chunks.find((c) => c.data.length >= text.length)!;
      expect(chunk.data.subarray(0, text.length)).toEqual(text);
    }
  });
});

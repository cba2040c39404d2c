/**
 * A machine: the core on a PIC32MZ-style physical map with the console UART, its firmware
 * loaded, and the run loop in virtual time. The CLI, the tests and the browser all drive it.
 */
import { NS_PER_CYCLE, Timer, type Clock } from '../sim/clock.ts';
import type { InputEvent } from './input-script.ts';
import { UserError } from '../sim/errors.ts';
import { Cpu } from '../mips/cpu.ts';
import { FpuUnitImpl } from '../mips/fpu-unit.ts';
import type { PhysBus } from '../soc/bus.ts';
import type { Evic } from '../soc/evic.ts';
import type { Uart } from '../soc/uart.ts';
import type { SfrTrace } from '../soc/regs.ts';
import type { Pic32mz, ResetKind } from '../soc/pic32mz.ts';
import { createBoard, type Board } from '../board/board.ts';
import type { LoadImage } from '../image/srec.ts';
import { ConsoleTap } from './console.ts';

/** Virtual time between host-side checks (console input, --until, pacing): 1 ms. */
export const SLICE_CYCLES = 200_000;
/** Board when none is named. */
export const DEFAULT_BOARD = 'wifire';

export type StopReason = 'until' | 'time' | 'halt' | 'idle';

export interface MachineOptions {
  /** Board name (wifire, dm320007, emz64 or a long name); default wifire. */
  board?: string;
  /** Stop when the console shows this text. */
  until?: string | null;
  /** Keep the console transcript in memory (default true). */
  keepConsole?: boolean;
  /** Block compiler: on (default), off, or 'eager' (compile on first execution; for tests). */
  jit?: boolean | 'eager';
}

export class Machine {
  readonly clock: Clock;
  readonly board: Board;
  readonly soc: Pic32mz;
  readonly bus: PhysBus;
  readonly cpu: Cpu;
  readonly console: ConsoleTap;
  readonly evic: Evic;
  /** The board's console UART. */
  readonly uart: Uart;
  /** SFR accesses nothing answers (`--trace unmapped`). */
  readonly trace: SfrTrace;
  private pendingReset: ResetKind | null = null;

  constructor(opts: MachineOptions = {}) {
    this.board = createBoard(opts.board ?? DEFAULT_BOARD);
    this.soc = this.board.soc;
    this.clock = this.soc.clock;
    this.bus = this.soc.bus;
    this.evic = this.soc.evic;
    this.uart = this.board.console;
    this.trace = this.soc.trace;
    this.cpu = new Cpu(this.bus.port('cpu'), this.clock, { eic: this.evic, fpu: new FpuUnitImpl(), jit: opts.jit ?? true });
    this.evic.irqSink = this.cpu;
    this.console = new ConsoleTap(opts.until ?? null, opts.keepConsole ?? true);
    this.uart.onTx = (b) => this.console.byte(b);
    this.console.onMatch = () => this.cpu.halt();
    // A chip reset (RSWRST, WDT, DMT) happens between instructions; a WDT time-out while the
    // core sleeps is an NMI wake-up instead.
    this.soc.onReset = (kind) => {
      if (kind === 'wdt' && this.cpu.waiting) {
        this.soc.wdtWake();
        this.cpu.nmi();
        return;
      }
      this.pendingReset = kind;
      this.cpu.halt();
    };
  }

  /** Writes an image's chunks into memory; kseg0/kseg1 addresses are made physical. */
  load(img: LoadImage, file: string): void {
    for (const c of img.chunks) {
      const pa = physical(c.addr);
      if (!this.bus.poke(pa, c.data)) {
        throw new UserError(`data at 0x${hex(c.addr)} (${c.data.length} bytes) is outside RAM and flash`, file);
      }
    }
  }

  /** Power-on: the chip reads its configuration words (maybe from the image), the core starts at `entry` or the reset vector. */
  boot(entry: number | null): void {
    this.soc.reset('por');
    this.cpu.reset();
    if (entry !== null) {
      const pa = physical(entry);
      if ((entry & 3) !== 0 || this.bus.hostOffset(pa) < 0) {
        throw new UserError(`entry 0x${hex(entry)} is not an aligned address in RAM or flash`);
      }
      this.cpu.setPc(entry);
    }
  }

  /** Queues console input bytes; they enter the UART as its receive FIFO frees. */
  type(bytes: Iterable<number>): void {
    this.uart.queueInput(bytes);
  }

  /** Types each event's bytes at its virtual time. */
  scheduleInput(events: InputEvent[]): void {
    for (const e of events) {
      const b = e.button;
      if (b !== undefined && !this.board.spec.buttons.some((x) => x.name.toLowerCase() === b.name.toLowerCase())) {
        const have = this.board.spec.buttons.map((x) => x.name).join(', ') || 'none';
        throw new UserError(`--input: board ${this.board.name} has no button '${b.name}' (buttons: ${have})`);
      }
    }
    let k = 0;
    const t = new Timer('input-script', () => {
      const e = events[k++]!;
      if (e.button !== undefined) this.board.press(e.button.name, e.button.down);
      else this.type(e.bytes);
      if (k < events.length) this.clock.schedule(t, events[k]!.at);
    });
    if (events.length > 0) this.clock.schedule(t, events[0]!.at);
  }

  /** Runs for at most `cycles` of virtual time; stops early on `until` or when the core halts. */
  run(cycles: number): StopReason {
    const end = this.clock.now + cycles;
    while (this.clock.now < end) {
      const slice = Math.min(end, this.clock.now + SLICE_CYCLES);
      this.cpu.run(slice);
      if (this.console.found) return 'until';
      if (this.pendingReset !== null) {
        this.soc.reset(this.pendingReset);
        this.pendingReset = null;
        this.cpu.reset();
        continue;
      }
      if (this.cpu.halted) return 'halt';
      if (this.clock.now < slice && this.cpu.waiting && this.clock.nextAt === Infinity) {
        // Asleep with nothing scheduled: time passes with nothing to do.
        this.clock.now = slice;
      }
    }
    return 'time';
  }

  stats(wallMs: number): { instructions: number; virtualNs: number; wallMs: number; mips: number } {
    const instructions = this.cpu.instret;
    return {
      instructions,
      virtualNs: Math.round(this.clock.now * NS_PER_CYCLE),
      wallMs: Math.round(wallMs * 1000) / 1000,
      mips: wallMs > 0 ? Math.round((instructions / wallMs / 1000) * 100) / 100 : 0,
    };
  }
}

/** Physical address of a load address: kseg0/kseg1 fold onto physical memory. */
export function physical(addr: number): number {
  const a = addr >>> 0;
  return a >= 0x80000000 && a < 0xc0000000 ? a & 0x1fffffff : a;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * A machine: the core on a PIC32MZ-style physical map with the console UART, its firmware
 * loaded, and the run loop in virtual time. The CLI, the tests and the browser all drive it.
 */
import { Clock, NS_PER_CYCLE, Timer } from '../sim/clock.ts';
import type { InputEvent } from './input-script.ts';
import { UserError } from '../sim/errors.ts';
import { Cpu } from '../mips/cpu.ts';
import { PhysBus } from '../soc/bus.ts';
import type { LoadImage } from '../image/srec.ts';
import { FpuUnitImpl } from '../mips/fpu-unit.ts';
import { Evic, EVIC_BASE, EVIC_SIZE } from '../soc/evic.ts';
import { Uart, UART_BASE, UART_STRIDE } from '../soc/uart.ts';
import { SfrTrace } from '../soc/regs.ts';
import { uartIrqs } from '../soc/irqs.ts';
import { ConsoleTap } from './console.ts';

export const RAM_BASE = 0x00000000;
export const RAM_SIZE = 512 * 1024;
export const FLASH_BASE = 0x1d000000;
export const FLASH_SIZE = 2 * 1024 * 1024;
export const BOOT_BASE = 0x1fc00000;
export const BOOT_SIZE = 0x14000;
/** PBCLK2 (UART clock) of the bare machine: SYSCLK/2. */
export const PBCLK2_HZ = 100_000_000;

/** Virtual time between host-side checks (console input, --until, pacing): 1 ms. */
export const SLICE_CYCLES = 200_000;

export type StopReason = 'until' | 'time' | 'halt' | 'idle';

export interface MachineOptions {
  /** Stop when the console shows this text. */
  until?: string | null;
  /** Keep the console transcript in memory (default true). */
  keepConsole?: boolean;
}

export class Machine {
  readonly clock = new Clock();
  readonly bus: PhysBus;
  readonly cpu: Cpu;
  readonly console: ConsoleTap;
  readonly evic: Evic;
  readonly uart: Uart;
  readonly trace = new SfrTrace();

  constructor(opts: MachineOptions = {}) {
    this.bus = new PhysBus(RAM_SIZE + FLASH_SIZE + BOOT_SIZE);
    this.bus.addMemory('RAM', RAM_BASE, RAM_SIZE, true);
    this.bus.addMemory('program flash', FLASH_BASE, FLASH_SIZE, false);
    this.bus.addMemory('boot flash', BOOT_BASE, BOOT_SIZE, false);
    this.evic = new Evic(this.clock, this.trace);
    this.bus.map('EVIC', EVIC_BASE, EVIC_SIZE, this.evic);
    const irq = uartIrqs(4);
    this.uart = new Uart(4, this.clock, () => PBCLK2_HZ, { fault: this.evic.line(irq.fault), rx: this.evic.line(irq.rx), tx: this.evic.line(irq.tx) }, this.trace);
    this.bus.map('UART4', UART_BASE + 3 * UART_STRIDE, UART_STRIDE, this.uart);
    this.cpu = new Cpu(this.bus.port('cpu'), this.clock, { eic: this.evic, fpu: new FpuUnitImpl() });
    this.evic.irqSink = this.cpu;
    this.console = new ConsoleTap(opts.until ?? null, opts.keepConsole ?? true);
    this.uart.onTx = (b) => this.console.byte(b);
    this.console.onMatch = () => this.cpu.halt();
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

  /** Starts the core at `entry` (or the reset vector) in its reset state. */
  boot(entry: number | null): void {
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
    let k = 0;
    const t = new Timer('input-script', () => {
      this.type(events[k++]!.bytes);
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

/**
 * A board around the SoC (DESIGN.md board/ layer): it watches the GPIO pins its LEDs hang on and
 * reports `led(name, on, cycle)` changes, drives its button pins on `press`, and names its
 * console UART. The LED state is "the chip drives the pin to the LED's active level".
 */
import { UserError } from '../sim/errors.ts';
import type { GpioPort } from '../soc/gpio.ts';
import { createPic32mz, type Pic32mz, type Pic32mzOptions } from '../soc/pic32mz.ts';
import type { Uart } from '../soc/uart.ts';
import { boardNames, findBoard, type BoardSpec, type ButtonSpec, type LedSpec } from './boards.ts';

export class Board {
  /** Called on every LED change with the virtual time of the change. */
  onLed: ((name: string, on: boolean, cycle: number) => void) | null = null;
  private readonly state = new Map<string, boolean>();
  private readonly pressed = new Set<string>();

  constructor(
    readonly spec: BoardSpec,
    readonly soc: Pic32mz,
  ) {
    for (const led of spec.leds) {
      this.port(led.port, led.name);
      this.state.set(led.name, this.lit(led));
    }
    soc.ports.addOutputListener((p) => this.outputsChanged(p));
    for (const b of spec.buttons) this.applyButton(b, false);
  }

  get name(): string {
    return this.spec.shortName;
  }

  /** The console UART. */
  get console(): Uart {
    return this.soc.uart(this.spec.consoleUart);
  }

  /** Is the LED lit now. */
  led(name: string): boolean {
    const on = this.state.get(name);
    if (on === undefined) throw new UserError(`board ${this.name} has no LED '${name}' (it has ${this.spec.leds.map((l) => l.name).join(', ')})`);
    return on;
  }

  /** All LEDs and their state, in board order. */
  leds(): { name: string; on: boolean }[] {
    return this.spec.leds.map((l) => ({ name: l.name, on: this.state.get(l.name) ?? false }));
  }

  /** Presses (down = true) or releases a button. */
  press(button: string, down: boolean): void {
    const b = this.spec.buttons.find((x) => x.name.toLowerCase() === button.toLowerCase());
    if (b === undefined) {
      const have = this.spec.buttons.length === 0 ? 'none' : this.spec.buttons.map((x) => x.name).join(', ');
      throw new UserError(`board ${this.name} has no button '${button}' (buttons: ${have})`);
    }
    if (down) this.pressed.add(b.name);
    else this.pressed.delete(b.name);
    this.applyButton(b, down);
  }

  /** Is the button held down. */
  isPressed(button: string): boolean {
    return this.pressed.has(button);
  }

  /** What the console pins are set up to do in PPS (firmware or a bootloader routes them). */
  consoleRouting(): { rx: boolean; tx: boolean } {
    const { consoleRx: rx, consoleTx: tx, consoleUart: n } = this.spec;
    const inPin = this.soc.pps.inputPin(`U${n}RX`);
    return {
      rx: inPin !== null && inPin.port === rx.port && inPin.pin === rx.pin,
      tx: this.soc.pps.outputFunction(tx.port, tx.pin) === `U${n}TX`,
    };
  }

  private port(name: string, what: string): GpioPort {
    const p = this.soc.port(name);
    if (p === null) throw new Error(`${this.spec.title}: ${what} is on port ${name}, which ${this.soc.variant} lacks`);
    return p;
  }

  private lit(led: LedSpec): boolean {
    const p = this.port(led.port, led.name);
    return led.activeHigh ? p.drivesHigh(led.pin) : p.drivesLow(led.pin);
  }

  private outputsChanged(p: GpioPort): void {
    for (const led of this.spec.leds) {
      if (led.port !== p.name) continue;
      const on = this.lit(led);
      if (on === this.state.get(led.name)) continue;
      this.state.set(led.name, on);
      if (this.onLed !== null) this.onLed(led.name, on, this.soc.clock.now);
    }
  }

  private applyButton(b: ButtonSpec, down: boolean): void {
    const p = this.port(b.port, b.name);
    p.drive(b.pin, down ? !b.activeLow : b.released);
  }
}

export type CreateBoardOptions = Omit<Pic32mzOptions, 'variant' | 'poscHz'>;

/** Builds the SoC the board carries (package, oscillator, its DEVCFG) and the board on it. */
export function createBoard(board: string | BoardSpec, opts: CreateBoardOptions = {}): Board {
  const spec = typeof board === 'string' ? findBoard(board) : board;
  if (spec === undefined) throw new UserError(`unknown board '${String(board)}' (known: ${boardNames().join(', ')})`);
  const soc = createPic32mz({ ...opts, variant: spec.variant, poscHz: spec.poscHz, devcfg: opts.devcfg === undefined ? spec.devcfg : opts.devcfg });
  return new Board(spec, soc);
}

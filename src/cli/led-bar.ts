/**
 * `--led-bar`: the board's LEDs as one status line at the bottom of the terminal, kept out of
 * the console text by a scroll region (DECSTBM), so guests' output reads as it would on a real
 * serial terminal while the LEDs blink below it. `render` is pure; `LedBar` owns the terminal.
 */
import pc from 'picocolors';
import { formatTime } from '../sim/clock.ts';

export interface LedState { name: string; on: boolean }

const ON = '\u25cf', OFF = '\u25cb';
const LABEL = ' LEDs  ';

/** The status line: ` LEDs  LD1 ●  LD2 ○ …   <virtual time>`, within `width` columns. */
export function render(leds: readonly LedState[], cycle: number, width: number, color: boolean): string {
  const c = pc.createColors(color);
  const cells = leds.map((l) => `${l.name} ${l.on ? ON : OFF}`);
  const body = cells.join('  ');
  // Too narrow for the names: just the dots.
  if (LABEL.length + body.length > width) return leds.map((l) => (l.on ? ON : OFF)).join(' ').slice(0, Math.max(0, width));
  const painted = cells.map((cell, i) => (leds[i]!.on ? c.bold(c.green(cell)) : c.dim(cell))).join('  ');
  const time = formatTime(cycle);
  const gap = width - LABEL.length - body.length - time.length;
  return ` ${c.bold('LEDs')}  ${painted}${gap >= 3 ? ' '.repeat(gap) + c.dim(time) : ''}`;
}

/** The minimal terminal the bar needs (process.stdout on a TTY). */
export interface BarTerminal {
  rows: number;
  columns: number;
  write(s: string): unknown;
  on(event: 'resize', f: () => void): unknown;
  off(event: 'resize', f: () => void): unknown;
}

const ESC = '\x1b';
const SAVE = `${ESC}7`, RESTORE = `${ESC}8`;

export class LedBar {
  private leds: LedState[];
  private cycle = 0;
  private rows = 0;
  private readonly onResize = (): void => this.layout();

  constructor(private readonly term: BarTerminal, leds: readonly LedState[], private readonly color: boolean) {
    this.leds = leds.map((l) => ({ ...l }));
  }

  /** Reserves the bottom line: a fresh line for it, then the scroll region above it. */
  start(): void {
    this.term.write('\n');
    this.layout();
    this.term.on('resize', this.onResize);
  }

  set(name: string, on: boolean, cycle: number): void {
    const l = this.leds.find((x) => x.name === name);
    if (l !== undefined) l.on = on;
    this.cycle = cycle;
  }

  /** Redraws the line (called once per output chunk, not per change). */
  draw(cycle = this.cycle): void {
    this.cycle = cycle;
    if (this.rows < 2) return;
    const text = render(this.leds, this.cycle, this.term.columns, this.color);
    this.term.write(`${SAVE}${ESC}[${this.rows};1H${ESC}[2K${text}${RESTORE}`);
  }

  /** Gives the whole screen back, the bar line cleared; the cursor stays where the text ended. */
  stop(): void {
    this.term.off('resize', this.onResize);
    if (this.rows < 2) return;
    this.term.write(`${SAVE}${ESC}[r${RESTORE}${SAVE}${ESC}[${this.rows};1H${ESC}[2K${RESTORE}`);
  }

  private layout(): void {
    this.rows = this.term.rows;
    if (this.rows < 2) return;
    // DECSTBM homes the cursor: put it back on the region's last line, where text continues.
    this.term.write(`${ESC}[1;${this.rows - 1}r${ESC}[${this.rows - 1};1H`);
    this.draw();
  }
}

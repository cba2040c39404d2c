/**
 * Watchdog timer, WDTCON at 0x1F800800 (pic32mz-ef.md §5): enabled by DEVCFG1.FWDTEN or
 * WDTCON.ON, period 2^WDTPS ms from the LPRC, cleared by writing 0x5743 to WDTCLRKEY (the upper
 * half), optional window mode; a timeout resets the chip.
 */
import { CPU_HZ, Timer, type Clock } from '../sim/clock.ts';
import type { Devcfg } from './devcfg.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

export const WDT_BASE = 0x1f800800;
export const WDT_SIZE = 0x200;
/** Written to WDTCON<31:16> to clear the watchdog. */
export const WDT_CLEAR_KEY = 0x5743;
/** Period at postscaler 1:1: 1 ms of the 32 kHz LPRC. */
export const WDT_BASE_CYCLES = CPU_HZ / 1000;

const WDTCON_ON = 1 << 15;
const WDTCON_WINEN = 1 << 0;
/** Fraction of the period at the end during which a clear is allowed, by DEVCFG1.FWDTWINSZ. */
const WINDOW = [0.75, 0.5, 0.375, 0.25];

export class Wdt {
  readonly regs: RegFile;
  /** Called when the watchdog expires or is cleared outside its window. */
  onTimeout: (() => void) | null = null;
  private readonly con: Reg;
  private readonly timer: Timer;
  private devcfg: Devcfg | null = null;
  private lastClear = 0;

  constructor(
    private readonly clock: Clock,
    trace: SfrTrace,
  ) {
    this.timer = new Timer('wdt', () => this.expired());
    const rf = new RegFile('WDT', WDT_BASE, WDT_SIZE, trace);
    this.regs = rf;
    this.con = rf.add({ off: 0x00, name: 'WDTCON', wmask: WDTCON_ON | WDTCON_WINEN,
      read: (r) => this.conValue(r), write: (_r, old, _op, data, lanes) => this.conWritten(old, data, lanes) });
  }

  /** Core cycles from a clear to the timeout. */
  periodCycles(): number {
    return WDT_BASE_CYCLES * 2 ** Math.min(this.devcfg?.wdtps ?? 0, 20);
  }

  get running(): boolean {
    return (this.devcfg?.fwdten ?? false) || (this.con.value & WDTCON_ON) !== 0;
  }

  reset(devcfg: Devcfg): void {
    this.devcfg = devcfg;
    this.regs.reset();
    if (!devcfg.windis) this.con.value |= WDTCON_WINEN;
    this.restart(this.clock.now);
  }

  private conValue(r: Reg): number {
    let v = r.value & (WDTCON_ON | WDTCON_WINEN);
    if (this.devcfg?.fwdten) v |= WDTCON_ON;
    return (v | ((this.devcfg?.wdtps ?? 0) << 8)) >>> 0;
  }

  private conWritten(old: number, data: number, lanes: number): void {
    const now = this.clock.now;
    if (lanes & 0xffff0000 && data >>> 16 === WDT_CLEAR_KEY && this.running) {
      if (this.con.value & WDTCON_WINEN && now < this.lastClear + this.periodCycles() * (1 - this.windowFraction())) {
        this.onTimeout?.(); // cleared before the window opened
        return;
      }
      this.restart(now);
      return;
    }
    if ((old ^ this.con.value) & WDTCON_ON) this.restart(now);
  }

  private windowFraction(): number {
    return WINDOW[this.devcfg?.fwdtwinsz ?? 3]!;
  }

  private restart(now: number): void {
    this.lastClear = now;
    if (this.running) this.clock.schedule(this.timer, now + this.periodCycles());
    else this.clock.cancel(this.timer);
  }

  /** Starts a new period (after a time-out that woke the core instead of resetting the chip). */
  rearm(): void {
    this.restart(this.clock.now);
  }

  private expired(): void {
    if (this.running) this.onTimeout?.();
  }
}

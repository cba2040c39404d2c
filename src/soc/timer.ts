/**
 * Timer1 (type A) and Timers 2-9 (type B, pairs 2/3, 4/5, 6/7, 8/9 with T32), pic32mz-ef.md §10.
 * Counts come from PBCLK3 (or SOSC for Timer1 with TCS) through the prescaler and are computed
 * lazily from virtual time: only the next period match is ever scheduled.
 */
import { CPU_HZ, Timer, type Clock } from '../sim/clock.ts';
import type { IrqLine } from './evic.ts';
import { applyOp, RegFile, type Reg, type SfrTrace } from './regs.ts';

/** Physical base of Timer1; Timer n is at TIMER_BASE + TIMER_STRIDE * (n-1). */
export const TIMER_BASE = 0x1f840000;
export const TIMER_STRIDE = 0x200;

/** The timers' clock inputs. */
export interface TimerClocks {
  /** PBCLK3 in Hz. */
  pbclk3Hz(): number;
  /** Secondary oscillator in Hz, 0 when it is off (Timer1 external clock). */
  soscHz(): number;
}

const CON_ON = 1 << 15;
const CON_TGATE = 1 << 7;
const CON_T32 = 1 << 3;
const CON_TCS = 1 << 1;
const PRESCALE_A = [1, 8, 64, 256];
const PRESCALE_B = [1, 2, 4, 8, 16, 32, 64, 256];
/** Slack for floating-point tick counts when PBCLK3 does not divide the core clock. */
const EPS = 1e-9;

export class TimerDevice {
  readonly regs: RegFile;
  /** The other half of a 2/3, 4/5, 6/7 or 8/9 pair (null for Timer1). */
  partner: TimerDevice | null = null;
  private readonly con: Reg;
  private readonly pr: Reg;
  private readonly event: Timer;
  // Counting state as last configured; a counter is frozen with these before any change.
  private running = false;
  private gated = false;
  private cpt = Infinity;
  private prc = 0xffff;
  private max = 0xffff;
  private base = 0;
  private baseCount = 0;
  private gate = false;

  constructor(
    /** 1..9 */
    readonly n: number,
    private readonly clock: Clock,
    private readonly clocks: TimerClocks,
    private readonly irq: IrqLine,
    trace: SfrTrace,
  ) {
    this.event = new Timer(`timer${n}`, (at) => this.matched(at));
    const rf = new RegFile(`TIMER${n}`, TIMER_BASE + TIMER_STRIDE * (n - 1), TIMER_STRIDE, trace);
    this.regs = rf;
    const wmask = n === 1 ? 0xb0b6 : n % 2 === 0 ? 0xa0fa : 0xa0f2;
    this.con = rf.add({ off: 0x00, name: `T${n}CON`, wmask, write: (_r, old) => this.conWritten(old) });
    // TMR is live: SET/CLR/INV apply to the current count, not to a stored copy.
    rf.add({ off: 0x10, name: `TMR${n}`, wmask: 0xffff, raw: true, read: () => this.readTmr(),
      write: (_r, _o, op, data, lanes) => this.writeTmr(applyOp(this.readTmr(), op, data, 0xffff & lanes)) });
    this.pr = rf.add({ off: 0x20, name: `PR${n}`, reset: 0xffff, wmask: 0xffff, write: () => this.prWritten() });
  }

  /** Current count (the full 32 bits for the even timer of a T32 pair). */
  count(): number {
    const m = this.master();
    return m.countAt(this.clock.now);
  }

  /** Gate input (TGATE): counts only while high; the falling edge sets the interrupt flag. */
  setGate(level: boolean): void {
    if (level === this.gate) return;
    const now = this.clock.now;
    this.freeze(now, true);
    this.gate = level;
    if (!level && this.gated && this.con.value & CON_ON) this.irqLine().raise();
    this.configure(now);
  }

  /** The clock inputs changed (PBxDIV, oscillator switch). */
  clockChanged(): void {
    if (this.isSlave()) return;
    const now = this.clock.now;
    this.freeze(now, false);
    this.configure(now);
  }

  setPowered(on: boolean): void {
    this.regs.setPowered(on, () => this.reset());
  }

  reset(): void {
    this.regs.reset();
    this.clock.cancel(this.event);
    this.running = false;
    this.baseCount = 0;
    this.base = this.clock.now;
    this.gate = false;
    this.configure(this.clock.now);
  }

  private isPair32(): boolean {
    return this.n % 2 === 0 && (this.con.value & CON_T32) !== 0 && this.partner !== null;
  }

  private isSlave(): boolean {
    return this.n % 2 === 1 && this.partner !== null && this.partner.isPair32();
  }

  private master(): TimerDevice {
    return this.isSlave() ? this.partner! : this;
  }

  /** The 32-bit pair interrupts on the odd timer's vector. */
  private irqLine(): IrqLine {
    return this.isPair32() ? this.partner!.irq : this.irq;
  }

  private countAt(now: number): number {
    if (!this.running) return this.baseCount;
    return this.advance(Math.floor((now - this.base) / this.cpt + EPS));
  }

  /** Count `ticks` prescaled clocks after the base point. */
  private advance(ticks: number): number {
    let c = this.baseCount;
    if (c > this.prc) {
      // Above the period the counter runs to its maximum and wraps without a match.
      const toWrap = this.max - c + 1;
      if (ticks < toWrap) return c + ticks;
      ticks -= toWrap;
      c = 0;
    }
    return (c + ticks) % (this.prc + 1);
  }

  /** Fixes the count at `now`; keepPhase keeps the prescaler's position (PR writes). */
  private freeze(now: number, keepPhase: boolean): void {
    if (this.running) {
      const ticks = Math.floor((now - this.base) / this.cpt + EPS);
      this.baseCount = this.advance(ticks);
      this.base = keepPhase ? this.base + ticks * this.cpt : now;
    } else {
      this.base = now;
    }
  }

  /** Takes the registers' settings and schedules the next match. */
  private configure(now: number): void {
    const con = this.con.value;
    const pair = this.isPair32();
    this.prc = pair ? ((this.partner!.pr.value << 16) | this.pr.value) >>> 0 : this.pr.value;
    this.max = pair ? 0xffffffff : 0xffff;
    this.gated = (con & CON_TGATE) !== 0 && (con & CON_TCS) === 0;
    const ps = this.n === 1 ? PRESCALE_A[(con >>> 4) & 3]! : PRESCALE_B[(con >>> 4) & 7]!;
    const hz = con & CON_TCS ? (this.n === 1 ? this.clocks.soscHz() : 0) : this.clocks.pbclk3Hz();
    const wasRunning = this.running;
    this.running = this.regs.powered && (con & CON_ON) !== 0 && !this.isSlave() && hz > 0 && (!this.gated || this.gate);
    if (this.running) {
      this.cpt = (ps * CPU_HZ) / hz;
      if (!wasRunning) this.base = now;
    }
    if (this.baseCount > this.max) this.baseCount &= this.max;
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) {
      this.clock.cancel(this.event);
      return;
    }
    const n = this.ticksToMatch();
    this.clock.schedule(this.event, Math.ceil(this.base + n * this.cpt - EPS));
  }

  private ticksToMatch(): number {
    const c = this.baseCount;
    return c <= this.prc ? this.prc - c + 1 : this.max - c + 1 + this.prc + 1;
  }

  /** The counter went from PR back to 0. */
  private matched(_at: number): void {
    if (!this.running) return;
    this.base += this.ticksToMatch() * this.cpt;
    this.baseCount = 0;
    // In gated accumulation mode the flag comes from the gate's falling edge instead.
    if (!this.gated) this.irqLine().raise();
    this.schedule();
  }

  private readTmr(): number {
    const m = this.master();
    const c = m.countAt(this.clock.now);
    return m === this ? c & 0xffff : c >>> 16;
  }

  private writeTmr(v: number): void {
    const m = this.master();
    const now = this.clock.now;
    m.freeze(now, false);
    if (m.isPair32()) m.baseCount = (m === this ? (m.baseCount & 0xffff0000) | v : (m.baseCount & 0xffff) | (v << 16)) >>> 0;
    else m.baseCount = v & 0xffff;
    m.base = now;
    m.configure(now);
  }

  private prWritten(): void {
    const m = this.master();
    const now = this.clock.now;
    m.freeze(now, true);
    m.configure(now);
  }

  private conWritten(old: number): void {
    const now = this.clock.now;
    this.freeze(now, false);
    if (this.n % 2 === 0 && this.partner !== null && ((old ^ this.con.value) & CON_T32) !== 0) {
      // Entering or leaving 32-bit mode changes both halves.
      this.partner.freeze(now, false);
      if (this.con.value & CON_T32) this.baseCount = ((this.partner.baseCount << 16) | (this.baseCount & 0xffff)) >>> 0;
      else {
        this.partner.baseCount = this.baseCount >>> 16;
        this.baseCount &= 0xffff;
      }
      this.partner.configure(now);
    }
    if (this.isSlave()) {
      this.running = false;
      this.clock.cancel(this.event);
      return;
    }
    this.configure(now);
  }
}

/** Timers 1..9 with the even/odd pairs linked. */
export function createTimers(clock: Clock, clocks: TimerClocks, line: (irq: number) => IrqLine, irqs: readonly number[], trace: SfrTrace): TimerDevice[] {
  const list: TimerDevice[] = [];
  for (let n = 1; n <= 9; n++) list.push(new TimerDevice(n, clock, clocks, line(irqs[n - 1]!), trace));
  for (let n = 2; n <= 8; n += 2) {
    list[n - 1]!.partner = list[n]!;
    list[n]!.partner = list[n - 1]!;
  }
  return list;
}

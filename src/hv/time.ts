/**
 * Root timekeeping and the timer event list (tinyvp-runtime.md §6.1, §6.2). The root Count is
 * extended to 64 bits ("lcount"); wall time advances 10 ns per count (200 MHz core, CCRes 2).
 * Timer records are kept sorted by their root lcount; the root Compare always holds the head's
 * deadline, but never less than 100 counts ahead. The core-timer interrupt pops every expired
 * record: the scheduler tick (periodic, 1 s), the root print (periodic callback) and guest
 * timers (one-shot, per thread).
 *
 * 64-bit counts are plain numbers (exact up to 2^53 counts, about 2.8 years at 100 MHz).
 */
import type { Cpu } from '../mips/cpu.ts';
import { C0, CA_TI } from '../mips/cp0.ts';
import { CLR, ifsPa, irqBit } from './evic-regs.ts';

export const COUNTS_PER_SECOND = 100_000_000;
export const NS_PER_COUNT = 10;
/** Compare is never programmed closer than this to now (§6.2). */
export const MIN_COMPARE_AHEAD = 100;
/** Nor further than this, so a 32-bit Compare cannot wrap past a later deadline. */
export const MAX_COMPARE_AHEAD = 0x40000000;
export const TWO32 = 0x1_0000_0000;

export const TIMER_TICK = 1, TIMER_FUNC = 2, TIMER_GUEST = 3;

export class TimerRecord {
  /** Deadline as a 64-bit root count. */
  lcount = 0;
  active = false;
  /** Periods skipped by a periodic record. */
  missed = 0;
  constructor(
    readonly kind: number,
    /** Thread id of a guest timer. */
    readonly tid: number,
    /** Period in counts of a periodic record (0 = one-shot). */
    readonly period: number,
  ) {}
}

export interface TimeClient {
  /** The scheduler tick fired. */
  onTick(): void;
  /** The root print callback fired. */
  onPrintTimer(): void;
  /** A guest timer record expired. */
  onGuestTimer(tid: number): void;
}

export class TimeKeeper {
  /** Last extended root count. */
  lcount = 0;
  /** Root count at boot; wall time is measured from it. */
  bootLcount = 0;
  private readonly queue: TimerRecord[] = [];
  /** A core-timer interrupt found nothing due (reported once). */
  earlyReported = false;

  constructor(private readonly cpu: Cpu) {}

  /** extend(base, c): c with base's upper half, or the next one if c is below base's low half. */
  static extend(base: number, c: number): number {
    c >>>= 0;
    const lo = base % TWO32;
    const hi = base - lo;
    return c >= lo ? hi + c : hi + TWO32 + c;
  }

  /** Refreshes `lcount` from the root Count register; returns it. */
  update(): number {
    this.lcount = TimeKeeper.extend(this.lcount, this.cpu.mfc0(C0.COUNT));
    return this.lcount;
  }

  init(): void {
    this.lcount = this.cpu.mfc0(C0.COUNT) >>> 0;
    this.bootLcount = this.lcount;
  }

  /** Wall time in ns since boot. */
  wallNs(): number {
    return (this.lcount - this.bootLcount) * NS_PER_COUNT;
  }

  /** Queues `rec` for root count `lcount` (FIFO among equal deadlines) and reprograms Compare. */
  insert(rec: TimerRecord, lcount: number): void {
    if (rec.active) this.unlink(rec);
    this.insertQuiet(rec, lcount);
    this.program();
  }

  remove(rec: TimerRecord): void {
    if (!rec.active) return;
    this.unlink(rec);
    this.program();
  }

  /** Records in deadline order (diagnostics). */
  records(): readonly TimerRecord[] {
    return this.queue;
  }

  /** The core-timer interrupt: acknowledge, pop and fire expired records, reprogram. */
  interrupt(client: TimeClient): void {
    const cpu = this.cpu;
    cpu.writePhys(ifsPa(0) + CLR, 4, irqBit(0));
    this.update();
    let fired = 0;
    for (;;) {
      const rec = this.queue[0];
      if (rec === undefined || rec.lcount > this.lcount) break;
      this.unlink(rec);
      fired++;
      if (rec.period > 0) {
        let next = rec.lcount + rec.period;
        while (next <= this.lcount) { next += rec.period; rec.missed++; }
        this.insertQuiet(rec, next);
      }
      if (rec.kind === TIMER_TICK) client.onTick();
      else if (rec.kind === TIMER_FUNC) client.onPrintTimer();
      else client.onGuestTimer(rec.tid);
    }
    if (fired === 0) this.earlyReported = true;
    this.program();
  }

  /** Root Compare ← head deadline, clamped to [now + 100, now + 2^30] counts. */
  program(): void {
    const cpu = this.cpu;
    const now = cpu.mfc0(C0.COUNT) >>> 0;
    const head = this.queue[0];
    let delta = MAX_COMPARE_AHEAD;
    if (head !== undefined) {
      const nowL = TimeKeeper.extend(this.lcount, now);
      delta = Math.min(MAX_COMPARE_AHEAD, Math.max(MIN_COMPARE_AHEAD, head.lcount - nowL));
    }
    cpu.mtc0(C0.COMPARE, (now + delta) | 0);
  }

  /** True when the root Count matched Compare (a real core-timer interrupt, §10.1). */
  timerPending(): boolean {
    return (this.cpu.mfc0(C0.CAUSE) & CA_TI) !== 0;
  }

  private insertQuiet(rec: TimerRecord, lcount: number): void {
    rec.lcount = lcount;
    const q = this.queue;
    let i = q.length;
    q.push(rec);
    while (i > 0 && q[i - 1]!.lcount > lcount) { q[i] = q[i - 1]!; i--; }
    q[i] = rec;
    rec.active = true;
  }

  private unlink(rec: TimerRecord): void {
    const q = this.queue;
    const i = q.indexOf(rec);
    if (i >= 0) {
      for (let k = i; k + 1 < q.length; k++) q[k] = q[k + 1]!;
      q.pop();
    }
    rec.active = false;
  }
}

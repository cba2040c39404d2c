/**
 * Deadman timer at 0x1F800A00 (pic32mz-ef.md §5): enabled by DEVCFG1.FDMTEN or DMTCON.ON, counts
 * PBCLK7 clocks up to 2^(8+DMTCNT), cleared by STEP1 = 0x40 in DMTPRECLR then STEP2 = 0x08 in
 * DMTCLR inside the window; a wrong step or an expiry is a DMT event, which resets the chip.
 */
import { CPU_HZ, Timer, type Clock } from '../sim/clock.ts';
import type { Devcfg } from './devcfg.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

export const DMT_BASE = 0x1f800a00;
export const DMT_SIZE = 0x200;
export const DMT_STEP1 = 0x40;
export const DMT_STEP2 = 0x08;
/**
 * A DMT event resets the chip. [unverified] Silicon raises an NMI (RNMICON.DMTO) that ends in a
 * reset; the model goes straight to the reset.
 */
export const DMT_EVENT_RESETS = true;

const DMTCON_ON = 1 << 15;
const STAT_BAD1 = 1 << 7;
const STAT_BAD2 = 1 << 6;
const STAT_EVENT = 1 << 5;
const STAT_WINOPN = 1 << 0;

export class Dmt {
  readonly regs: RegFile;
  onTimeout: (() => void) | null = null;
  private readonly con: Reg;
  private readonly preclr: Reg;
  private readonly stat: Reg;
  private readonly timer: Timer;
  private devcfg: Devcfg | null = null;
  private start = 0;

  constructor(
    private readonly clock: Clock,
    /** PBCLK7 in Hz. */
    private readonly pbclk7Hz: () => number,
    trace: SfrTrace,
  ) {
    this.timer = new Timer('dmt', () => this.event());
    const rf = new RegFile('DMT', DMT_BASE, DMT_SIZE, trace);
    this.regs = rf;
    this.con = rf.add({ off: 0x00, name: 'DMTCON', sci: false, wmask: DMTCON_ON, write: (r, old) => {
      r.value |= old & DMTCON_ON; // once on, it stays on
      if (!(old & DMTCON_ON) && r.value & DMTCON_ON) this.restart();
    } });
    this.preclr = rf.add({ off: 0x10, name: 'DMTPRECLR', sci: false, wmask: 0xff00, write: (r) => this.step1(r) });
    rf.add({ off: 0x20, name: 'DMTCLR', sci: false, raw: true, write: (_r, _o, _op, data) => this.step2(data & 0xff) });
    this.stat = rf.add({ off: 0x30, name: 'DMTSTAT', sci: false, wmask: 0, read: (r) => r.value | (this.windowOpen() ? STAT_WINOPN : 0) });
    rf.add({ off: 0x40, name: 'DMTCNT', sci: false, wmask: 0, read: () => this.count() });
    rf.add({ off: 0x60, name: 'DMTPSCNT', sci: false, wmask: 0, read: () => this.limit() });
    rf.add({ off: 0x70, name: 'DMTPSINTV', sci: false, wmask: 0, read: () => this.windowStart() });
  }

  get running(): boolean {
    return (this.devcfg?.fdmten ?? false) || (this.con.value & DMTCON_ON) !== 0;
  }

  /** DMT counts until the event. */
  limit(): number {
    return 2 ** (8 + Math.min(this.devcfg?.dmtcnt ?? 0, 23));
  }

  reset(devcfg: Devcfg): void {
    this.devcfg = devcfg;
    this.regs.reset();
    this.restart();
  }

  private cyclesPerCount(): number {
    const hz = this.pbclk7Hz();
    return hz > 0 ? CPU_HZ / hz : Infinity;
  }

  private count(): number {
    if (!this.running) return 0;
    return Math.min(this.limit(), Math.floor((this.clock.now - this.start) / this.cyclesPerCount()));
  }

  /** Count from which a clear is accepted (DMTINTV: window of the last 1/2 .. 1/128, or always). */
  private windowStart(): number {
    const intv = this.devcfg?.dmtintv ?? 0;
    return intv === 0 ? 0 : Math.floor(this.limit() * (1 - 1 / 2 ** intv));
  }

  private windowOpen(): boolean {
    return this.count() >= this.windowStart();
  }

  private step1(r: Reg): void {
    if ((r.value >>> 8) !== DMT_STEP1) {
      this.stat.value |= STAT_BAD1;
      this.event();
    }
  }

  private step2(v: number): void {
    const armed = (this.preclr.value >>> 8) === DMT_STEP1;
    this.preclr.value = 0;
    if (!armed || v !== DMT_STEP2 || !this.windowOpen()) {
      this.stat.value |= STAT_BAD2;
      this.event();
      return;
    }
    this.restart();
  }

  private restart(): void {
    this.start = this.clock.now;
    if (this.running) this.clock.schedule(this.timer, Math.ceil(this.start + this.limit() * this.cyclesPerCount()));
    else this.clock.cancel(this.timer);
  }

  private event(): void {
    if (!this.running) return;
    this.stat.value |= STAT_EVENT;
    if (DMT_EVENT_RESETS) this.onTimeout?.();
  }
}

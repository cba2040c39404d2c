/**
 * EVIC, the PIC32MZ EF interrupt controller at 0x1F810000 (pic32mz-ef.md §6): INTCON, PRISS,
 * INTSTAT, IPTMR, IFS0-6, IEC0-6, IPC0-53, OFF000-213. It presents the best pending and enabled
 * request to the core through the EIC interface (src/mips/eic.ts) and takes the core's timer
 * and software interrupt outputs back in as IRQ 0/1/2.
 */
import { Timer, type Clock } from '../sim/clock.ts';
import type { EicPort, IrqSink } from '../mips/eic.ts';
import { IRQ, IRQ_COUNT, irqExists } from './irqs.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

/** Physical base of the EVIC registers. */
export const EVIC_BASE = 0x1f810000;
export const EVIC_SIZE = 0x1000;

/**
 * In single-vector mode (INTCON.MVEC=0) every interrupt enters at EBase + 0x200: the EVIC
 * presents this fixed offset instead of an OFFx value. tinyVP relies on this (runtime §2.3:
 * "single-vector mode, so every root interrupt enters at EBase+0x200", OFF registers left 0).
 */
export const SINGLE_VECTOR_OFFSET = 0x200;

/**
 * The core's Cause.TI and Cause.IP1:0 set IFS0 bits 0/1/2 on their rising edge only. A level
 * model would re-set CTIF as soon as software acknowledges it before rewriting Compare, which
 * tinyVP's root timer handler does (runtime §6.2), and it reports a spurious entry only when
 * guests play with Compare, so silicon latches the edge.
 */
export const CORE_SIGNALS_EDGE_TRIGGERED = true;

/** Number of shadow register sets; PRISS fields select 0..7 (values 8-15 are reserved and use set 0). */
export const SHADOW_SETS = 8;

/** One interrupt request line into the EVIC, as a peripheral sees it. */
export interface IrqLine {
  readonly irq: number;
  /** An event: latch the IFS flag (and tell DMA start/abort triggers). */
  raise(): void;
  /**
   * A persistent condition: while true the flag is set again as soon as software clears it.
   * It only latches the flag; events for DMA triggers come from `raise`.
   */
  set(level: boolean): void;
}

const INTCON_MVEC = 1 << 12;
const INTCON_WMASK = 0x0000171f;
const PRISS_WMASK = 0xfffffff1;
const IPC_WMASK = 0x1f1f1f1f;
const OFF_WMASK = 0x0003fffe;
const IFS_WORDS = 7;

class EvicLine implements IrqLine {
  constructor(
    private readonly evic: Evic,
    readonly irq: number,
  ) {}

  raise(): void {
    this.evic.raise(this.irq);
  }

  set(level: boolean): void {
    this.evic.setLevel(this.irq, level);
  }
}

export class Evic implements EicPort {
  ripl = 0;
  offset = 0;
  vector = 0;
  srs = 0;
  /** The core; told whenever ripl/offset/vector/srs may have changed. */
  irqSink: IrqSink | null = null;
  /** Called for every hardware interrupt event (DMA start and abort triggers listen here). */
  onEvent: ((irq: number) => void) | null = null;
  /** Called when software writes INTCON.NMIKEY = 0x4E (a software NMI request). */
  onNmi: (() => void) | null = null;

  readonly regs: RegFile;
  private readonly intcon: Reg;
  private readonly priss: Reg;
  private readonly iptmr: Reg;
  private readonly ifs: Reg[] = [];
  private readonly iec: Reg[] = [];
  private readonly ipc: Reg[] = [];
  private readonly off: Reg[] = [];
  /** Persistent (level) requests, one bit per IRQ. */
  private readonly level = new Uint32Array(IFS_WORDS);
  private coreTimer = false;
  private coreSw = 0;
  private readonly extLevel = [false, false, false, false, false];
  private lastIrq = 0;
  private lastRipl = 0;
  /** Proximity timer: requests at priority <= TPC are held until it expires. */
  private readonly proxTimer: Timer;
  private proxHolding = false;
  private proxReleased = false;

  constructor(
    private readonly clock: Clock,
    trace: SfrTrace,
  ) {
    this.proxTimer = new Timer('evic-proximity', () => this.proximityExpired());
    const rf = new RegFile('EVIC', EVIC_BASE, EVIC_SIZE, trace);
    this.regs = rf;
    const changed = (): void => this.update();
    this.intcon = rf.add({ off: 0x000, name: 'INTCON', wmask: INTCON_WMASK | 0xff000000, write: (r) => this.intconWritten(r) });
    this.priss = rf.add({ off: 0x010, name: 'PRISS', wmask: PRISS_WMASK, write: changed });
    rf.add({ off: 0x020, name: 'INTSTAT', wmask: 0, read: () => (this.lastRipl << 8) | this.lastIrq });
    this.iptmr = rf.add({ off: 0x030, name: 'IPTMR' });
    for (let n = 0; n < IFS_WORDS; n++) {
      const mask = existMask(n);
      this.ifs.push(rf.add({ off: 0x040 + 0x10 * n, name: `IFS${n}`, wmask: mask, write: (r) => this.ifsWritten(n, r) }));
      this.iec.push(rf.add({ off: 0x0c0 + 0x10 * n, name: `IEC${n}`, wmask: mask, write: changed }));
    }
    for (let n = 0; n < 54; n++) this.ipc.push(rf.add({ off: 0x140 + 0x10 * n, name: `IPC${n}`, wmask: IPC_WMASK, write: changed }));
    for (let k = 0; k < IRQ_COUNT; k++) {
      this.off.push(rf.add({ off: 0x540 + 4 * k, name: `OFF${String(k).padStart(3, '0')}`, sci: false,
        wmask: irqExists(k) ? OFF_WMASK : 0, write: changed }));
    }
  }

  /** A line for one IRQ, for a peripheral to hold. */
  line(irq: number): IrqLine {
    return new EvicLine(this, irq);
  }

  /** Latches the flag of `irq` (a hardware event). */
  raise(irq: number): void {
    if (!irqExists(irq)) return;
    const w = irq >>> 5;
    this.ifs[w]!.value = (this.ifs[w]!.value | (1 << (irq & 31))) >>> 0;
    if (this.onEvent !== null) this.onEvent(irq);
    this.update();
  }

  /** Sets or clears a persistent request; see IrqLine.set. */
  setLevel(irq: number, on: boolean): void {
    if (!irqExists(irq)) return;
    const w = irq >>> 5;
    const b = 1 << (irq & 31);
    const was = (this.level[w]! & b) !== 0;
    if (on === was) return;
    if (!on) {
      this.level[w] = this.level[w]! & ~b;
      return;
    }
    this.level[w] = this.level[w]! | b;
    this.ifs[w]!.value = (this.ifs[w]!.value | b) >>> 0;
    this.update();
  }

  /** IFS bit of `irq`. */
  flag(irq: number): boolean {
    return (this.ifs[irq >>> 5]!.value & (1 << (irq & 31))) !== 0;
  }

  /** IEC bit of `irq`. */
  enabled(irq: number): boolean {
    return (this.iec[irq >>> 5]!.value & (1 << (irq & 31))) !== 0;
  }

  /** IPC priority (0..7) of `irq`. */
  priority(irq: number): number {
    return (this.ipcField(irq) >>> 2) & 7;
  }

  /** OFFx value of `irq`. */
  vectorOffset(irq: number): number {
    return this.off[irq]!.value;
  }

  coreSignals(timer: boolean, sw: number): void {
    const rising = timer && !this.coreTimer;
    const swRising = sw & ~this.coreSw;
    this.coreTimer = timer;
    this.coreSw = sw & 3;
    if (rising) this.raise(IRQ.CORE_TIMER);
    if (swRising & 1) this.raise(IRQ.CORE_SW0);
    if (swRising & 2) this.raise(IRQ.CORE_SW1);
  }

  /** Level of external interrupt pin INTn (0..4); the edge selected by INTCON.INTnEP raises it. */
  externalInput(n: number, level: boolean): void {
    const was = this.extLevel[n];
    if (was === undefined || was === level) return;
    this.extLevel[n] = level;
    const risingEdge = (this.intcon.value >>> n) & 1;
    if (level === (risingEdge === 1)) this.raise(IRQ.EXTERNAL[n]!);
  }

  reset(): void {
    this.regs.reset();
    this.level.fill(0);
    this.coreTimer = false;
    this.coreSw = 0;
    this.extLevel.fill(false);
    this.lastIrq = 0;
    this.lastRipl = 0;
    this.clock.cancel(this.proxTimer);
    this.proxHolding = false;
    this.proxReleased = false;
    this.update();
  }

  private ipcField(irq: number): number {
    return (this.ipc[irq >>> 2]!.value >>> ((irq & 3) << 3)) & 0x1f;
  }

  private intconWritten(r: Reg): void {
    // NMIKEY reads back 0; writing 0x4E to it requests an NMI.
    if (r.value >>> 24 === 0x4e && this.onNmi !== null) this.onNmi();
    r.value &= INTCON_WMASK;
    this.update();
  }

  private ifsWritten(n: number, r: Reg): void {
    r.value = (r.value | this.level[n]!) >>> 0;
    this.update();
  }

  /** Recomputes the request presented to the core. */
  private update(): void {
    const tpc = (this.intcon.value >>> 8) & 7;
    let best = -1;
    let bestKey = 0;
    let heldLow = false;
    for (let w = 0; w < IFS_WORDS; w++) {
      let bits = (this.ifs[w]!.value & this.iec[w]!.value) >>> 0;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits = (bits & (bits - 1)) >>> 0;
        const irq = (w << 5) | b;
        const f = this.ipcField(irq);
        const ip = f >>> 2;
        if (ip === 0) continue;
        if (ip <= tpc) {
          heldLow = true;
          if (this.proxHolding || !this.proxReleased) continue;
        }
        // Higher priority, then higher sub-priority; equal keys keep the lower IRQ (natural order).
        if (f > bestKey) {
          bestKey = f;
          best = irq;
        }
      }
    }
    if (this.proximity(heldLow, tpc)) return;
    this.present(best, bestKey >>> 2);
  }

  /** Runs the proximity timer; returns true if it restarted the decision. */
  private proximity(heldLow: boolean, tpc: number): boolean {
    if (tpc === 0 || !heldLow) {
      if (this.proxHolding || this.proxReleased) {
        this.clock.cancel(this.proxTimer);
        this.proxHolding = false;
        this.proxReleased = false;
      }
      return false;
    }
    if (this.proxHolding || this.proxReleased) return false;
    const delay = this.iptmr.value >>> 0;
    if (delay === 0) {
      this.proxReleased = true;
      this.update();
      return true;
    }
    // IPTMR counts SYSCLK cycles, which are core cycles.
    this.proxHolding = true;
    this.clock.after(this.proxTimer, delay);
    return false;
  }

  private proximityExpired(): void {
    this.proxHolding = false;
    this.proxReleased = true;
    this.update();
  }

  private present(irq: number, ripl: number): void {
    let offset = 0;
    let srs = 0;
    const mvec = (this.intcon.value & INTCON_MVEC) !== 0;
    if (irq >= 0) {
      offset = mvec ? this.off[irq]!.value : SINGLE_VECTOR_OFFSET;
      const ss = mvec ? (this.priss.value >>> (ripl << 2)) & 0xf : this.priss.value & 1;
      srs = ss < SHADOW_SETS ? ss : 0;
      this.lastIrq = irq;
      this.lastRipl = ripl;
    } else {
      irq = 0;
      ripl = 0;
    }
    if (ripl === this.ripl && irq === this.vector && offset === this.offset && srs === this.srs) return;
    this.ripl = ripl;
    this.vector = irq;
    this.offset = offset;
    this.srs = srs;
    if (this.irqSink !== null) this.irqSink.irqChanged();
  }
}

/** IFS/IEC writable bits of word `n`: only IRQs that exist. */
function existMask(n: number): number {
  let m = 0;
  for (let b = 0; b < 32; b++) if (irqExists(n * 32 + b)) m |= 1 << b;
  return m >>> 0;
}

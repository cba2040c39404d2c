/**
 * DMA controller at 0x1F811000 with 8 channels (pic32mz-ef.md §11): DMACON/DMASTAT/DMAADDR, the
 * CRC registers (held, no CRC engine), and per channel DCHxCON/ECON/INT/SSA/DSA/SSIZ/DSIZ/SPTR/
 * DPTR/CSIZ/CPTR/DAT. Cells start on CFORCE or on the channel's start IRQ, take virtual time,
 * and move data through the controller's own bus port (initiator 'dma') at physical addresses.
 */
import { Timer, type Clock } from '../sim/clock.ts';
import type { AccessSize } from '../mips/bus.ts';
import type { BusPort } from './bus.ts';
import type { IrqLine } from './evic.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

export const DMA_BASE = 0x1f811000;
export const DMA_SIZE = 0x1000;
export const DMA_CHANNELS = 8;
/**
 * Core cycles per byte moved: a 32-bit word costs a read and a write of two system-bus cycles
 * each, so 4 cycles per word. [unverified] No datasheet figure was found.
 */
export const DMA_CYCLES_PER_BYTE = 1;
/** A size register of 0 means 65536 bytes. [unverified] */
export const DMA_SIZE_ZERO_BYTES = 65536;

const DMACON_ON = 1 << 15;
const DMACON_SUSPEND = 1 << 12;
const DMACON_BUSY = 1 << 11;
const CON_CHBUSY = 1 << 15;
const CON_CHPATLEN = 1 << 11;
const CON_CHCHNS = 1 << 8;
const CON_CHEN = 1 << 7;
const CON_CHAED = 1 << 6;
const CON_CHCHN = 1 << 5;
const CON_CHAEN = 1 << 4;
const CON_CHEDET = 1 << 2;
const CON_WMASK = 0xff002bf3;
const ECON_CFORCE = 1 << 7;
const ECON_CABORT = 1 << 6;
const ECON_PATEN = 1 << 5;
const ECON_SIRQEN = 1 << 4;
const ECON_AIRQEN = 1 << 3;
/** DCHxINT flags. */
export const CHSDIF = 1 << 7;
export const CHSHIF = 1 << 6;
export const CHDDIF = 1 << 5;
export const CHDHIF = 1 << 4;
export const CHBCIF = 1 << 3;
export const CHCCIF = 1 << 2;
export const CHTAIF = 1 << 1;
export const CHERIF = 1 << 0;

class Channel {
  con!: Reg;
  econ!: Reg;
  int!: Reg;
  ssa!: Reg;
  dsa!: Reg;
  ssiz!: Reg;
  dsiz!: Reg;
  sptr!: Reg;
  dptr!: Reg;
  csiz!: Reg;
  cptr!: Reg;
  dat!: Reg;
  /** A start event is waiting for the engine. */
  pending = false;
  /** Bytes moved in the current block. */
  progress = 0;
  /** Bytes of the cell in flight. */
  cell = 0;
  /** Previous byte, for two-byte pattern matching. */
  lastByte = -1;

  constructor(
    readonly n: number,
    readonly irq: IrqLine,
  ) {}
}

function sizeOf(r: Reg): number {
  return (r.value & 0xffff) === 0 ? DMA_SIZE_ZERO_BYTES : r.value & 0xffff;
}

export class Dma {
  readonly regs: RegFile;
  readonly channels: Channel[] = [];
  private readonly dmacon: Reg;
  private readonly dmastat: Reg;
  private readonly dmaaddr: Reg;
  private readonly timer: Timer;
  private active: Channel | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly port: BusPort,
    irqs: readonly IrqLine[],
    trace: SfrTrace,
  ) {
    this.timer = new Timer('dma', (at) => this.cellDone(at));
    const rf = new RegFile('DMA', DMA_BASE, DMA_SIZE, trace);
    this.regs = rf;
    this.dmacon = rf.add({ off: 0x00, name: 'DMACON', wmask: DMACON_ON | DMACON_SUSPEND,
      read: (r) => r.value | (this.active !== null ? DMACON_BUSY : 0), write: (r, old) => this.dmaconWritten(r.value, old) });
    this.dmastat = rf.add({ off: 0x10, name: 'DMASTAT', wmask: 0 });
    this.dmaaddr = rf.add({ off: 0x20, name: 'DMAADDR', wmask: 0 });
    // XXX: the CRC engine is not modelled; DCRCCON/DATA/XOR only hold what is written.
    rf.add({ off: 0x30, name: 'DCRCCON', wmask: 0x39001fe7 });
    rf.add({ off: 0x40, name: 'DCRCDATA' });
    rf.add({ off: 0x50, name: 'DCRCXOR' });
    for (let n = 0; n < DMA_CHANNELS; n++) this.channels.push(this.addChannel(rf, n, irqs[n]!));
  }

  /** An interrupt event happened; channels started or aborted by it react. */
  irqEvent(irq: number): void {
    if (!this.regs.powered) return;
    for (const ch of this.channels) {
      const econ = ch.econ.value;
      if (econ & ECON_AIRQEN && ((econ >>> 16) & 0xff) === irq) this.abort(ch, true);
      else if (econ & ECON_SIRQEN && ((econ >>> 8) & 0xff) === irq) this.startEvent(ch);
    }
  }

  setPowered(on: boolean): void {
    this.regs.setPowered(on, () => this.reset());
  }

  reset(): void {
    this.regs.reset();
    this.clock.cancel(this.timer);
    this.active = null;
    for (const ch of this.channels) {
      ch.pending = false;
      ch.progress = 0;
      ch.cell = 0;
      ch.lastByte = -1;
      this.updateIrq(ch, 0);
    }
  }

  private addChannel(rf: RegFile, n: number, irq: IrqLine): Channel {
    const ch = new Channel(n, irq);
    const b = 0x60 + 0xc0 * n;
    const p = `DCH${n}`;
    ch.con = rf.add({ off: b, name: `${p}CON`, wmask: CON_WMASK, read: (r) => this.conValue(ch, r), write: (_r, old) => this.conWritten(ch, old) });
    ch.econ = rf.add({ off: b + 0x10, name: `${p}ECON`, wmask: 0x00fffff8, write: () => this.econWritten(ch) });
    ch.int = rf.add({ off: b + 0x20, name: `${p}INT`, wmask: 0x00ff00ff, write: (_r, old) => this.updateIrq(ch, old) });
    ch.ssa = rf.add({ off: b + 0x30, name: `${p}SSA` });
    ch.dsa = rf.add({ off: b + 0x40, name: `${p}DSA` });
    ch.ssiz = rf.add({ off: b + 0x50, name: `${p}SSIZ`, wmask: 0xffff });
    ch.dsiz = rf.add({ off: b + 0x60, name: `${p}DSIZ`, wmask: 0xffff });
    ch.sptr = rf.add({ off: b + 0x70, name: `${p}SPTR`, wmask: 0 });
    ch.dptr = rf.add({ off: b + 0x80, name: `${p}DPTR`, wmask: 0 });
    ch.csiz = rf.add({ off: b + 0x90, name: `${p}CSIZ`, wmask: 0xffff });
    ch.cptr = rf.add({ off: b + 0xa0, name: `${p}CPTR`, wmask: 0 });
    ch.dat = rf.add({ off: b + 0xb0, name: `${p}DAT`, wmask: 0xffff });
    return ch;
  }

  private conValue(ch: Channel, r: Reg): number {
    let v = r.value & ~(CON_CHBUSY | CON_CHEDET);
    if (r.value & CON_CHEN || this.active === ch) v |= CON_CHBUSY;
    if (ch.pending) v |= CON_CHEDET;
    return v >>> 0;
  }

  private conWritten(ch: Channel, old: number): void {
    const now = ch.con.value;
    if (!(old & CON_CHEN) && now & CON_CHEN) this.arbitrate(this.clock.now);
    // Disabling a channel drops a start that has not begun (unless events are kept, CHAED).
    if (old & CON_CHEN && !(now & CON_CHEN) && !(now & CON_CHAED)) ch.pending = false;
  }

  private econWritten(ch: Channel): void {
    const v = ch.econ.value;
    ch.econ.value = v & ~(ECON_CFORCE | ECON_CABORT);
    if (v & ECON_CABORT) this.abort(ch, false);
    if (v & ECON_CFORCE) this.startEvent(ch);
  }

  private startEvent(ch: Channel): void {
    const con = ch.con.value;
    if (!(con & CON_CHEN) && !(con & CON_CHAED)) return;
    ch.pending = true;
    this.arbitrate(this.clock.now);
  }

  /** Stops the channel and resets its pointers; an abort IRQ also flags CHTAIF and disables it. */
  private abort(ch: Channel, byIrq: boolean): void {
    if (this.active === ch) {
      this.clock.cancel(this.timer);
      this.active = null;
    }
    ch.pending = false;
    this.resetPointers(ch);
    if (byIrq) {
      ch.con.value &= ~CON_CHEN;
      this.setFlags(ch, CHTAIF);
    }
    this.arbitrate(this.clock.now);
  }

  /** Turning the controller off resets every channel's pointers (FRM DMA: ON = 0). */
  private dmaconWritten(now: number, old: number): void {
    if (old & DMACON_ON && !(now & DMACON_ON)) for (const ch of this.channels) this.resetPointers(ch);
    this.arbitrate(this.clock.now);
  }

  private resetPointers(ch: Channel): void {
    ch.sptr.value = 0;
    ch.dptr.value = 0;
    ch.cptr.value = 0;
    ch.progress = 0;
    ch.lastByte = -1;
  }

  /** Starts the best waiting cell: higher CHPRI first, then the lower channel number. */
  private arbitrate(at: number): void {
    if (this.active !== null || !this.regs.powered) return;
    const con = this.dmacon.value;
    if (!(con & DMACON_ON) || con & DMACON_SUSPEND) return;
    let best: Channel | null = null;
    for (const ch of this.channels) {
      if (!ch.pending || !(ch.con.value & CON_CHEN)) continue;
      if (best === null || (ch.con.value & 3) > (best.con.value & 3)) best = ch;
    }
    if (best === null) return;
    best.pending = false;
    const block = Math.max(sizeOf(best.ssiz), sizeOf(best.dsiz));
    best.cell = Math.min(sizeOf(best.csiz), block - best.progress);
    this.active = best;
    this.clock.schedule(this.timer, at + best.cell * DMA_CYCLES_PER_BYTE);
  }

  /** The cell's time is up: move its bytes and update the channel. */
  private cellDone(at: number): void {
    const ch = this.active;
    if (ch === null) return;
    this.active = null;
    this.transfer(ch);
    this.arbitrate(at);
  }

  private transfer(ch: Channel): void {
    const ssiz = sizeOf(ch.ssiz);
    const dsiz = sizeOf(ch.dsiz);
    const block = Math.max(ssiz, dsiz);
    let flags = 0;
    let left = ch.cell;
    while (left > 0) {
      const sp = ch.sptr.value;
      const dp = ch.dptr.value;
      const src = (ch.ssa.value + sp) >>> 0;
      const dst = (ch.dsa.value + dp) >>> 0;
      const size = this.unit(src, dst, left, ssiz - sp, dsiz - dp, ch);
      this.port.error = false;
      const v = this.port.read(src, size);
      if (this.port.error) return this.addressError(ch, src, true);
      this.port.write(dst, size, v);
      if (this.port.error) return this.addressError(ch, dst, false);
      flags |= crossed(sp, sp + size, ssiz, CHSHIF, CHSDIF) | crossed(dp, dp + size, dsiz, CHDHIF, CHDDIF);
      ch.sptr.value = (sp + size) % ssiz;
      ch.dptr.value = (dp + size) % dsiz;
      ch.cptr.value += size;
      ch.progress += size;
      left -= size;
      if (ch.econ.value & ECON_PATEN && this.patternMatch(ch, v, size)) {
        this.blockDone(ch, flags | CHCCIF | CHBCIF);
        return;
      }
    }
    flags |= CHCCIF;
    ch.cptr.value = 0;
    if (ch.progress >= block) this.blockDone(ch, flags | CHBCIF);
    else this.setFlags(ch, flags);
  }

  /** Access width for the next step: words where both sides allow it, bytes otherwise. */
  private unit(src: number, dst: number, left: number, srcLeft: number, dstLeft: number, ch: Channel): AccessSize {
    if (ch.econ.value & ECON_PATEN) return 1;
    const room = Math.min(left, srcLeft, dstLeft);
    if (room >= 4 && ((src | dst) & 3) === 0) return 4;
    if (room >= 2 && ((src | dst) & 1) === 0) return 2;
    return 1;
  }

  private patternMatch(ch: Channel, byte: number, _size: number): boolean {
    const pat = ch.dat.value & 0xffff;
    const prev = ch.lastByte;
    ch.lastByte = byte & 0xff;
    if (ch.con.value & CON_CHPATLEN) return prev >= 0 && ((prev | ((byte & 0xff) << 8)) === pat);
    return (byte & 0xff) === (pat & 0xff);
  }

  private blockDone(ch: Channel, flags: number): void {
    this.resetPointers(ch);
    if (!(ch.con.value & CON_CHAEN)) ch.con.value &= ~CON_CHEN;
    this.setFlags(ch, flags);
    for (const other of this.channels) {
      const c = other.con.value;
      if (!(c & CON_CHCHN)) continue;
      // CHCHNS = 0 chains from the channel above in number order (n-1), 1 from the one below (n+1).
      const from = c & CON_CHCHNS ? other.n + 1 : other.n - 1;
      if (from === ch.n) {
        other.con.value |= CON_CHEN;
        this.arbitrate(this.clock.now);
      }
    }
  }

  private addressError(ch: Channel, pa: number, read: boolean): void {
    this.dmastat.value = ((read ? 1 << 31 : 0) | ch.n) >>> 0;
    this.dmaaddr.value = pa >>> 0;
    ch.con.value &= ~CON_CHEN;
    ch.pending = false;
    this.resetPointers(ch);
    this.setFlags(ch, CHERIF);
  }

  private setFlags(ch: Channel, flags: number): void {
    const old = ch.int.value;
    ch.int.value = (old | flags) >>> 0;
    this.updateIrq(ch, old);
  }

  /** DMAn requests while any flag is set together with its enable. */
  private updateIrq(ch: Channel, old: number): void {
    const v = ch.int.value;
    const on = (v & (v >>> 16) & 0xff) !== 0;
    const fresh = (v & ~old & (v >>> 16) & 0xff) !== 0;
    if (fresh) ch.irq.raise();
    ch.irq.set(on);
  }
}

/** Half and done flags when a pointer moves from `a` to `b` in a buffer of `size`. */
function crossed(a: number, b: number, size: number, half: number, done: number): number {
  let f = 0;
  const h = size >>> 1;
  if (h > 0 && a < h && b >= h) f |= half;
  if (b >= size) f |= done;
  return f;
}

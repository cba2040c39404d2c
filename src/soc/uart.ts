/**
 * UART1-UART6 (pic32mz-ef.md §7): UxMODE, UxSTA, UxTXREG, UxRXREG, UxBRG with 8-deep TX and
 * RX FIFOs, baud timing from PBCLK2 in virtual time, TX/RX/fault interrupts per UTXISEL and
 * URXISEL, overrun and loopback. Host side: `onTx` sees every byte that leaves the TX pin;
 * `receive` and `queueInput` feed the RX pin.
 */
import { CPU_HZ, Timer, type Clock } from '../sim/clock.ts';
import type { IrqLine } from './evic.ts';
import { OP_WRITE, RegFile, type Reg, type SfrTrace } from './regs.ts';

/** Physical base of UART1; UARTn is at UART_BASE + UART_STRIDE * (n-1). */
export const UART_BASE = 0x1f822000;
export const UART_STRIDE = 0x200;

/** TX and RX FIFO depth. [unverified] The PIC32MZ FIFOs are 8 deep; the shift registers come on top. */
export const UART_FIFO_DEPTH = 8;

const MODE_ON = 1 << 15;
const MODE_LPBACK = 1 << 6;
const MODE_BRGH = 1 << 3;
const MODE_WMASK = 0x0000bbff;
const STA_UTXBRK = 1 << 11;
const STA_UTXEN = 1 << 10;
const STA_URXEN = 1 << 12;
const STA_UTXBF = 1 << 9;
const STA_TRMT = 1 << 8;
const STA_RIDLE = 1 << 4;
const STA_OERR = 1 << 1;
const STA_URXDA = 1 << 0;
/** ADM_EN, ADDR, UTXISEL, UTXINV, URXEN, UTXBRK, UTXEN, URXISEL, ADDEN, OERR. */
const STA_WMASK = 0x01fffce2;

/** Interrupt lines of one UART. */
export interface UartIrqs {
  fault: IrqLine;
  rx: IrqLine;
  tx: IrqLine;
}

export class Uart {
  readonly regs: RegFile;
  /** Called with each byte when its stop bit has been sent, and the cycle it completed. */
  onTx: ((byte: number, cycle: number) => void) | null = null;
  private readonly mode: Reg;
  private readonly sta: Reg;
  private readonly brg: Reg;
  private readonly txFifo = new Uint16Array(UART_FIFO_DEPTH);
  private txHead = 0;
  private txCount = 0;
  private readonly rxFifo = new Uint16Array(UART_FIFO_DEPTH);
  private rxHead = 0;
  private rxCount = 0;
  private lastRx = 0;
  private tsrBusy = false;
  private tsrData = 0;
  private rsrBusy = false;
  private readonly txTimer: Timer;
  private readonly rxTimer: Timer;
  /** Bytes the host typed that have not reached the RX FIFO yet. */
  private hostQueue: number[] = [];
  private hostHead = 0;
  /** Interrupt levels last reported, and whether an event was already raised since. */
  private txPrev = false;
  private rxPrev = false;
  private txRaised = false;
  private rxRaised = false;

  constructor(
    /** 1..6 */
    readonly n: number,
    private readonly clock: Clock,
    /** Current PBCLK2 frequency in Hz. */
    private readonly pbclkHz: () => number,
    private readonly irqs: UartIrqs,
    trace: SfrTrace,
  ) {
    const base = UART_BASE + UART_STRIDE * (n - 1);
    this.txTimer = new Timer(`uart${n}-tx`, (at) => this.txDone(at));
    this.rxTimer = new Timer(`uart${n}-rx`, (at) => this.rxDone(at));
    const rf = new RegFile(`UART${n}`, base, UART_STRIDE, trace);
    this.regs = rf;
    this.mode = rf.add({ off: 0x00, name: `U${n}MODE`, wmask: MODE_WMASK, write: (_r, old) => this.modeWritten(old) });
    this.sta = rf.add({ off: 0x10, name: `U${n}STA`, reset: STA_TRMT | STA_RIDLE, wmask: STA_WMASK,
      read: (r) => this.status(r), write: (r, old) => this.staWritten(r, old) });
    rf.add({ off: 0x20, name: `U${n}TXREG`, sci: false, raw: true, write: (_r, _o, op, data) => this.txWrite(op, data) });
    rf.add({ off: 0x30, name: `U${n}RXREG`, sci: false, wmask: 0, read: () => this.rxRead() });
    this.brg = rf.add({ off: 0x40, name: `U${n}BRG`, wmask: 0xffff });
  }

  /** Core cycles one frame takes at the current settings (start + data + parity + stop bits). */
  frameCycles(): number {
    const mode = this.mode.value;
    const pdsel = (mode >>> 1) & 3;
    const bits = 1 + (pdsel === 3 ? 9 : 8) + (pdsel === 1 || pdsel === 2 ? 1 : 0) + (mode & 1 ? 2 : 1);
    const div = (mode & MODE_BRGH ? 4 : 16) * ((this.brg.value & 0xffff) + 1);
    const hz = this.pbclkHz();
    if (hz <= 0) return Infinity;
    return Math.max(1, Math.round((bits * div * CPU_HZ) / hz));
  }

  /** Baud rate at the current settings. */
  baud(): number {
    return this.pbclkHz() / ((this.mode.value & MODE_BRGH ? 4 : 16) * ((this.brg.value & 0xffff) + 1));
  }

  /**
   * Puts one byte straight into the RX FIFO, as if it had just arrived. Returns false (and keeps
   * nothing) when the receiver is off, in overrun, or the FIFO is full; the host retries later.
   */
  receive(byte: number): boolean {
    if (!this.receiverOn() || this.rxCount >= UART_FIFO_DEPTH || this.sta.value & STA_OERR) return false;
    this.rxPush(byte & 0x1ff);
    this.updateIrqs();
    return true;
  }

  /**
   * Queues host input. Bytes go onto the RX line one frame time apart whenever the receiver is
   * on and its FIFO has room, so nothing is ever dropped.
   */
  queueInput(bytes: string | Iterable<number>): void {
    if (typeof bytes === 'string') for (let i = 0; i < bytes.length; i++) this.hostQueue.push(bytes.charCodeAt(i) & 0xff);
    else for (const b of bytes) this.hostQueue.push(b & 0x1ff);
    this.pumpRx(this.clock.now);
  }

  /** Host bytes still waiting to enter the FIFO. */
  get pendingInput(): number {
    return this.hostQueue.length - this.hostHead;
  }

  /** Bytes in the RX FIFO. */
  get rxLevel(): number {
    return this.rxCount;
  }

  /** True when the TX FIFO and shift register are empty. */
  get idle(): boolean {
    return !this.tsrBusy && this.txCount === 0;
  }

  /** PMD: a disabled UART is reset and its registers read 0. */
  setPowered(on: boolean): void {
    this.regs.setPowered(on, () => this.reset());
  }

  reset(): void {
    this.regs.reset();
    this.resetTx();
    this.resetRx();
    this.updateIrqs();
  }

  private on(): boolean {
    return this.regs.powered && (this.mode.value & MODE_ON) !== 0;
  }

  private receiverOn(): boolean {
    return this.on() && (this.sta.value & STA_URXEN) !== 0;
  }

  private status(r: Reg): number {
    let v = r.value & ~(STA_UTXBF | STA_TRMT | STA_RIDLE | STA_URXDA | 0xc);
    if (this.txCount >= UART_FIFO_DEPTH) v |= STA_UTXBF;
    if (this.idle) v |= STA_TRMT;
    if (!this.rsrBusy) v |= STA_RIDLE;
    if (this.rxCount > 0) v |= STA_URXDA;
    return v >>> 0;
  }

  private modeWritten(old: number): void {
    const now = this.mode.value;
    if (old & MODE_ON && !(now & MODE_ON)) {
      // Turning the module off resets both buffers and the shift registers.
      this.resetTx();
      this.resetRx();
    }
    this.kick(this.clock.now);
  }

  private staWritten(r: Reg, old: number): void {
    // OERR can only be cleared by software; clearing it empties the receive buffer.
    if (r.value & STA_OERR && !(old & STA_OERR)) r.value &= ~STA_OERR;
    if (old & STA_OERR && !(r.value & STA_OERR)) this.resetRx();
    if (old & STA_UTXEN && !(r.value & STA_UTXEN)) this.resetTx();
    this.kick(this.clock.now);
  }

  private txWrite(op: number, data: number): void {
    // TXREG has no aliases; a write while the transmitter is off or the FIFO is full is lost.
    if (op !== OP_WRITE || !this.on() || !(this.sta.value & STA_UTXEN)) return;
    if (this.txCount >= UART_FIFO_DEPTH) return;
    this.txFifo[(this.txHead + this.txCount) % UART_FIFO_DEPTH] = data & 0x1ff;
    this.txCount++;
    this.kick(this.clock.now);
  }

  private rxRead(): number {
    if (this.rxCount > 0) {
      this.lastRx = this.rxFifo[this.rxHead]!;
      this.rxHead = (this.rxHead + 1) % UART_FIFO_DEPTH;
      this.rxCount--;
      this.kick(this.clock.now);
    }
    return this.lastRx;
  }

  /** Starts whatever can start at cycle `at` and refreshes the interrupt lines. */
  private kick(at: number): void {
    this.startTx(at);
    this.pumpRx(at);
    this.updateIrqs();
  }

  private startTx(at: number): void {
    if (this.tsrBusy || this.txCount === 0 || !this.on()) return;
    if (!(this.sta.value & STA_UTXEN) || this.sta.value & STA_UTXBRK) return;
    const frame = this.frameCycles();
    if (frame === Infinity) return;
    this.tsrData = this.txFifo[this.txHead]!;
    this.txHead = (this.txHead + 1) % UART_FIFO_DEPTH;
    this.txCount--;
    this.tsrBusy = true;
    this.clock.schedule(this.txTimer, at + frame);
    // A slot freed up: that is a TX event for UTXISEL=00.
    this.txEvent();
  }

  private txDone(at: number): void {
    this.tsrBusy = false;
    const byte = this.tsrData;
    if (this.mode.value & MODE_LPBACK) this.wireIn(byte);
    else if (this.onTx !== null) this.onTx(byte, at);
    this.startTx(at);
    this.txEvent();
    this.updateIrqs();
  }

  /** Starts shifting in the next host byte if the line is free and the FIFO has room. */
  private pumpRx(at: number): void {
    if (this.rsrBusy || this.hostHead >= this.hostQueue.length) return;
    if (!this.receiverOn() || this.sta.value & STA_OERR || this.rxCount >= UART_FIFO_DEPTH) return;
    const frame = this.frameCycles();
    if (frame === Infinity) return;
    this.rsrBusy = true;
    this.clock.schedule(this.rxTimer, at + frame);
  }

  private rxDone(at: number): void {
    this.rsrBusy = false;
    // Host input is only taken off the queue once it fits, so it is never lost.
    if (this.receiverOn() && this.rxCount < UART_FIFO_DEPTH && !(this.sta.value & STA_OERR)) {
      this.wireIn(this.hostQueue[this.hostHead++]!);
      if (this.hostHead > 1024 && this.hostHead * 2 > this.hostQueue.length) {
        this.hostQueue = this.hostQueue.slice(this.hostHead);
        this.hostHead = 0;
      }
    }
    this.pumpRx(at);
    this.updateIrqs();
  }

  /** A complete frame arrived on the RX line. */
  private wireIn(byte: number): void {
    if (!this.receiverOn()) return;
    if (this.rxCount >= UART_FIFO_DEPTH || this.sta.value & STA_OERR) {
      this.sta.value |= STA_OERR;
      this.updateIrqs();
      return;
    }
    this.rxPush(byte);
  }

  private rxPush(byte: number): void {
    this.rxFifo[(this.rxHead + this.rxCount) % UART_FIFO_DEPTH] = byte;
    this.rxCount++;
    if (this.rxCond()) {
      this.irqs.rx.raise();
      this.rxRaised = true;
    }
  }

  private txEvent(): void {
    if (!this.txCond()) return;
    this.irqs.tx.raise();
    this.txRaised = true;
  }

  private txCond(): boolean {
    if (!this.on() || !(this.sta.value & STA_UTXEN)) return false;
    switch ((this.sta.value >>> 14) & 3) {
      case 0: return this.txCount < UART_FIFO_DEPTH;
      case 1: return this.idle;
      case 2: return this.txCount === 0;
      default: return false;
    }
  }

  private rxCond(): boolean {
    if (!this.receiverOn()) return false;
    switch ((this.sta.value >>> 6) & 3) {
      case 1: return this.rxCount >= UART_FIFO_DEPTH / 2;
      case 2: return this.rxCount >= (UART_FIFO_DEPTH * 3) / 4;
      default: return this.rxCount > 0;
    }
  }

  /** Drives the persistent levels; a level that rises without an event behind it is one. */
  private updateIrqs(): void {
    const tx = this.txCond();
    const rx = this.rxCond();
    if (tx && !this.txPrev && !this.txRaised) this.irqs.tx.raise();
    if (rx && !this.rxPrev && !this.rxRaised) this.irqs.rx.raise();
    this.txPrev = tx;
    this.rxPrev = rx;
    this.txRaised = false;
    this.rxRaised = false;
    this.irqs.tx.set(tx);
    this.irqs.rx.set(rx);
    const fault = this.on() && (this.sta.value & STA_OERR) !== 0;
    this.irqs.fault.set(fault);
  }

  private resetTx(): void {
    this.clock.cancel(this.txTimer);
    this.tsrBusy = false;
    this.txHead = 0;
    this.txCount = 0;
  }

  private resetRx(): void {
    this.clock.cancel(this.rxTimer);
    this.rsrBusy = false;
    this.rxHead = 0;
    this.rxCount = 0;
  }
}

/**
 * The root console's output channel (tinyvp-runtime.md §8.1): one byte ring drained into the
 * console UART's TX FIFO, continued from the UART TX interrupt (masked while the ring is empty,
 * because UTXISEL "all transmitted" is a level while the line is idle). Every '\n' is followed
 * by '\r'. Guests' console bytes and root messages share the ring in arrival order.
 *
 * Decisions: the original's synchronous prints (busy-waiting on UTXBF) go through the same ring,
 * so output order is program order (SYNC_PRINTS_BUFFERED); the ring detects overflow and counts
 * dropped bytes instead of overwriting (§13 item 25); guests see the ring's fill level as UTXBF
 * so a fast writer waits instead of losing output (see emulators/console.ts).
 */
import type { Cpu } from '../mips/cpu.ts';

/** Ring size (the original: 4096). */
export const OUTPUT_RING_BYTES = 16384;
export const SYNC_PRINTS_BUFFERED = true;

const MODE = 0x00, STA = 0x10, TXREG = 0x20;
const STA_UTXBF = 1 << 9;
/** Console UART set-up (§2.3): BRG 53, ON|WAKE|STSEL, UTXISEL=01|URXEN|UTXEN. */
export const CONSOLE_BRG = 53;
export const CONSOLE_MODE = 0x8081;
export const CONSOLE_STA = 0x5400;

export class ConsoleOutput {
  private readonly ring = new Uint8Array(OUTPUT_RING_BYTES);
  private head = 0;
  private count = 0;
  /** Bytes lost to a full ring. */
  dropped = 0;
  /** Bytes handed to the UART. */
  sent = 0;
  private txUnmasked = false;

  constructor(
    private readonly cpu: Cpu,
    /** Physical base of the console UART. */
    private readonly uart: number,
    /** IEC CLR/SET register addresses and bit of the console TX IRQ. */
    private readonly txIecClr: number,
    private readonly txIecSet: number,
    private readonly txIfsClr: number,
    private readonly txBit: number,
  ) {}

  /** uart_init: baud, 2 stop bits, TX interrupt when all is transmitted. */
  init(): void {
    const c = this.cpu;
    c.writePhys(this.uart + 0x40, 4, CONSOLE_BRG);
    c.writePhys(this.uart + MODE, 4, CONSOLE_MODE);
    c.writePhys(this.uart + STA, 4, CONSOLE_STA);
  }

  get free(): number {
    return OUTPUT_RING_BYTES - this.count;
  }

  get pending(): number {
    return this.count;
  }

  /** Appends one byte ('\n' becomes "\n\r"); true if it fit. */
  putByte(b: number): boolean {
    if (b === 10) {
      if (this.count + 2 > OUTPUT_RING_BYTES) { this.dropped += 2; return false; }
      this.push(10);
      this.push(13);
    } else {
      if (this.count >= OUTPUT_RING_BYTES) { this.dropped++; return false; }
      this.push(b & 0xff);
    }
    this.drain();
    return true;
  }

  print(s: string): void {
    for (let i = 0; i < s.length; i++) this.putByte(s.charCodeAt(i) & 0xff);
  }

  /** The EVIC was reprogrammed (boot masks every IRQ): forget the TX mask state, drain again. */
  restart(): void {
    this.txUnmasked = false;
    this.drain();
  }

  /** Console TX interrupt: mask and acknowledge, drain, unmask again while bytes remain. */
  txInterrupt(): void {
    this.mask();
    this.cpu.writePhys(this.txIfsClr, 4, this.txBit);
    this.drain();
  }

  /** Fills the TX FIFO while it has room; keeps the TX interrupt on while bytes remain. */
  drain(): void {
    const c = this.cpu;
    while (this.count > 0) {
      const sta = c.readPhys(this.uart + STA, 4);
      if (sta === undefined || sta & STA_UTXBF) break;
      c.writePhys(this.uart + TXREG, 4, this.ring[this.head]!);
      this.head = (this.head + 1) % OUTPUT_RING_BYTES;
      this.count--;
      this.sent++;
    }
    if (this.count > 0) this.unmask();
    else this.mask();
  }

  private push(b: number): void {
    this.ring[(this.head + this.count) % OUTPUT_RING_BYTES] = b;
    this.count++;
  }

  private unmask(): void {
    if (this.txUnmasked) return;
    this.txUnmasked = true;
    // The flag latched while the line was idle and masked; only a fresh "all sent" counts.
    this.cpu.writePhys(this.txIfsClr, 4, this.txBit);
    this.cpu.writePhys(this.txIecSet, 4, this.txBit);
  }

  private mask(): void {
    if (!this.txUnmasked) return;
    this.txUnmasked = false;
    this.cpu.writePhys(this.txIecClr, 4, this.txBit);
  }
}

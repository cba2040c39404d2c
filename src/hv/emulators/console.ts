/**
 * The shared console (tinyvp-runtime.md §8.4, §11.1): every VM sees its own UART registers on
 * the console UART's page. UxMODE and UxSTA are per VM; UxTXREG bytes of all VMs go to the one
 * root console in arrival order; UxRXREG reads the VM's 8-byte input ring. Console input goes
 * to one owner at a time: `^E` followed by a digit selects it (0 = root, whose bytes drive the
 * monitor). TX is "always empty": after every register write with UTXEN and ON set, the VM's
 * virtual TX IRQ is raised; received bytes raise its virtual RX IRQ.
 *
 * Fixes and decisions: reading RXREG with an empty ring returns the last byte and leaves the
 * ring alone (§13 item 19); `^E` followed by anything but a configured id's digit is consumed
 * with a BEL (§13 item 18); a VM sees UTXBF set and TRMT clear while the root console's output
 * ring is nearly full (CONSOLE_BACKPRESSURE_FREE), so a fast writer waits instead of losing
 * output; accesses of any size are accepted (values zero-extended).
 */
import type { Hypervisor } from '../hypervisor.ts';
import { CON_RING, type Thread } from '../thread.ts';
import { enforceIrq } from '../inject.ts';
import type { AccessSize, DeviceEmulator } from './emulator.ts';

const MODE_ON = 0x8000;
const STA_UTXEN = 0x400;
const STA_UTXBF = 0x200;
const STA_TRMT = 0x100;
const STA_URXDA = 0x1;
const ESCAPE = 0x05;
const BEL = 0x07;
/** Free bytes in the root output ring below which VMs see their transmitter busy. */
export const CONSOLE_BACKPRESSURE_FREE = 256;

export class ConsoleEmulator implements DeviceEmulator {
  readonly name = 'console';
  /** Thread that receives console input (0 = root). */
  inputOwner = 0;
  private escape = false;
  /** Last byte a VM read from RXREG, per thread. */
  private readonly lastRx = new Uint8Array(256);

  constructor(
    /** Console fault, RX and TX IRQ numbers (virtual, per VM). */
    private readonly rxIrq: number,
    private readonly txIrq: number,
  ) {}

  access(hv: Hypervisor, t: Thread, off: number, rpa: number, size: AccessSize, store: boolean, value: number): boolean {
    const reg = off & ~0xf, alias = off & 0xc;
    if (store) {
      if (reg === 0x00) t.conMode = op(t.conMode, alias, value);
      else if (reg === 0x10) t.conSta = op(t.conSta, alias, value);
      else if (reg === 0x20 && alias === 0) hv.out.putByte(value & 0xff);
      // RXREG, BRG and the rest: ignored
      if (t.conSta & STA_UTXEN && t.conMode & MODE_ON) this.raise(hv, t, this.txIrq);
      return true;
    }
    if ((reg === 0x00 || reg === 0x10) && alias !== 0) return false;
    if (reg === 0x00) { hv.emuValue = t.conMode; return true; }
    if (reg === 0x10) {
      let sta = (t.conSta & ~(STA_UTXBF | STA_URXDA)) | STA_TRMT;
      if (hv.out.free < CONSOLE_BACKPRESSURE_FREE) sta = (sta | STA_UTXBF) & ~STA_TRMT;
      if (t.conStart !== t.conEnd) sta |= STA_URXDA;
      hv.emuValue = sta >>> 0;
      return true;
    }
    if (reg === 0x30) {
      if (t.conStart !== t.conEnd) {
        this.lastRx[t.tid] = t.conRing[t.conStart]!;
        t.conStart = (t.conStart + 1) % CON_RING;
      }
      hv.emuValue = this.lastRx[t.tid]!;
      return true;
    }
    const v = hv.cpu.readPhys(rpa & ~3, 4);
    if (v === undefined) return false;
    hv.emuValue = size === 4 ? v : (v >>> (8 * (rpa & 3))) & (size === 2 ? 0xffff : 0xff);
    return true;
  }

  irqArrived(): boolean {
    return false;
  }

  /** ic-write hook: re-presents TX while enabled, or a still-pending RX. */
  icWrite(hv: Hypervisor, t: Thread, irq: number): void {
    if (t.conSta & STA_UTXEN && t.conMode & MODE_ON) this.raise(hv, t, this.txIrq);
    else if (irq === this.rxIrq) enforceIrq(hv, t, this.rxIrq);
  }

  /** One byte from the console UART (§8.4). */
  input(hv: Hypervisor, b: number): void {
    if (this.escape) {
      this.escape = false;
      const n = b - 0x30;
      if (n >= 0 && n <= 9 && (n === 0 || hv.thread(n)?.kind === 'vm')) this.inputOwner = n;
      else hv.out.putByte(BEL);
      return;
    }
    if ((b & 0x7f) === ESCAPE) { this.escape = true; return; }
    if (this.inputOwner === 0) { hv.monitor.key(b); return; }
    const t = hv.thread(this.inputOwner);
    if (t === null) return;
    const end = (t.conEnd + 1) % CON_RING;
    if (end === t.conStart) { hv.out.putByte(BEL); return; }
    t.conRing[t.conEnd] = b;
    t.conEnd = end;
    this.raise(hv, t, this.rxIrq);
  }

  private raise(hv: Hypervisor, t: Thread, irq: number): void {
    if (t.kind !== 'vm') return;
    t.vic[4 + (irq >>> 5)] = t.vic[4 + (irq >>> 5)]! | (1 << (irq & 31));
    enforceIrq(hv, t, irq);
  }
}

/** Plain write, CLR, SET, INV. */
function op(old: number, alias: number, v: number): number {
  switch (alias) {
    case 0x4: return (old & ~v) >>> 0;
    case 0x8: return (old | v) >>> 0;
    case 0xc: return (old ^ v) >>> 0;
    default: return v >>> 0;
  }
}

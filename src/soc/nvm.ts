/**
 * Flash controller (NVM) at 0x1F800600 (XC32 addresses; PIC32 FRM §52 behaviour): NVMCON,
 * NVMKEY, NVMADDR, NVMDATA0-3, NVMSRCADDR, NVMPWP, NVMBWP, NVMCON2. After the NVMKEY unlock,
 * setting WR runs a word, quad-word or row program, a page erase or a program-flash erase; the
 * operation takes virtual time, then WR clears and the flash-control interrupt (IRQ 167) fires.
 */
import { Timer, type Clock } from '../sim/clock.ts';
import type { PhysBus } from './bus.ts';
import type { IrqLine } from './evic.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

export const NVM_BASE = 0x1f800600;
export const NVM_SIZE = 0x100;
export const NVM_KEY1 = 0xaa996655;
export const NVM_KEY2 = 0x556699aa;
/** Row and page sizes of the EF flash. */
export const FLASH_ROW_BYTES = 2048;
export const FLASH_PAGE_BYTES = 16384;
/** Erased flash reads as ones. */
export const FLASH_ERASED_BYTE = 0xff;
/** Programming only clears bits, as on real flash: programming over data ANDs it. */
export const NVM_PROGRAM_ANDS = true;
/** Operation times in core cycles. [unverified] Figures of the order the datasheet gives. */
export const NVM_WORD_CYCLES = 20 * 200; // 20 us
export const NVM_QUAD_CYCLES = 20 * 200;
export const NVM_ROW_CYCLES = 1500 * 200; // 1.5 ms
export const NVM_PAGE_ERASE_CYCLES = 20_000 * 200; // 20 ms
export const NVM_BULK_ERASE_CYCLES = 80_000 * 200; // 80 ms
/** NVMPWP after reset: unlocked, nothing protected. */
export const NVMPWP_RESET = 0x80000000;
/** NVMBWP after reset: unlocked, every boot page of both aliases write-protected. [unverified] */
export const NVMBWP_RESET = 0x00009f9f;

const CON_WR = 1 << 15;
const CON_WREN = 1 << 14;
const CON_WRERR = 1 << 13;
const CON_WMASK = 0xe0cf;
const OP_NOP = 0;
const OP_WORD = 1;
const OP_QUAD = 2;
const OP_ROW = 3;
const OP_PAGE_ERASE = 4;
const OP_LOWER_ERASE = 5;
const OP_UPPER_ERASE = 6;
const OP_ALL_ERASE = 7;

/** A flash array the controller can program, as backing-store offset and physical address. */
export interface FlashArea {
  name: 'pfm' | 'bfm1' | 'bfm2';
  /** Physical address of the array itself (not its aliases). */
  pa: number;
  size: number;
  /** Host offset in the bus backing store. */
  off: number;
}

export class Nvm {
  readonly regs: RegFile;
  private readonly con: Reg;
  private readonly addr: Reg;
  private readonly data: Reg[] = [];
  private readonly srcaddr: Reg;
  private readonly pwp: Reg;
  private readonly bwp: Reg;
  private readonly timer: Timer;
  private keyStage = 0;

  constructor(
    private readonly clock: Clock,
    private readonly bus: PhysBus,
    private readonly areas: readonly FlashArea[],
    private readonly irq: IrqLine,
    trace: SfrTrace,
  ) {
    this.timer = new Timer('nvm', () => this.finish());
    const rf = new RegFile('NVM', NVM_BASE, NVM_SIZE, trace);
    this.regs = rf;
    this.con = rf.add({ off: 0x00, name: 'NVMCON', wmask: CON_WMASK, write: (r, old) => this.conWritten(r, old) });
    rf.add({ off: 0x10, name: 'NVMKEY', sci: false, raw: true, read: () => 0, write: (_r, _o, _op, d) => this.key(d) });
    this.addr = rf.add({ off: 0x20, name: 'NVMADDR' });
    for (let i = 0; i < 4; i++) this.data.push(rf.add({ off: 0x30 + 0x10 * i, name: `NVMDATA${i}`, sci: false }));
    this.srcaddr = rf.add({ off: 0x70, name: 'NVMSRCADDR', sci: false });
    // Protection registers can change only while their ULOCK bit is set; clearing it locks them.
    this.pwp = rf.add({ off: 0x80, name: 'NVMPWP', sci: false, reset: NVMPWP_RESET, wmask: 0x80ffffff,
      canWrite: () => (this.pwp.value & 0x80000000) !== 0 });
    this.bwp = rf.add({ off: 0x90, name: 'NVMBWP', reset: NVMBWP_RESET, wmask: 0x9f9f, write: (r, old) => {
      if (!(old & 0x8000)) r.value = (r.value & ~0x9f00) | (old & 0x9f00);
      if (!(old & 0x80)) r.value = (r.value & ~0x9f) | (old & 0x9f);
    } });
    // XXX: PFSWAP/BFSWAP and NVMCON2 are held but bank swapping is not modelled.
    rf.add({ off: 0xa0, name: 'NVMCON2', sci: false, wmask: 0xc0 });
  }

  get busy(): boolean {
    return (this.con.value & CON_WR) !== 0;
  }

  reset(): void {
    this.regs.reset();
    this.clock.cancel(this.timer);
    this.keyStage = 0;
  }

  setPowered(on: boolean): void {
    this.regs.powered = on;
  }

  private key(v: number): void {
    if (this.keyStage === 1 && v === NVM_KEY2) this.keyStage = 2;
    else this.keyStage = v === NVM_KEY1 ? 1 : 0;
  }

  private conWritten(r: Reg, old: number): void {
    let v = r.value;
    // WRERR can be cleared, never set by software; NVMOP is frozen while an operation runs.
    if (!(old & CON_WRERR)) v &= ~CON_WRERR;
    if (old & CON_WR) {
      r.value = ((v & ~0xf) | (old & 0xf) | CON_WR) >>> 0;
      return;
    }
    if (v & CON_WR) {
      const unlocked = this.keyStage === 2 && (old & CON_WREN) !== 0 && (v & CON_WREN) !== 0;
      this.keyStage = 0;
      if (!unlocked) v &= ~CON_WR;
    }
    r.value = v >>> 0;
    if (v & CON_WR) this.start();
  }

  private start(): void {
    const op = this.con.value & 0xf;
    const cycles = op === OP_WORD ? NVM_WORD_CYCLES : op === OP_QUAD ? NVM_QUAD_CYCLES : op === OP_ROW ? NVM_ROW_CYCLES
      : op === OP_PAGE_ERASE ? NVM_PAGE_ERASE_CYCLES : op >= OP_LOWER_ERASE && op <= OP_ALL_ERASE ? NVM_BULK_ERASE_CYCLES : 1;
    this.con.value &= ~CON_WRERR;
    this.clock.after(this.timer, cycles);
  }

  private finish(): void {
    const ok = this.perform(this.con.value & 0xf);
    this.con.value = ((this.con.value & ~CON_WR) | (ok ? 0 : CON_WRERR)) >>> 0;
    this.irq.raise();
  }

  private perform(op: number): boolean {
    const a = this.addr.value >>> 0;
    switch (op) {
      case OP_NOP: return true;
      case OP_WORD: return this.program(a, 4, (i) => this.data[0]!.value >>> (8 * i));
      case OP_QUAD: return this.program(a, 16, (i) => this.data[i >>> 2]!.value >>> (8 * (i & 3)));
      case OP_ROW: return this.programRow(a);
      case OP_PAGE_ERASE: return this.erase(a, FLASH_PAGE_BYTES);
      case OP_LOWER_ERASE:
      case OP_UPPER_ERASE:
      case OP_ALL_ERASE: return this.erasePfm(op);
      default: return false;
    }
  }

  /** The area and offset inside it of `len` bytes at `pa`, aligned to `len`, if writable. */
  private locate(pa: number, len: number): { area: FlashArea; rel: number } | null {
    if (pa % len !== 0) return null;
    const host = this.bus.hostOffset(pa);
    if (host < 0) return null;
    for (const area of this.areas) {
      if (host < area.off || host + len > area.off + area.size) continue;
      const rel = host - area.off;
      return this.protectedAt(area, rel) ? null : { area, rel };
    }
    return null;
  }

  private protectedAt(area: FlashArea, rel: number): boolean {
    if (area.name === 'pfm') return rel < (this.pwp.value & 0xffffff);
    const page = Math.floor(rel / FLASH_PAGE_BYTES);
    const bits = area.name === 'bfm1' ? (this.bwp.value >>> 8) & 0x1f : this.bwp.value & 0x1f;
    return page < 5 && ((bits >>> page) & 1) === 1;
  }

  private program(pa: number, len: number, byte: (i: number) => number): boolean {
    const at = this.locate(pa, len);
    if (at === null) return false;
    const u8 = this.bus.mem.u8;
    const off = at.area.off + at.rel;
    for (let i = 0; i < len; i++) u8[off + i] = NVM_PROGRAM_ANDS ? u8[off + i]! & byte(i) : byte(i);
    this.bus.memWritten(off, len);
    return true;
  }

  /** Row program reads the row from RAM at NVMSRCADDR (physical). */
  private programRow(pa: number): boolean {
    const src = this.bus.hostOffset(this.srcaddr.value >>> 0);
    if (src < 0 || this.bus.hostOffset((this.srcaddr.value + FLASH_ROW_BYTES - 1) >>> 0) !== src + FLASH_ROW_BYTES - 1) return false;
    const u8 = this.bus.mem.u8;
    return this.program(pa, FLASH_ROW_BYTES, (i) => u8[src + i]!);
  }

  private erase(pa: number, len: number): boolean {
    const at = this.locate(pa, len);
    if (at === null) return false;
    const off = at.area.off + at.rel;
    this.bus.mem.u8.fill(FLASH_ERASED_BYTE, off, off + len);
    this.bus.memWritten(off, len);
    return true;
  }

  /** Lower half, upper half or all of program flash; protected pages make it fail. */
  private erasePfm(op: number): boolean {
    const pfm = this.areas.find((a) => a.name === 'pfm');
    if (pfm === undefined) return false;
    const half = pfm.size / 2;
    const from = op === OP_UPPER_ERASE ? half : 0;
    const to = op === OP_LOWER_ERASE ? half : pfm.size;
    if (this.protectedAt(pfm, from)) return false;
    this.bus.mem.u8.fill(FLASH_ERASED_BYTE, pfm.off + from, pfm.off + to);
    this.bus.memWritten(pfm.off + from, to - from);
    return true;
  }
}

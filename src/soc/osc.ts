/**
 * Oscillator and reset block at 0x1F801200 (pic32mz-ef.md §5): OSCCON, OSCTUN, SPLLCON, RCON,
 * RSWRST, RNMICON, PWRCON, REFO1-4CON/TRIM, PB1-5/7/8DIV, SLEWCON, CLKSTAT, and the clock tree
 * they define (SYSCLK, PBCLKn, REFCLKOn) for the peripherals. Virtual time stays in 200 MHz
 * core cycles whatever SYSCLK is; only peripheral rates follow the tree.
 */
import type { Devcfg } from './devcfg.ts';
import { field, RegFile, type Reg, type SfrTrace } from './regs.ts';

export const OSC_BASE = 0x1f801200;
export const OSC_SIZE = 0x200;

/** Internal fast RC oscillator. */
export const FRC_HZ = 8_000_000;
/** Low-power RC oscillator (WDT clock). */
export const LPRC_HZ = 32_000;
/** Secondary oscillator crystal. */
export const SOSC_HZ = 32_768;

/** Why the chip reset; each sets its RCON bit. */
export type ResetKind = 'por' | 'mclr' | 'software' | 'wdt' | 'dmt';

export const RCON_POR = 1 << 0;
export const RCON_BOR = 1 << 1;
export const RCON_WDTO = 1 << 4;
export const RCON_DMTO = 1 << 5;
export const RCON_SWR = 1 << 6;
export const RCON_EXTR = 1 << 7;
const RCON_WMASK = 0x0c0002ff;

/** PBxDIV reset words: ON, PBDIVRDY, PBDIV = 1 (/2); PB7 (CPU, DMT) runs at /1. */
const PBDIV_RESET = [0, 0x8801, 0x8801, 0x8801, 0x8801, 0x8801, 0, 0x8800, 0x8801];
const PBDIV_ON = 1 << 15;
const PBDIV_RDY = 1 << 11;

const OSCCON_OSWEN = 1 << 0;
const OSCCON_SOSCEN = 1 << 1;
const OSCCON_CLKLOCK = 1 << 7;
/** FRCDIV, DRMEN, SLP2SPD, NOSC, CLKLOCK, SLPEN, CF, SOSCEN, OSWEN. */
const OSCCON_WMASK = 0x07a007bb;
const REFOCON_WMASK = 0x7fffba0f;
const REFOCON_ON = 1 << 15;
const REFOCON_ACTIVE = 1 << 8;
const REFOCON_DIVSWEN = 1 << 9;

export class Oscillator {
  readonly regs: RegFile;
  /** Called when any clock rate may have changed. */
  private readonly listeners: (() => void)[] = [];
  /** Called when software requests a reset (RSWRST.SWRST set, then RSWRST read). */
  onSoftwareReset: (() => void) | null = null;
  private readonly osccon: Reg;
  private readonly spllcon: Reg;
  private readonly rcon: Reg;
  private readonly pbdiv: (Reg | null)[] = [null];
  private readonly refocon: Reg[] = [];
  private readonly refotrim: Reg[] = [];
  private devcfg: Devcfg | null = null;

  constructor(
    /** Primary oscillator (crystal or EC input) frequency on the board. */
    readonly poscHz: number,
    /** SYSKEY unlocked: OSCCON, SPLLCON, PBxDIV, REFOx, RSWRST writes need it. */
    unlocked: () => boolean,
    trace: SfrTrace,
  ) {
    const rf = new RegFile('OSC', OSC_BASE, OSC_SIZE, trace);
    this.regs = rf;
    const canWrite = unlocked;
    const changed = (): void => this.changed();
    this.osccon = rf.add({ off: 0x00, name: 'OSCCON', wmask: OSCCON_WMASK, canWrite, write: (r, old) => this.oscconWritten(r, old) });
    rf.add({ off: 0x10, name: 'OSCTUN', wmask: 0x3f });
    this.spllcon = rf.add({ off: 0x20, name: 'SPLLCON', wmask: 0x077f07f7, canWrite, write: changed });
    this.rcon = rf.add({ off: 0x40, name: 'RCON', reset: RCON_POR | RCON_BOR, wmask: RCON_WMASK });
    rf.add({ off: 0x50, name: 'RSWRST', wmask: 1, canWrite, read: (r) => this.rswrstRead(r) });
    rf.add({ off: 0x60, name: 'RNMICON', wmask: 0x038bffff });
    rf.add({ off: 0x70, name: 'PWRCON', wmask: 0x1 });
    for (let i = 0; i < 4; i++) {
      this.refocon.push(rf.add({ off: 0x80 + 0x20 * i, name: `REFO${i + 1}CON`, wmask: REFOCON_WMASK, canWrite,
        read: (r) => (r.value & REFOCON_ON ? r.value | REFOCON_ACTIVE : r.value & ~REFOCON_ACTIVE) >>> 0,
        write: (r) => {
          r.value &= ~REFOCON_DIVSWEN; // the divider switch completes at once
          this.changed();
        } }));
      this.refotrim.push(rf.add({ off: 0x90 + 0x20 * i, name: `REFO${i + 1}TRIM`, wmask: 0xff800000, canWrite, write: changed }));
    }
    for (let n = 1; n <= 8; n++) {
      if (n === 6) {
        this.pbdiv.push(null);
        continue;
      }
      // PB1 is always on; the others can be switched off.
      const wmask = n === 1 ? 0x7f : PBDIV_ON | 0x7f;
      this.pbdiv.push(rf.add({ off: 0x100 + 0x10 * (n - 1), name: `PB${n}DIV`, reset: PBDIV_RESET[n]!, wmask, canWrite,
        read: (r) => r.value | PBDIV_RDY | (n === 1 ? PBDIV_ON : 0), write: changed }));
    }
    rf.add({ off: 0x1c0, name: 'SLEWCON', wmask: 0x000f0706 });
    rf.add({ off: 0x1d0, name: 'CLKSTAT', wmask: 0, read: () => this.clkstat() });
  }

  addListener(l: () => void): void {
    this.listeners.push(l);
  }

  /** Records an event in RCON without a reset (a WDT time-out that woke the core from sleep). */
  flagRcon(kind: ResetKind): void {
    this.rcon.value = (this.rcon.value | rconBit(kind)) >>> 0;
  }

  /** Resets the block from the configuration words; RCON keeps its history and gains `kind`. */
  reset(devcfg: Devcfg, kind: ResetKind): void {
    const rcon = this.rcon.value;
    this.devcfg = devcfg;
    this.regs.reset();
    const fnosc = devcfg.fnosc;
    this.osccon.value = (fnosc << 12) | (fnosc << 8) | (devcfg.fsoscen ? OSCCON_SOSCEN : 0);
    this.spllcon.value = (devcfg.fpllodiv << 24) | (devcfg.fpllmult << 16) | (devcfg.fpllidiv << 8) |
      (devcfg.fpllicklFrc ? 1 << 7 : 0) | devcfg.fpllrng;
    this.rcon.value = kind === 'por' ? RCON_POR | RCON_BOR : (rcon | rconBit(kind)) >>> 0;
    this.changed();
  }

  /** Current SYSCLK in Hz. */
  sysclkHz(): number {
    return this.sourceHz(field(this.osccon.value, 14, 12));
  }

  /** PBCLKn (1..8) in Hz, 0 when the bus clock is off. */
  pbclkHz(n: number): number {
    const r = this.pbdiv[n];
    if (r === undefined || r === null) return 0;
    if (n !== 1 && !(r.value & PBDIV_ON)) return 0;
    return this.sysclkHz() / ((r.value & 0x7f) + 1);
  }

  /** SOSC in Hz while OSCCON.SOSCEN is set, else 0. */
  soscHz(): number {
    return this.osccon.value & OSCCON_SOSCEN ? SOSC_HZ : 0;
  }

  /** System PLL output in Hz. */
  spllHz(): number {
    const v = this.spllcon.value;
    const input = v & (1 << 7) ? FRC_HZ : this.poscHz;
    const odiv = [2, 2, 4, 8, 16, 32, 32, 32][field(v, 26, 24)]!;
    return (input / (field(v, 10, 8) + 1)) * (field(v, 22, 16) + 1) / odiv;
  }

  /** REFCLKOn (1..4) in Hz, 0 when off. */
  refoHz(n: number): number {
    const con = this.refocon[n - 1]!.value;
    if (!(con & REFOCON_ON)) return 0;
    const sel = con & 0xf;
    const src = [this.sysclkHz(), this.pbclkHz(1), this.posc(), FRC_HZ, LPRC_HZ, this.soscHz(), 0, this.spllHz()][sel] ?? 0;
    const div = field(con, 30, 16) + (this.refotrim[n - 1]!.value >>> 23) / 512;
    return div === 0 ? src : src / (2 * div);
  }

  /** Oscillator selected by a NOSC/COSC code. */
  private sourceHz(code: number): number {
    switch (code) {
      case 1: return this.spllHz();
      case 2: return this.posc();
      case 4: return this.soscHz() || SOSC_HZ;
      case 5: return LPRC_HZ;
      case 7: {
        const d = field(this.osccon.value, 26, 24);
        return FRC_HZ / (d === 7 ? 256 : 1 << d);
      }
      default: return FRC_HZ; // 0 FRC, 6 backup FRC, 3 reserved
    }
  }

  private posc(): number {
    return this.devcfg !== null && this.devcfg.poscmod === 3 ? 0 : this.poscHz;
  }

  private oscconWritten(r: Reg, old: number): void {
    // NOSC and OSWEN are frozen while CLKLOCK is set.
    if (old & OSCCON_CLKLOCK) r.value = (r.value & ~0x701) | (old & 0x701);
    if (r.value & OSCCON_OSWEN) {
      // The switch completes at once when DEVCFG1.FCKSM allows switching.
      const nosc = field(r.value, 10, 8);
      if (this.devcfg?.clockSwitching) r.value = (r.value & ~0x7000) | (nosc << 12);
      r.value &= ~OSCCON_OSWEN;
    }
    r.value >>>= 0;
    this.changed();
  }

  private rswrstRead(r: Reg): number {
    const v = r.value;
    if (v & 1) {
      r.value = 0;
      if (this.onSoftwareReset !== null) this.onSoftwareReset();
    }
    return v;
  }

  private clkstat(): number {
    let v = 0x3; // FRCRDY, SPDIVRDY
    if (this.posc() > 0) v |= 1 << 2;
    if (this.soscHz() > 0) v |= 1 << 4;
    return v | (1 << 5); // LPRCRDY
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

function rconBit(kind: ResetKind): number {
  switch (kind) {
    case 'mclr': return RCON_EXTR;
    case 'software': return RCON_SWR;
    case 'wdt': return RCON_WDTO;
    case 'dmt': return RCON_DMTO;
    default: return RCON_POR | RCON_BOR;
  }
}

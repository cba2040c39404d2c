/**
 * Device configuration words DEVCFG0-3 (pic32mz-ef.md §2 and §5, XC32 configuration.data):
 * plain boot-flash words the chip samples at reset to pick its clock, watchdogs, ECC and locks.
 */
import { field } from './regs.ts';

/** Physical addresses of the words in the lower boot alias. */
export const DEVCFG3_PA = 0x1fc0ffc0;
export const DEVCFG2_PA = 0x1fc0ffc4;
export const DEVCFG1_PA = 0x1fc0ffc8;
export const DEVCFG0_PA = 0x1fc0ffcc;

/** DEVCFG0..DEVCFG3, in that order. */
export type DevcfgWords = readonly [number, number, number, number];

/**
 * Words programmed into a fresh part unless the image brings its own: the DM320007 board file's
 * set (example-guests.md §7.3): SPLL from a 24 MHz EC oscillator /3 x50 /2 = 200 MHz, WDT and
 * DMT off, ECC off and writable, MIPS32 boot ISA.
 */
export const DEFAULT_DEVCFG: DevcfgWords = [0xfffff7d7, 0x3f743839, 0xfff9b11a, 0xfeffffff];

/** The fields the model uses. */
export class Devcfg {
  constructor(readonly words: DevcfgWords) {}

  get cfg0(): number { return this.words[0] >>> 0; }
  get cfg1(): number { return this.words[1] >>> 0; }
  get cfg2(): number { return this.words[2] >>> 0; }
  get cfg3(): number { return this.words[3] >>> 0; }

  /** DEVCFG0.JTAGEN. */
  get jtagen(): boolean { return field(this.cfg0, 2, 2) === 1; }
  /** DEVCFG0.FECCCON: 00 ECC, 01 dynamic ECC, 10 off and locked, 11 off and writable. */
  get fecccon(): number { return field(this.cfg0, 9, 8); }
  /** DEVCFG0.BOOTISA: true = MIPS32, false = microMIPS. */
  get bootIsaMips32(): boolean { return field(this.cfg0, 6, 6) === 1; }

  /** DEVCFG1.FNOSC: initial oscillator (same codes as OSCCON.NOSC). */
  get fnosc(): number { return field(this.cfg1, 2, 0); }
  /** DEVCFG1.FSOSCEN. */
  get fsoscen(): boolean { return field(this.cfg1, 6, 6) === 1; }
  /** DEVCFG1.POSCMOD: 00 EC, 01 XT, 10 HS, 11 off. */
  get poscmod(): number { return field(this.cfg1, 9, 8); }
  /** DEVCFG1.FCKSM bit 14: clock switching enabled. */
  get clockSwitching(): boolean { return field(this.cfg1, 14, 14) === 1; }
  /** DEVCFG1.WDTPS: WDT postscaler exponent (period 2^WDTPS ms). */
  get wdtps(): number { return field(this.cfg1, 20, 16); }
  /** DEVCFG1.WINDIS: 1 = normal (non-window) watchdog. */
  get windis(): boolean { return field(this.cfg1, 22, 22) === 1; }
  /** DEVCFG1.FWDTEN: watchdog always on. */
  get fwdten(): boolean { return field(this.cfg1, 23, 23) === 1; }
  /** DEVCFG1.FWDTWINSZ: 11 = 25 %, 10 = 37.5 %, 01 = 50 %, 00 = 75 % window. */
  get fwdtwinsz(): number { return field(this.cfg1, 25, 24); }
  /** DEVCFG1.DMTCNT: deadman count 2^(8 + DMTCNT). */
  get dmtcnt(): number { return field(this.cfg1, 30, 26); }
  /** DEVCFG1.DMTINTV: deadman window interval code. */
  get dmtintv(): number { return field(this.cfg1, 5, 3); }
  /** DEVCFG1.FDMTEN: deadman timer always on. */
  get fdmten(): boolean { return field(this.cfg1, 31, 31) === 1; }

  /** DEVCFG2.FPLLIDIV (divider - 1). */
  get fpllidiv(): number { return field(this.cfg2, 2, 0); }
  /** DEVCFG2.FPLLRNG. */
  get fpllrng(): number { return field(this.cfg2, 6, 4); }
  /** DEVCFG2.FPLLICLK: true = FRC feeds the PLL. */
  get fpllicklFrc(): boolean { return field(this.cfg2, 7, 7) === 1; }
  /** DEVCFG2.FPLLMULT (multiplier - 1). */
  get fpllmult(): number { return field(this.cfg2, 14, 8); }
  /** DEVCFG2.FPLLODIV code. */
  get fpllodiv(): number { return field(this.cfg2, 18, 16); }

  /** DEVCFG3.IOL1WAY: IOLOCK may be cleared only once. */
  get iol1way(): boolean { return field(this.cfg3, 29, 29) === 1; }
  /** DEVCFG3.PMDL1WAY. */
  get pmdl1way(): boolean { return field(this.cfg3, 28, 28) === 1; }
  /** DEVCFG3.PGL1WAY. */
  get pgl1way(): boolean { return field(this.cfg3, 27, 27) === 1; }
}

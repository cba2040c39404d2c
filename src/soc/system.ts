/**
 * System configuration block at 0x1F800000 (pic32mz-ef.md §4, §13): CFGCON with its lock bits,
 * DEVID, the SYSKEY unlock sequence, PMD1-7 module disables, CFGEBIA/C and CFGPG (bus
 * permission groups for the System Bus Arbiter).
 */
import type { Devcfg } from './devcfg.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

export const SYSCFG_BASE = 0x1f800000;
export const SYSCFG_SIZE = 0x100;

/** The two SYSKEY words, in order, that unlock protected registers. */
export const SYSKEY_1 = 0xaa996655;
export const SYSKEY_2 = 0x556699aa;

/** DEVID values per part (pic32prog). */
export const DEVID_BY_VARIANT = { EFG100: 0x720e053, EFM144: 0x724f053, EFH064: 0x7209053 } as const;
/** Silicon revision in DEVID.VER; the spec's guest transcript shows `DEVID = 1720e053`. */
export const DEVID_VER = 1;

/** CFGCON bits software can change (DMAPRI .. TDOEN). */
const CFGCON_WMASK = 0x030339bd;
const CFGCON_IOLOCK = 1 << 13;
const CFGCON_PMDLOCK = 1 << 12;
const CFGCON_PGLOCK = 1 << 11;
const CFGCON_LOCKS = CFGCON_IOLOCK | CFGCON_PMDLOCK | CFGCON_PGLOCK;
const CFGCON_ECCCON = 0x30;
/** TDOEN reads 1 after reset. [unverified] */
const CFGCON_RESET_TDOEN = 1;
/** Implemented bits of PMD1..PMD7 (unimplemented bits read 0). */
export const PMD_MASKS = [0x00001001, 0x00000003, 0x01ff01ff, 0x000001ff, 0x311f3f3f, 0x10830f01, 0x00500010];
const CFGPG_WMASK = 0xc3f3f333;

export class SystemConfig {
  readonly regs: RegFile;
  /** Called after PMDn (1..7) changed, with the new value. */
  onPmd: ((n: number, value: number) => void) | null = null;
  /** Called after CFGPG changed. */
  onCfgpg: ((value: number) => void) | null = null;
  private readonly cfgcon: Reg;
  private readonly pmd: Reg[] = [];
  private readonly cfgpg: Reg;
  private stage = 0;
  private open = false;
  private devcfg: Devcfg | null = null;

  constructor(devid: number, trace: SfrTrace) {
    const rf = new RegFile('SYSCFG', SYSCFG_BASE, SYSCFG_SIZE, trace);
    this.regs = rf;
    this.cfgcon = rf.add({ off: 0x00, name: 'CFGCON', sci: false, wmask: CFGCON_WMASK, write: (r, old) => this.cfgconWritten(r, old) });
    rf.add({ off: 0x20, name: 'DEVID', sci: false, reset: ((DEVID_VER << 28) | devid) >>> 0, wmask: 0 });
    rf.add({ off: 0x30, name: 'SYSKEY', sci: false, raw: true, read: () => 0, write: (_r, _o, _op, data) => this.syskey(data) });
    for (let n = 1; n <= 7; n++) {
      this.pmd.push(rf.add({ off: 0x30 + 0x10 * n, name: `PMD${n}`, wmask: PMD_MASKS[n - 1]!,
        canWrite: () => this.open && !(this.cfgcon.value & CFGCON_PMDLOCK), write: (r) => this.onPmd?.(n, r.value) }));
    }
    rf.add({ off: 0xc0, name: 'CFGEBIA', canWrite: () => this.open });
    rf.add({ off: 0xd0, name: 'CFGEBIC', canWrite: () => this.open });
    this.cfgpg = rf.add({ off: 0xe0, name: 'CFGPG', wmask: CFGPG_WMASK, canWrite: () => this.open && !(this.cfgcon.value & CFGCON_PGLOCK),
      write: (r) => this.onCfgpg?.(r.value) });
  }

  /** True between a complete SYSKEY sequence and the next other SYSKEY write. */
  get unlocked(): boolean {
    return this.open;
  }

  /** CFGCON.IOLOCK: PPS registers are frozen. */
  get ioLocked(): boolean {
    return (this.cfgcon.value & CFGCON_IOLOCK) !== 0;
  }

  /** PMDn value (1..7). */
  pmdValue(n: number): number {
    return this.pmd[n - 1]!.value;
  }

  /** Permission group of the CPU (CFGPG.CPUPG). */
  get cpuGroup(): number {
    return this.cfgpg.value & 3;
  }

  /** Permission group of the DMA controller (CFGPG.DMAPG). */
  get dmaGroup(): number {
    return (this.cfgpg.value >>> 4) & 3;
  }

  reset(devcfg: Devcfg): void {
    this.devcfg = devcfg;
    this.regs.reset();
    this.cfgcon.value = ((devcfg.fecccon << 4) | (devcfg.jtagen ? 1 << 3 : 0) | CFGCON_RESET_TDOEN) >>> 0;
    this.stage = 0;
    this.open = false;
    // The arbiter re-reads CFGPG in its own reset; the modules come back on.
    for (let n = 1; n <= 7; n++) this.onPmd?.(n, 0);
  }

  private syskey(v: number): void {
    // Any write starts over locked; the second key right after the first unlocks.
    this.open = false;
    if (this.stage === 1 && v === SYSKEY_2) {
      this.open = true;
      this.stage = 0;
    } else {
      this.stage = v === SYSKEY_1 ? 1 : 0;
    }
  }

  private cfgconWritten(r: Reg, old: number): void {
    let v = r.value;
    const d = this.devcfg;
    // Lock bits change only while unlocked; with the 1-way fuses a set lock stays set.
    if (!this.open) v = (v & ~CFGCON_LOCKS) | (old & CFGCON_LOCKS);
    if (d !== null) {
      if (d.iol1way && old & CFGCON_IOLOCK) v |= CFGCON_IOLOCK;
      if (d.pmdl1way && old & CFGCON_PMDLOCK) v |= CFGCON_PMDLOCK;
      if (d.pgl1way && old & CFGCON_PGLOCK) v |= CFGCON_PGLOCK;
      // ECCCON is writable only when DEVCFG0.FECCCON = 11 (ECC off and unlocked).
      if (d.fecccon !== 3) v = (v & ~CFGCON_ECCCON) | (old & CFGCON_ECCCON);
    }
    r.value = v >>> 0;
  }
}

/**
 * System Bus Arbiter permission checking (pic32mz-ef.md §12; DS60001320 §4): 14 targets, each
 * with regions SBTxREGy (BASE, PRI, SIZE) and per-group read/write permissions SBTxRDy/SBTxWRy,
 * error logs SBTxELOG1/2, ECON, ECLRS/ECLRM, and SBFLAG. Every CPU and DMA access to a page that
 * some rule restricts goes through `check` (PhysBus guard); a refused access is logged, raises
 * the System Bus protection interrupt (IRQ 106) when ECON.ERRP is set, and fails: a DMA channel
 * takes an address error, the CPU port reports a bus error.
 */
import type { Initiator, PhysBus } from './bus.ts';
import type { IrqLine } from './evic.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

export const SBFLAG_BASE = 0x1f8f0500;
export const SBFLAG_SIZE = 0x100;
export const SBT_BASE = 0x1f8f8000;
export const SBT_STRIDE = 0x400;
export const SBT_COUNT = 14;

/**
 * A refused CPU access is a bus error (the load returns 0 and the core takes DBE/IBE); a write
 * is dropped. [unverified] The datasheet text on the CPU side was not found; this is what the
 * PhysBus guard contract gives and what the MIPS core does with a refused transaction.
 */
export const SBA_CPU_VIOLATION_IS_BUS_ERROR = true;
/** An address inside a target that no region covers is allowed. [unverified] */
export const SBA_UNMATCHED_ALLOWED = true;
/** ELOG1.CODE value logged for a permission-group violation. [unverified] */
export const SBA_CODE_PERMISSION = 0x3;
/** ELOG1.INITID of the initiators (tinyVP sba.c names: 1 CPU LRS, 3 DMA Read LRS, 5 DMA Write LRS). */
export const SBA_INITID = { cpu: 1, dmaRead: 3, dmaWrite: 5 } as const;
/** ELOG1.CMD: 1 write, 2 read. */
const CMD_WRITE = 1;
const CMD_READ = 2;
/** SBTxRDy/WRy reset (DS p.97: groups 0-2 allowed). */
export const SBA_PERM_RESET = 0x7;

const ECON_ERRP = 1 << 24;
const REG_WMASK = 0xfffffef8;
const ELOG1_MULTI = 1 << 31;

/** A target: its name (tinyVP sba.c), physical ranges, regions present, region 0 preset. */
interface TargetDef {
  name: string;
  ranges: readonly (readonly [number, number])[];
  regions: readonly number[];
  /** Region 0 BASE/SIZE, fixed by hardware (tinyVP rewrites the same values). */
  reg0: number;
}

function reg(base: number, bytes: number): number {
  return (base & 0xfffffc00) | ((Math.log2(bytes / 1024) + 1) << 3);
}

const K = 1024;
const M = K * K;
/** Target address ranges: from the SFR block map and memory map of spec §2. */
export const SBA_TARGETS: readonly TargetDef[] = [
  { name: 'System Bus registers', ranges: [[0x1f8f0000, 64 * K]], regions: [0, 1], reg0: reg(0x1f8f0000, 64 * K) },
  { name: 'Flash or Prefetch registers', ranges: [[0x1d000000, 2 * M], [0x1fc00000, 512 * K], [0x1f8e0000, 4 * K]],
    regions: [0, 2, 3, 4, 5, 6, 7, 8], reg0: reg(0x1d000000, 2 * M) },
  { name: 'RAM bank 0-256KB', ranges: [[0, 256 * K]], regions: [0, 1, 2], reg0: reg(0, 256 * K) },
  { name: 'RAM bank 256KB-512KB', ranges: [[256 * K, 256 * K]], regions: [0, 1, 2], reg0: reg(256 * K, 256 * K) },
  { name: 'EBI memory', ranges: [[0x20000000, 64 * M], [0x1f8e1000, 4 * K]], regions: [0, 2], reg0: reg(0x20000000, 64 * M) },
  { name: 'P.Set 1 registers', ranges: [[0x1f800000, 128 * K]], regions: [0, 1, 2], reg0: reg(0x1f800000, 128 * K) },
  { name: 'P.Set 2 (SPI,I2C,UART,PMP)', ranges: [[0x1f820000, 64 * K]], regions: [0, 1], reg0: reg(0x1f820000, 64 * K) },
  { name: 'P.Set 3 (Timer,IC/OC/ADC,Comparator)', ranges: [[0x1f840000, 64 * K]], regions: [0, 1], reg0: reg(0x1f840000, 64 * K) },
  { name: 'P.Set 4 (PORTA-PORTK)', ranges: [[0x1f860000, 64 * K]], regions: [0, 1], reg0: reg(0x1f860000, 64 * K) },
  { name: 'P.Set 5 (CAN,Ethernet)', ranges: [[0x1f880000, 64 * K]], regions: [0, 1], reg0: reg(0x1f880000, 64 * K) },
  { name: 'USB', ranges: [[0x1f8e3000, 4 * K]], regions: [0], reg0: reg(0x1f8e3000, 4 * K) },
  { name: 'SQI memory', ranges: [[0x30000000, 64 * M], [0x1f8e2000, 4 * K]], regions: [0, 1], reg0: reg(0x30000000, 64 * M) },
  { name: 'Crypto registers', ranges: [[0x1f8e5000, 4 * K]], regions: [0], reg0: reg(0x1f8e5000, 4 * K) },
  { name: 'Random registers', ranges: [[0x1f8e6000, 4 * K]], regions: [0], reg0: reg(0x1f8e6000, 4 * K) },
];

interface Region {
  reg: Reg;
  rd: Reg;
  wr: Reg;
}

class Target {
  readonly regions: Region[] = [];
  elog1!: Reg;
  elog2!: Reg;
  econ!: Reg;
  constructor(
    readonly index: number,
    readonly def: TargetDef,
  ) {}
}

export class Sba {
  /** SBFLAG register block. */
  readonly flagRegs: RegFile;
  /** SBTx register block (all 14 targets). */
  readonly regs: RegFile;
  readonly targets: Target[] = [];
  private readonly targetOfPage = new Int8Array(1 << 20).fill(-1);
  private readonly guarded = new Uint8Array(1 << 20);
  private bus: PhysBus | null = null;
  /** Physical ranges whose pages can be guarded (mapped memory and SFRs). */
  private guardable: readonly (readonly [number, number])[] = [];
  private irqLevel = false;
  /** Pages whose fast-path guard must change at the end of a refresh. */
  private readonly toGuard: number[] = [];
  /** Region that decided the last `decide` call (for the error log). */
  private decided = 0;

  constructor(
    /** CFGPG groups of the initiators. */
    private readonly groupOf: (initiator: Initiator) => number,
    private readonly irq: IrqLine,
    trace: SfrTrace,
  ) {
    this.flagRegs = new RegFile('SBFLAG', SBFLAG_BASE, SBFLAG_SIZE, trace);
    this.flagRegs.add({ off: 0x10, name: 'SBFLAG', sci: false, wmask: 0, read: () => this.sbflag() });
    this.regs = new RegFile('SBT', SBT_BASE, SBT_STRIDE * SBT_COUNT, trace);
    SBA_TARGETS.forEach((def, i) => this.targets.push(this.addTarget(i, def)));
    SBA_TARGETS.forEach((def, i) => {
      for (const [pa, size] of def.ranges) this.targetOfPage.fill(i, pa >>> 12, (pa + size) >>> 12);
    });
  }

  /** Installs the guard on the bus; `guardable` are the ranges holding memory or SFRs. */
  attach(bus: PhysBus, guardable: readonly (readonly [number, number])[]): void {
    this.bus = bus;
    this.guardable = guardable;
    bus.guard = (initiator, pa, write) => this.check(initiator, pa, write);
    this.refresh();
  }

  /** The decision for one access, logging a refusal. True = allowed. */
  check(initiator: Initiator, pa: number, write: boolean): boolean {
    const t = this.targetOfPage[pa >>> 12]!;
    if (t < 0) return true;
    const group = this.groupOf(initiator);
    const target = this.targets[t]!;
    if (this.decide(target, pa >>> 0, group, write)) return true;
    this.log(target, initiator, write, this.decided, group);
    return false;
  }

  /** The guards are those of the reset state (nothing was programmed since): reset is then free. */
  private pristine = false;

  /** Recomputes which pages need the guard (after region, permission or CFGPG changes). */
  refresh(only?: Target): void {
    const bus = this.bus;
    if (bus === null) return;
    this.pristine = false;
    const cpu = this.groupOf('cpu');
    const dma = this.groupOf('dma');
    for (const target of only !== undefined ? [only] : this.targets) {
      for (const [pa, size] of target.def.ranges) {
        for (const [gpa, gsize] of this.guardable) {
          const lo = Math.max(pa, gpa);
          const hi = Math.min(pa + size, gpa + gsize);
          for (let p = lo; p < hi; p += 4096) this.refreshPage(bus, target, p, cpu, dma);
        }
      }
    }
    this.flushGuards(bus);
  }

  /** Applies fast-path changes in runs of pages, so the core drops its cache once per run. */
  private flushGuards(bus: PhysBus): void {
    const list = this.toGuard.sort((a, b) => a - b);
    for (let i = 0; i < list.length; ) {
      const first = list[i]!;
      const on = (this.guarded[first]! & 1) === 1;
      let j = i + 1;
      while (j < list.length && list[j] === list[j - 1]! + 1 && ((this.guarded[list[j]!]! & 1) === 1) === on) j++;
      bus.setGuarded(first << 12, (j - i) << 12, on);
      i = j;
    }
    this.toGuard.length = 0;
  }

  reset(): void {
    this.regs.reset();
    this.flagRegs.reset();
    this.updateIrq();
    // Recomputing every page takes milliseconds; a machine boots (resets) once per test case.
    if (this.pristine) return;
    this.refresh();
    this.pristine = true;
  }

  private addTarget(i: number, def: TargetDef): Target {
    const t = new Target(i, def);
    const b = SBT_STRIDE * i;
    const p = `SBT${i}`;
    t.elog1 = this.regs.add({ off: b + 0x20, name: `${p}ELOG1`, sci: false, raw: true, write: (r, _o, _op, data) => {
      r.value = (r.value & ~data) >>> 0; // write 1 to clear
      this.updateIrq();
    } });
    t.elog2 = this.regs.add({ off: b + 0x24, name: `${p}ELOG2`, sci: false, raw: true, write: (r, _o, _op, data) => {
      r.value = (r.value & ~data) >>> 0;
    } });
    t.econ = this.regs.add({ off: b + 0x28, name: `${p}ECON`, sci: false, wmask: ECON_ERRP, write: () => this.updateIrq() });
    this.regs.add({ off: b + 0x30, name: `${p}ECLRS`, sci: false, raw: true, read: () => this.clearLog(t, false),
      write: () => void this.clearLog(t, false) });
    this.regs.add({ off: b + 0x38, name: `${p}ECLRM`, sci: false, raw: true, read: () => this.clearLog(t, true),
      write: () => void this.clearLog(t, true) });
    for (const y of def.regions) {
      const refresh = (): void => this.refresh(t);
      const base = b + 0x40 + 0x20 * y;
      t.regions[y] = {
        reg: this.regs.add({ off: base, name: `${p}REG${y}`, sci: false, reset: y === 0 ? def.reg0 : 0, wmask: y === 0 ? 0 : REG_WMASK, write: refresh }),
        rd: this.regs.add({ off: base + 0x10, name: `${p}RD${y}`, sci: false, reset: SBA_PERM_RESET, wmask: 0xf, write: refresh }),
        wr: this.regs.add({ off: base + 0x18, name: `${p}WR${y}`, sci: false, reset: SBA_PERM_RESET, wmask: 0xf, write: refresh }),
      };
    }
    return t;
  }

  /**
   * Regions containing `pa` decide: those with PRI = 1 override those with PRI = 0, and within
   * the deciding level any region granting the group allows the access. [unverified] The
   * datasheet's overlap rule was not found; this keeps tinyVP's setups (region 0 for the CPU,
   * region 1/2 for a DMA group) working and makes PRI meaningful.
   */
  private decide(t: Target, pa: number, group: number, write: boolean): boolean {
    let level = -1;
    let allowed = false;
    this.decided = 0;
    for (const y of t.def.regions) {
      const r = t.regions[y]!;
      const v = r.reg.value;
      const code = (v >>> 3) & 0x1f;
      if (code === 0) continue;
      const bytes = 1024 * 2 ** (code - 1);
      const base = (v & 0xfffffc00) >>> 0;
      if (Math.floor(pa / bytes) !== Math.floor(base / bytes)) continue;
      const pri = (v >>> 9) & 1;
      const grant = (((write ? r.wr : r.rd).value >>> group) & 1) === 1;
      if (pri > level) {
        level = pri;
        allowed = grant;
        this.decided = y;
      } else if (pri === level && grant) {
        allowed = true;
      } else if (pri === level) {
        this.decided = y;
      }
    }
    return level < 0 ? SBA_UNMATCHED_ALLOWED : allowed;
  }

  private refreshPage(bus: PhysBus, t: Target, pa: number, cpu: number, dma: number): void {
    let cpuLimited = false;
    let dmaLimited = false;
    // Regions are at least 1 KB and aligned to their size, so four probes cover a page exactly.
    for (let q = 0; q < 4096; q += 1024) {
      const a = pa + q;
      if (!this.decide(t, a, cpu, false) || !this.decide(t, a, cpu, true)) cpuLimited = true;
      if (!this.decide(t, a, dma, false) || !this.decide(t, a, dma, true)) dmaLimited = true;
    }
    const ppn = pa >>> 12;
    const flags = (cpuLimited ? 1 : 0) | (dmaLimited ? 2 : 0);
    const was = this.guarded[ppn]!;
    if (flags === was) return;
    this.guarded[ppn] = flags;
    if ((was & 1) !== (flags & 1)) this.toGuard.push(ppn);
    bus.setChecked(pa, 4096, dmaLimited);
  }

  private log(t: Target, initiator: Initiator, write: boolean, region: number, group: number): void {
    const id = initiator === 'cpu' ? SBA_INITID.cpu : write ? SBA_INITID.dmaWrite : SBA_INITID.dmaRead;
    const e = t.elog1;
    if ((e.value >>> 24) & 0xf) {
      e.value = (e.value | ELOG1_MULTI) >>> 0; // a second error before software cleared the first
    } else {
      e.value = ((SBA_CODE_PERMISSION << 24) | (id << 8) | (region << 4) | (write ? CMD_WRITE : CMD_READ)) >>> 0;
      t.elog2.value = group & 3;
    }
    if (t.econ.value & ECON_ERRP) this.irq.raise();
    this.updateIrq();
  }

  private clearLog(t: Target, multiple: boolean): number {
    t.elog1.value = multiple ? 0 : t.elog1.value & ELOG1_MULTI;
    if (multiple) t.elog2.value = 0;
    this.updateIrq();
    return 0;
  }

  private sbflag(): number {
    let v = 0;
    for (const t of this.targets) if ((t.elog1.value >>> 24) & 0xf) v |= 1 << t.index;
    return v;
  }

  /** IRQ 106 requests while a logged error's target has ERRP set. */
  private updateIrq(): void {
    let on = false;
    for (const t of this.targets) if ((t.elog1.value >>> 24) & 0xf && t.econ.value & ECON_ERRP) on = true;
    this.irqLevel = on;
    this.irq.set(on);
  }

  /** For tests and diagnostics: is the IRQ level up. */
  get requesting(): boolean {
    return this.irqLevel;
  }
}

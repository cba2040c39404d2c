/**
 * The PIC32MZ2048EF SoC (pic32mz-ef.md §2): the physical memory map (RAM, program flash, boot
 * flash with its aliases and DEVCFG words), every modelled SFR device at its address, holes in
 * the SFR space that read 0, the clock tree wiring, PMD, reset, and the System Bus Arbiter on
 * the bus. The core is not part of it: the machine gives the core `bus.port('cpu')` and the EVIC.
 */
import { Clock } from '../sim/clock.ts';
import { PhysBus, type BusPort, type Initiator, type MmioDevice } from './bus.ts';
import { DEFAULT_DEVCFG, Devcfg, DEVCFG0_PA, DEVCFG1_PA, DEVCFG2_PA, DEVCFG3_PA, type DevcfgWords } from './devcfg.ts';
import { Dma, DMA_BASE, DMA_CHANNELS, DMA_SIZE } from './dma.ts';
import { Dmt, DMT_BASE, DMT_SIZE } from './dmt.ts';
import { Evic, EVIC_BASE, EVIC_SIZE } from './evic.ts';
import { createPorts, GPIO_BASE, GPIO_STRIDE, type GpioPort, type Ports } from './gpio.ts';
import { IRQ, uartIrqs } from './irqs.ts';
import { FLASH_ERASED_BYTE, Nvm, NVM_BASE, NVM_SIZE, type FlashArea } from './nvm.ts';
import { Oscillator, OSC_BASE, OSC_SIZE, type ResetKind } from './osc.ts';
import { Pps, PPS_BASE, PPS_SIZE } from './pps.ts';
import { Prefetch, PREFETCH_BASE, PREFETCH_SIZE } from './prefetch.ts';
import { SfrHole, SfrTrace } from './regs.ts';
import { Sba, SBFLAG_BASE, SBFLAG_SIZE, SBT_BASE, SBT_COUNT, SBT_STRIDE } from './sba.ts';
import { DEVID_BY_VARIANT, SystemConfig, SYSCFG_BASE, SYSCFG_SIZE } from './system.ts';
import { createTimers, TIMER_BASE, TIMER_STRIDE, type TimerDevice } from './timer.ts';
import { Uart, UART_BASE, UART_STRIDE } from './uart.ts';
import { Wdt, WDT_BASE, WDT_SIZE } from './wdt.ts';

export type { ResetKind } from './osc.ts';

/** Package variants: pin count decides the ports; DEVID differs. */
export type Pic32mzVariant = 'EFG100' | 'EFM144' | 'EFH064';

export const RAM_BASE = 0x00000000;
export const RAM_SIZE = 512 * 1024;
export const PFM_BASE = 0x1d000000;
export const PFM_SIZE = 2 * 1024 * 1024;
/** Boot flash 1 and 2, each 80 KB, and the lower/upper boot aliases that show them. */
export const BFM1_BASE = 0x1fc40000;
export const BFM2_BASE = 0x1fc60000;
export const BFM_SIZE = 0x14000;
export const BOOT_LOWER_ALIAS = 0x1fc00000;
export const BOOT_UPPER_ALIAS = 0x1fc20000;
/**
 * The lower alias shows boot flash 1 and the upper one boot flash 2. [unverified] Silicon picks
 * the panel with the higher BFxSEQ number; bank swapping is not modelled.
 */
export const LOWER_ALIAS_SHOWS_BFM1 = true;
/** Page after boot flash 1 with ADC calibration words and DEVSN0/1 (read-only). */
export const CAL_PAGE_BASE = 0x1fc54000;
export const CAL_PAGE_SIZE = 0x1000;
/** DEVSN0/DEVSN1: a fixed serial number, so runs are reproducible. */
export const DEVSN = [0x54565031, 0x00000001] as const;
export const SFR_BASE = 0x1f800000;
export const SFR_SIZE = 0x100000;
/** INT0 is not remappable: it sits on RD0. */
export const INT0_PIN = { port: 'D', pin: 0 } as const;
/** Primary oscillator on all three boards. */
export const DEFAULT_POSC_HZ = 24_000_000;

export interface Pic32mzOptions {
  /** The virtual-time event queue to share with the core (default: a new one). */
  clock?: Clock;
  variant?: Pic32mzVariant;
  /** Primary oscillator input, Hz. */
  poscHz?: number;
  /**
   * DEVCFG0..3 programmed into the fresh part before the image loads (which may overwrite them);
   * null leaves them erased. Default DEFAULT_DEVCFG (200 MHz from 24 MHz).
   */
  devcfg?: DevcfgWords | null;
}

export class Pic32mz {
  readonly clock: Clock;
  readonly variant: Pic32mzVariant;
  readonly bus: PhysBus;
  /** Accesses to SFR holes and registers the model lacks; set `trace.unmapped` to see them. */
  readonly trace = new SfrTrace();
  readonly evic: Evic;
  readonly system: SystemConfig;
  readonly osc: Oscillator;
  readonly wdt: Wdt;
  readonly dmt: Dmt;
  readonly nvm: Nvm;
  readonly prefetch: Prefetch;
  readonly pps: Pps;
  readonly ports: Ports;
  /** UART1..UART6 at index 0..5. */
  readonly uarts: readonly Uart[];
  /** Timer1..Timer9 at index 0..8. */
  readonly timers: readonly TimerDevice[];
  readonly dma: Dma;
  readonly sba: Sba;
  /** The DMA controller's own bus port (initiator 'dma'). */
  readonly dmaPort: BusPort;
  /**
   * The chip asks for a reset (software reset, WDT, DMT). The machine must reset the core and call
   * `reset(kind)`; it should do so between instructions. Without a handler the SoC resets itself.
   */
  onReset: ((kind: ResetKind) => void) | null = null;
  private readonly sfrRanges: [number, number][] = [];
  private readonly bfm1Off: number;

  constructor(opts: Pic32mzOptions = {}) {
    this.clock = opts.clock ?? new Clock();
    this.variant = opts.variant ?? 'EFG100';
    const clock = this.clock;
    const trace = this.trace;
    this.bus = new PhysBus(RAM_SIZE + PFM_SIZE + 2 * BFM_SIZE + CAL_PAGE_SIZE);
    const bus = this.bus;
    bus.addMemory('RAM', RAM_BASE, RAM_SIZE, true);
    const pfmOff = bus.addMemory('program flash', PFM_BASE, PFM_SIZE, false);
    this.bfm1Off = bus.addMemory('boot flash 1', BFM1_BASE, BFM_SIZE, false);
    const bfm2Off = bus.addMemory('boot flash 2', BFM2_BASE, BFM_SIZE, false);
    const [lower, upper] = LOWER_ALIAS_SHOWS_BFM1 ? [this.bfm1Off, bfm2Off] : [bfm2Off, this.bfm1Off];
    bus.aliasMemory('lower boot alias', BOOT_LOWER_ALIAS, BFM_SIZE, lower, false);
    bus.aliasMemory('upper boot alias', BOOT_UPPER_ALIAS, BFM_SIZE, upper, false);
    const calOff = bus.addMemory('boot flash 1 calibration', CAL_PAGE_BASE, CAL_PAGE_SIZE, false);
    bus.mem.u8.fill(FLASH_ERASED_BYTE, pfmOff, calOff);
    bus.mem.i32[(calOff + 0x20) >> 2] = DEVSN[0];
    bus.mem.i32[(calOff + 0x24) >> 2] = DEVSN[1];
    bus.onUnmapped = (_i, pa, w, size, v) => trace.report(pa, w, size, v);

    const evic = new Evic(clock, trace);
    this.evic = evic;
    const line = (irq: number) => evic.line(irq);
    this.system = new SystemConfig(DEVID_BY_VARIANT[this.variant], trace);
    const unlocked = (): boolean => this.system.unlocked;
    this.osc = new Oscillator(opts.poscHz ?? DEFAULT_POSC_HZ, unlocked, trace);
    this.wdt = new Wdt(clock, trace);
    this.dmt = new Dmt(clock, () => this.osc.pbclkHz(7), trace);
    const areas: FlashArea[] = [
      { name: 'pfm', pa: PFM_BASE, size: PFM_SIZE, off: pfmOff },
      { name: 'bfm1', pa: BFM1_BASE, size: BFM_SIZE, off: this.bfm1Off },
      { name: 'bfm2', pa: BFM2_BASE, size: BFM_SIZE, off: bfm2Off },
    ];
    this.nvm = new Nvm(clock, bus, areas, line(IRQ.FLASH_CONTROL), trace);
    this.prefetch = new Prefetch(trace);
    this.ports = createPorts(this.variant, line, trace, IRQ.CHANGE_NOTICE);
    this.pps = new Pps((port, pin) => ((this.ports.get(port)?.pins ?? 0) >>> pin) & 1 ? true : false, () => this.system.ioLocked, trace);
    this.uarts = [1, 2, 3, 4, 5, 6].map((n) => {
      const i = uartIrqs(n);
      return new Uart(n, clock, () => this.osc.pbclkHz(2), { fault: line(i.fault), rx: line(i.rx), tx: line(i.tx) }, trace);
    });
    this.timers = createTimers(clock, { pbclk3Hz: () => this.osc.pbclkHz(3), soscHz: () => this.osc.soscHz() }, line, IRQ.TIMER, trace);
    this.dmaPort = bus.port('dma');
    this.dma = new Dma(clock, this.dmaPort, Array.from({ length: DMA_CHANNELS }, (_v, n) => line(IRQ.DMA0 + n)), trace);
    this.sba = new Sba((i: Initiator) => (i === 'cpu' ? this.system.cpuGroup : this.system.dmaGroup), line(IRQ.SYSTEM_BUS), trace);

    this.mapDevices();
    this.wire();
    this.sba.attach(bus, [[RAM_BASE, RAM_SIZE], [PFM_BASE, PFM_SIZE], [BOOT_LOWER_ALIAS, 0x80000], [SFR_BASE, SFR_SIZE]]);
    if (opts.devcfg !== null) this.programDevcfg(opts.devcfg ?? DEFAULT_DEVCFG);
    this.reset('por');
  }

  /** UART `n` (1..6). */
  uart(n: number): Uart {
    const u = this.uarts[n - 1];
    if (u === undefined) throw new RangeError(`no UART${n}`);
    return u;
  }

  /** Timer `n` (1..9). */
  timer(n: number): TimerDevice {
    const t = this.timers[n - 1];
    if (t === undefined) throw new RangeError(`no Timer${n}`);
    return t;
  }

  /** Port by letter; null when the package lacks it. */
  port(name: string): GpioPort | null {
    return this.ports.get(name);
  }

  /** The configuration words as the chip reads them now (DEVCFG0..3 in the lower boot alias). */
  devcfg(): Devcfg {
    // Straight from the array: the chip's own fetch at reset is not a bus access the SBA sees.
    const w = (pa: number): number => this.bus.mem.i32[this.bus.hostOffset(pa) >> 2]! >>> 0;
    return new Devcfg([w(DEVCFG0_PA), w(DEVCFG1_PA), w(DEVCFG2_PA), w(DEVCFG3_PA)]);
  }

  /** Writes DEVCFG0..3 into boot flash 1 (as a programmer would); they take effect at reset. */
  programDevcfg(words: DevcfgWords): void {
    const base = this.bfm1Off + (DEVCFG3_PA - BOOT_LOWER_ALIAS);
    const i32 = this.bus.mem.i32;
    i32[base >> 2] = words[3];
    i32[(base + 4) >> 2] = words[2];
    i32[(base + 8) >> 2] = words[1];
    i32[(base + 12) >> 2] = words[0];
    this.bus.memWritten(base, 16);
  }

  /**
   * Puts every register back to its reset value, re-reading DEVCFG. Memory keeps its contents;
   * RCON keeps its history except after a power-on reset.
   */
  reset(kind: ResetKind = 'por'): void {
    const d = this.devcfg();
    this.system.reset(d);
    this.osc.reset(d, kind);
    this.evic.reset();
    for (const u of this.uarts) u.reset();
    this.ports.reset();
    this.pps.reset();
    for (const t of this.timers) t.reset();
    this.dma.reset();
    this.nvm.reset();
    this.prefetch.reset();
    this.sba.reset();
    this.wdt.reset(d);
    this.dmt.reset(d);
  }

  /**
   * A watchdog time-out while the core sleeps (WAIT) wakes it with an NMI instead of resetting
   * the chip (PIC32MZ FRM, WDT in Sleep): RCON.WDTO is set and the watchdog keeps running.
   * The machine calls this and then gives the core its NMI.
   */
  wdtWake(): void {
    this.osc.flagRcon('wdt');
    this.wdt.rearm();
  }

  private requestReset(kind: ResetKind): void {
    if (this.onReset !== null) this.onReset(kind);
    else this.reset(kind);
  }

  /** Devices are reached through their register files (regs.ts): the bus calls them directly. */
  private mapSfr(name: string, base: number, size: number, dev: MmioDevice): void {
    this.bus.map(name, base, size, dev);
    this.sfrRanges.push([base, base + size]);
  }

  private mapDevices(): void {
    this.mapSfr('SYSCFG', SYSCFG_BASE, SYSCFG_SIZE, this.system.regs);
    this.mapSfr('NVM', NVM_BASE, NVM_SIZE, this.nvm.regs);
    this.mapSfr('WDT', WDT_BASE, WDT_SIZE, this.wdt.regs);
    this.mapSfr('DMT', DMT_BASE, DMT_SIZE, this.dmt.regs);
    this.mapSfr('OSC', OSC_BASE, OSC_SIZE, this.osc.regs);
    this.mapSfr('PPS', PPS_BASE, PPS_SIZE, this.pps.regs);
    this.mapSfr('EVIC', EVIC_BASE, EVIC_SIZE, this.evic.regs);
    this.mapSfr('DMA', DMA_BASE, DMA_SIZE, this.dma.regs);
    this.uarts.forEach((u, i) => this.mapSfr(`UART${i + 1}`, UART_BASE + UART_STRIDE * i, UART_STRIDE, u.regs));
    this.timers.forEach((t, i) => this.mapSfr(`TIMER${i + 1}`, TIMER_BASE + TIMER_STRIDE * i, TIMER_STRIDE, t.regs));
    this.ports.list.forEach((p, i) => p !== null && this.mapSfr(`PORT${p.name}`, GPIO_BASE + GPIO_STRIDE * i, GPIO_STRIDE, p.regs));
    this.mapSfr('PREFETCH', PREFETCH_BASE, PREFETCH_SIZE, this.prefetch.regs);
    this.mapSfr('SBFLAG', SBFLAG_BASE, SBFLAG_SIZE, this.sba.flagRegs);
    this.mapSfr('SBT', SBT_BASE, SBT_STRIDE * SBT_COUNT, this.sba.regs);
    // Everything else in the SFR space reads 0 and ignores writes (and is traced).
    const sorted = [...this.sfrRanges].sort((a, b) => a[0] - b[0]);
    let at = SFR_BASE;
    for (const [lo, hi] of [...sorted, [SFR_BASE + SFR_SIZE, SFR_BASE + SFR_SIZE] as [number, number]]) {
      if (lo > at) this.bus.map(`SFR hole 0x${at.toString(16)}`, at, lo - at, new SfrHole(at, this.trace));
      at = Math.max(at, hi);
    }
  }

  private wire(): void {
    const { system, osc, sba, evic, dma, pps, ports } = this;
    osc.addListener(() => {
      for (const t of this.timers) t.clockChanged();
    });
    osc.onSoftwareReset = () => this.requestReset('software');
    this.wdt.onTimeout = () => this.requestReset('wdt');
    this.dmt.onTimeout = () => this.requestReset('dmt');
    system.onCfgpg = () => sba.refresh();
    system.onPmd = (n, v) => this.applyPmd(n, v);
    evic.onEvent = (irq) => dma.irqEvent(irq);
    const extLevels = (): void => {
      for (let n = 0; n < 5; n++) {
        const pin = n === 0 ? INT0_PIN : pps.inputPin(`INT${n}`);
        const p = pin === null ? null : ports.get(pin.port);
        if (p !== null && pin !== null) evic.externalInput(n, p.level(pin.pin));
      }
    };
    ports.addPinListener(extLevels);
    pps.onChange = extLevels;
  }

  /** PMD bits: 1 = module off (reads 0, writes ignored, reset). */
  private applyPmd(n: number, v: number): void {
    if (n === 4) this.timers.forEach((t, i) => t.setPowered(((v >>> i) & 1) === 0));
    if (n === 5) this.uarts.forEach((u, i) => u.setPowered(((v >>> i) & 1) === 0));
    if (n === 7) this.dma.setPowered(((v >>> 4) & 1) === 0);
  }
}

/** Builds the SoC with everything mapped and reset. */
export function createPic32mz(opts: Pic32mzOptions = {}): Pic32mz {
  return new Pic32mz(opts);
}

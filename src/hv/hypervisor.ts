/**
 * The hypervisor (tinyvp-runtime.md): a native root handler (docs/core.md) that plays tinyVP's
 * root firmware. It boots from the system table in flash, runs VMs in guest mode and root threads
 * in root mode, and on every exception that enters root context it saves the interrupted
 * thread's frame, dispatches (§4, §5, §10), picks who runs next (§7) and ERETs. It touches the
 * machine only through the core's root firmware API: root CP0, MFGC0/MTGC0, TLB operations,
 * RDPGPR/WRPGPR, physical bus accesses and ERET (plus root-isa.ts for HI/LO and COP1 moves).
 *
 * Handlers run in zero virtual time. One mechanism per file: boot.ts, exits.ts (do_EXC),
 * interrupts.ts (do_IRQ), inject.ts (IRQ injection), guest-time.ts, refill.ts, access.ts,
 * scheduler.ts, context.ts (switch and LL-bit excursion), monitor.ts, diagnostics.ts,
 * emulators/*.
 */
import type { Cpu } from '../mips/cpu.ts';
import { C0, CA_TI, EXC, ST_EXL } from '../mips/cp0.ts';
import type { SystemTable } from '../config/systable.ts';
import type { BoardSpec } from '../board/boards.ts';
import type { DeviceEmulator } from './emulators/emulator.ts';
import { ConsoleOutput } from './output.ts';
import { TimeKeeper, TimerRecord, type TimeClient } from './time.ts';
import { G, TF_DEBUG, type Thread } from './thread.ts';
import type { PageCache } from './page-cache.ts';
import { bootHypervisor } from './boot.ts';
import { handleException } from './exits.ts';
import { handleInterrupt } from './interrupts.ts';
import { exitPath, excursionExit } from './context.ts';
import { hypervisorPanic, parked } from './diagnostics.ts';
import type { ConsoleEmulator } from './emulators/console.ts';
import type { Monitor } from './monitor.ts';

export interface HypervisorOptions {
  /** The board the image runs on, when the table's board name is not one the model knows. */
  board?: BoardSpec;
}

/** Counters for `--stats` and the benchmark. */
export interface HvCounters {
  exits: number;
  interrupts: number;
  refills: number;
  emulated: number;
  switches: number;
  excursions: number;
  /** Excursions an interrupt cut short (started again before the next VM). */
  excursionsAbandoned: number;
  injections: number;
}

export class Hypervisor {
  readonly cpu: Cpu;
  table!: SystemTable;
  board!: BoardSpec;
  /** Threads by id (null = not configured). */
  threads: (Thread | null)[] = [];
  /** Configured threads 1..max in id order. */
  others: Thread[] = [];
  root!: Thread;
  /** The logical current thread (switches are applied at the exit path). */
  current!: Thread;
  /** The thread whose state the CPU holds (guest context, root ASID, shadow set 0 GPRs). */
  loaded!: Thread;
  /** The LL-bit excursion is running (§7.5). */
  excursion = false;
  /** The loaded thread was restarted: reload it without saving its state. */
  discardLoaded = false;
  /** GuestID of the excursion. */
  llGid = 7;
  /** Guest-virtual address of the ERET of the excursion. */
  eretVa = 0;
  /** Root kseg0 address of the idle loop. */
  idleVa = 0;
  /** Thread whose FPU state is in the FPU, or null. */
  fpuOwner: Thread | null = null;
  out!: ConsoleOutput;
  readonly time: TimeKeeper;
  tick!: TimerRecord;
  printTimer!: TimerRecord;
  timeClient!: TimeClient;
  guestTimers: TimerRecord[] = [];
  /** Emulators by the system table's id. */
  emulators = new Map<number, DeviceEmulator>();
  /** By IRQ: the emulator called when the real IRQ arrives, and the ic-write hook. */
  irqEmulator: (DeviceEmulator | null)[] = [];
  icWriteHook: (DeviceEmulator | null)[] = [];
  irqOwner = new Uint8Array(216);
  console!: ConsoleEmulator;
  monitor!: Monitor;
  /** Per thread: emulated regions [gpa, end, emulator id] and the page cache. */
  emuRegions: Float64Array[] = [];
  pageCaches: PageCache[] = [];
  /** Console UART physical base and its IRQs. */
  consolePa = 0;
  consoleRxIrq = 0;
  consoleTxIrq = 0;
  /** Value of an emulated load (set by emulators). */
  emuValue = 0;
  /** A hypervisor panic stopped everything. */
  dead = false;
  readonly counters: HvCounters = { exits: 0, interrupts: 0, refills: 0, emulated: 0, switches: 0, excursions: 0, excursionsAbandoned: 0, injections: 0 };
  /** Root Count when the loaded thread was switched in (instruction accounting). */
  sliceStart = 0;
  readonly options: HypervisorOptions;

  constructor(cpu: Cpu, options: HypervisorOptions = {}) {
    this.cpu = cpu;
    this.options = options;
    this.time = new TimeKeeper(cpu);
  }

  /** Reads the table from flash, sets the machine up and starts the first thread (§2). */
  boot(): void {
    this.cpu.rootHandler = (_cpu, code) => this.handle(code);
    bootHypervisor(this);
  }

  private handle(code: number): boolean {
    const cpu = this.cpu;
    if (this.dead) { parked(this, code); return true; }
    this.counters.exits++;
    try {
      if (this.excursion) { excursionExit(this, code); return true; }
      const t = this.loaded;
      t.epc = cpu.mfc0(C0.EPC);
      t.cause = cpu.mfc0(C0.CAUSE);
      t.status = cpu.mfc0(C0.STATUS) & ~ST_EXL;
      t.guestCtl0 = cpu.mfc0(C0.GUESTCTL0);
      if (code === EXC.INT) {
        this.counters.interrupts++;
        handleInterrupt(this);
      } else {
        t.badVAddr = cpu.mfc0(C0.BADVADDR);
        t.badInstr = cpu.mfc0(C0.BADINSTR);
        t.badInstrP = cpu.mfc0(C0.BADINSTRP);
        handleException(this, t, code);
      }
      if (!this.dead) exitPath(this);
    } catch (e) {
      hypervisorPanic(this, `internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    return true;
  }

  print(s: string): void {
    this.out.print(s);
  }

  /** Thread `t` has DEBUG and the given trace flag. */
  tracing(t: Thread, flag: number): boolean {
    return (t.flags & (TF_DEBUG | flag)) === (TF_DEBUG | flag);
  }

  /** The guest context of `t` is in the CPU. */
  inHardware(t: Thread): boolean {
    return t === this.loaded && t.kind === 'vm' && !this.excursion;
  }

  // Guest state of a VM: the hardware when it is loaded, else its saved copy.

  guestCause(t: Thread): number {
    return this.inHardware(t) ? this.cpu.mfgc0(13, 0) : t.g[G.CAUSE]!;
  }

  setGuestCause(t: Thread, v: number): void {
    if (this.inHardware(t)) this.cpu.mtgc0(13, 0, v);
    else t.g[G.CAUSE] = v;
  }

  guestTimerFlag(t: Thread): boolean {
    return (this.guestCause(t) & CA_TI) !== 0;
  }

  guestStatus(t: Thread): number {
    return this.inHardware(t) ? this.cpu.mfgc0(12, 0) : t.g[G.STATUS]!;
  }

  guestCompare(t: Thread): number {
    return this.inHardware(t) ? this.cpu.mfgc0(11, 0) : t.g[G.COMPARE]!;
  }

  setGuestCompare(t: Thread, v: number): void {
    if (this.inHardware(t)) this.cpu.mtgc0(11, 0, v);
    else {
      t.g[G.COMPARE] = v;
      t.g[G.CAUSE] = t.g[G.CAUSE]! & ~CA_TI;
    }
  }

  guestCtl2(t: Thread): number {
    return this.inHardware(t) ? this.cpu.mfc0(C0.GUESTCTL2) : t.gc2;
  }

  setGuestCtl2(t: Thread, v: number): void {
    t.gc2 = v;
    if (this.inHardware(t)) this.cpu.mtc0(C0.GUESTCTL2, v);
  }

  setGuestCtl0Ext(t: Thread, v: number): void {
    t.gc0ext = v;
    if (this.inHardware(t)) this.cpu.mtc0(C0.GUESTCTL0EXT, v);
  }

  setGtOffset(t: Thread, v: number): void {
    t.gtoffset = v | 0;
    if (this.inHardware(t)) this.cpu.mtc0(C0.GTOFFSET, v | 0);
  }

  /** Guest Count of `t` now (the hardware's when loaded, else root Count + its GTOffset). */
  guestCount(t: Thread): number {
    return this.inHardware(t) ? this.cpu.mfgc0(9, 0) >>> 0 : (this.cpu.mfc0(C0.COUNT) + t.gtoffset) >>> 0;
  }

  /** Instructions `t` has run, including the slice it is running now (root Count, 2 cycles per count). */
  instructionsOf(t: Thread): number {
    if (t !== this.loaded || t === this.root) return t.instructions;
    return t.instructions + 2 * ((this.cpu.mfc0(C0.COUNT) - this.sliceStart) >>> 0);
  }

  /** A thread by id, or null. */
  thread(tid: number): Thread | null {
    return this.threads[tid] ?? null;
  }
}

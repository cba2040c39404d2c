/**
 * A thread (tinyvp-runtime.md §0, §1.2, §3): the unit of scheduling. Thread 0 is the root main
 * thread (the monitor and idle loop); ids 1..7 may be VMs (GuestID = shadow set = id); any id may
 * be a root thread (kernel or user mode root code, GuestID 0). The structure holds the root
 * frame (what root ERETs with), the per-thread VZ controls, the saved guest CP0 copies, the
 * virtual interrupt controller, guest time and console state. Everything is preallocated.
 */
import type { VmInfo } from '../config/systable.ts';

export const TF_RUNNING = 0x01;
export const TF_STOPPED = 0x02;
export const TF_DEBUG = 0x04;
export const TF_EXCTRACE = 0x08;
export const TF_INTTRACE = 0x10;
export const TF_TIMETRACE = 0x20;
export const TF_CHRONIC = 0x40;

export type ThreadKind = 'root' | 'vm' | 'thread';

/** Guest CP0 registers saved at switch-out and restored at switch-in (§7.4), as [reg, sel]. */
export const GUEST_SAVED: readonly (readonly [number, number])[] = [
  [0, 0], [10, 0], [2, 0], [3, 0], [5, 0], [6, 0], [4, 0], [4, 2], [5, 1], [7, 0], [8, 0], [8, 1], [8, 2],
  [11, 0], [12, 0], [13, 0], [14, 0], [14, 2], [13, 5], [15, 1], [30, 0], [31, 2], [31, 3], [12, 1],
];
/** Index of each register in `Thread.g`. */
export const G = {
  INDEX: 0, ENTRYHI: 1, ENTRYLO0: 2, ENTRYLO1: 3, PAGEMASK: 4, WIRED: 5, CONTEXT: 6, USERLOCAL: 7, PAGEGRAIN: 8,
  HWRENA: 9, BADVADDR: 10, BADINSTR: 11, BADINSTRP: 12, COMPARE: 13, STATUS: 14, CAUSE: 15, EPC: 16, NESTEDEPC: 17,
  NESTEDEXC: 18, EBASE: 19, ERROREPC: 20, KSCRATCH1: 21, KSCRATCH2: 22, INTCTL: 23,
} as const;

/** Virtual EVIC words (w4 layout, §1.2): 0 INTCON, 1 PRISS, 2 INTSTAT, 3 IPTMR, 4.. IFS0-6,pad, IEC0-6,pad, IPC0-53. */
export const VIC_WORDS = 74;
export const VIC_IFS = 4;
export const VIC_IEC = 12;
export const VIC_IPC = 20;
export const IRQ_SLOTS_OFF = 214;
/** Console input ring (§1.3): 8 bytes, capacity 7. */
export const CON_RING = 8;

/** Reset-like guest state a VM starts with (§3). */
export const GUEST_STATUS_RESET = 0x10400004;
export const GUEST_EBASE_RESET = 0x9d000000 | 0;
export const GUEST_INTCTL_RESET = 0x20;
/** GuestCtl0 of a VM's frame: GM, MC, CP0, AT=3, CG, SFC1 (§3). */
export const VM_GUESTCTL0 = 0xbd000001 | 0;
/** GuestCtl0Ext: NCC, CGI, FCD (no field-change tracking); with FCD clear while an IRQ is injected. */
export const GC0EXT_IDLE = 0x58;
export const GC0EXT_TRACK = 0x50;
/** Root frame Status of a VM: IE only (root kernel, IPL 0, CU1 clear for the lazy FPU switch). */
export const VM_ROOT_STATUS = 0x00000001;

export class Thread {
  flags = 0;
  // Root frame (§1.1): what the exit path ERETs with.
  epc = 0;
  status = 0;
  cause = 0;
  badVAddr = 0;
  badInstr = 0;
  badInstrP = 0;
  guestCtl0 = 0;
  context = 0;
  entryHi = 0;
  // Per-thread VZ controls (§1.2).
  gc0ext = 0;
  gc1 = 0;
  gc2 = 0;
  gc3 = 0;
  gtoffset = 0;
  /** Saved guest CP0 copies, indexed by G. */
  readonly g = new Int32Array(GUEST_SAVED.length);
  /** Saved guest TLB entries below guest Wired: EntryHi, EntryLo0, EntryLo1, PageMask each. */
  readonly gWired = new Int32Array(4 * 16);
  rescheduleCount = 0;
  waitingIrqs = 0;
  injectedIrq = -1;
  injectedIpl = 0;
  interruptedIrq = -1;
  interruptedIpl = 0;
  lastInterruptedIrq = 0xffffffff;
  exceptionCause = 0xffffffff;
  exceptionGcause = 0xffffffff;
  /** The virtual interrupt controller. */
  readonly vic = new Uint32Array(VIC_WORDS);
  readonly voff = new Uint32Array(IRQ_SLOTS_OFF);
  // Guest time (§6): 64-bit counts as doubles.
  /** guest 64-bit count = root 64-bit count + gtoff64. */
  gtoff64 = 0;
  lastUsedLcount = 0;
  lcompare = 0;
  lcount2read = 0;
  timeLateCounter = 0;
  /** A guest Compare event is pending (armed and not yet delivered). */
  timerArmed = false;
  // Console emulator state (§11.1).
  conSta = 0;
  conMode = 0;
  readonly conRing = new Uint8Array(CON_RING);
  conStart = 0;
  conEnd = 0;
  /** GPRs of a root thread that shares shadow set 0, saved while it is switched out. */
  readonly gpr = new Int32Array(32);
  /** HI, LO. */
  readonly hilo = new Int32Array(2);
  /** FPRs (64 words) and FCSR, valid while another thread owns the FPU. */
  readonly fpu = new Int32Array(65);
  /** A fault was reported; the thread stays stopped until restarted. */
  faulted = false;
  // Statistics.
  instructions = 0;
  readonly exits = new Float64Array(64);
  refills = 0;
  injected = 0;
  emulated = 0;

  constructor(
    readonly tid: number,
    readonly kind: ThreadKind,
    readonly gid: number,
    readonly srs: number,
    /** The VM's record in the system table (null for thread 0). */
    readonly info: VmInfo | null,
    /** Entry PC (0 for thread 0). */
    readonly entry: number,
    /** Initial stack pointer of a root thread, else 0. */
    readonly sp: number,
  ) {}

  get isVm(): boolean {
    return this.kind === 'vm';
  }

  get polling(): boolean {
    return this.info?.polling ?? false;
  }

  get user(): boolean {
    return this.info?.user ?? false;
  }
}

/** Pushes the low byte of `v` into an 8-bit shift-register history (newest in the low byte). */
export function pushHistory(h: number, v: number): number {
  return (((h << 8) | (v & 0xff)) >>> 0);
}

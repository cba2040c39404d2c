/**
 * `--trace LIST` (DESIGN.md, command line): event traces of a running machine, one text line
 * per event, to a sink the CLI points at stderr. Categories:
 *   insn      every instruction: virtual time, context, pc, word, disassembly
 *   regs      with insn: the registers each instruction changed (GPRs of the current set, HI, LO)
 *   exc       every exception: time, code name, EPC, BadVAddr, Cause, root/guest context
 *   unmapped  accesses nothing answers (bus holes and holes inside SFR blocks), with the PC
 *   mmio      every slow-path access that is not plain memory, with the device name and value
 *   irq       interrupt events, changes of the request presented to the core, interrupts taken
 * Tracing stays off the core's fast loop (STYLE R8): it works through the core's step hook,
 * the exception observer and wrappers around the bus and interrupt-controller callbacks, all
 * removed again by `detach`.
 */
import type { Cpu } from '../mips/cpu.ts';
import { C0, EXC, EXC_NAMES, ST_ERL, ST_EXL } from '../mips/cp0.ts';
import { GC0_GEXC_SHIFT, GEXC } from '../mips/vz.ts';
import type { AccessSize } from '../mips/bus.ts';
import type { IrqSink } from '../mips/eic.ts';
import { CPU_HZ, type Clock } from '../sim/clock.ts';
import { UserError } from '../sim/errors.ts';
import type { Initiator, PhysBus } from '../soc/bus.ts';
import type { Evic } from '../soc/evic.ts';
import { IRQ_NAMES } from '../soc/irqs.ts';
import type { SfrTrace } from '../soc/regs.ts';
import { decode, disassemble } from './disasm.ts';
import { addStepHook } from './hooks.ts';
import { DebugMemory } from './memory.ts';

export const TRACE_CATEGORIES = ['insn', 'regs', 'exc', 'unmapped', 'mmio', 'irq'] as const;
export type TraceCategory = (typeof TRACE_CATEGORIES)[number];
/** `all` in a list stands for every category. */
export const TRACE_ALL = 'all';

export type TraceSink = (line: string) => void;

/** The SoC parts a trace attaches to (a Pic32mz has them). */
export interface TraceSoc {
  readonly clock: Clock;
  readonly bus: PhysBus;
  /** Where the SoC reports accesses nothing answers (SFR holes and bus holes). */
  readonly trace: SfrTrace;
  readonly evic: Evic;
}

/** What a trace attaches to; a Machine is one. */
export interface TraceTarget {
  readonly cpu: Cpu;
  readonly soc: TraceSoc;
}

/**
 * Exception observer the core is asked to provide (see the report to the lead): called after
 * EPC/Cause/BadVAddr/Status and the new pc are written, before a native root handler runs.
 */
export type ExcObserver = (cpu: Cpu, code: number, guestCtx: boolean, fromGuest: boolean) => void;
type CpuWithObserver = Cpu & { excHook?: ExcObserver | null };

/** Parses `--trace LIST`; a bad entry is a UserError naming it and the valid ones. */
export function parseTraceList(list: string): ReadonlySet<TraceCategory> {
  const out = new Set<TraceCategory>();
  const valid = [...TRACE_CATEGORIES, TRACE_ALL].join(', ');
  const items = list.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) throw new UserError(`--trace: empty list (valid categories: ${valid})`);
  for (const item of items) {
    if (item === '') continue;
    if (item === TRACE_ALL) { for (const c of TRACE_CATEGORIES) out.add(c); continue; }
    if (!(TRACE_CATEGORIES as readonly string[]).includes(item)) {
      throw new UserError(`--trace: unknown category '${item}' (valid categories: ${valid})`);
    }
    out.add(item as TraceCategory);
  }
  if (out.has('regs') && !out.has('insn')) out.add('insn');
  return out;
}

/** Virtual time as seconds with 9 decimals: exact, a cycle is 5 ns. */
export function formatVirtualTime(cycles: number): string {
  const ns = Math.round((cycles * 1e9) / CPU_HZ);
  return `@${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, '0')}s`;
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
const GEXC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(GEXC).map(([k, v]) => [v, k]));
const ERET = 0x42000018, DERET = 0x4200001f;
/** Branch-likely instructions skip their delay slot when not taken: pc moves to npc + 4. */
const BRANCH_LIKELY = new Set(['BEQL', 'BNEL', 'BLEZL', 'BGTZL', 'BLTZL', 'BGEZL', 'BLTZALL', 'BGEZALL', 'BC1FL', 'BC1TL', 'BEQZL', 'BNEZL']);
const REG_NAMES = ['zero', 'at', 'v0', 'v1', 'a0', 'a1', 'a2', 'a3', 't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7',
  's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 't8', 't9', 'k0', 'k1', 'gp', 'sp', 's8', 'ra', 'hi', 'lo'];

/** An attached trace; `detach` restores every hook it wrapped. */
export class Tracer {
  private readonly undo: (() => void)[] = [];
  /** The instruction line waiting for its register changes (regs) or the next step. */
  private pending: string | null = null;
  private readonly before = new Int32Array(34);
  /** State before the last step, for exception detection without the core observer. */
  private lastNpc = 0;
  private lastWord = 0;
  private lastGuest = false;
  private stepped = false;
  /** Initiator of the bus access in progress (the SFR hole hook does not say). */
  private initiator: Initiator = 'cpu';
  private readonly memory: DebugMemory;

  constructor(
    private readonly t: TraceTarget,
    readonly categories: ReadonlySet<TraceCategory>,
    private readonly sink: TraceSink,
  ) {
    this.memory = new DebugMemory(t.cpu, t.soc.bus);
  }

  attach(): this {
    const c = this.categories;
    const observer = 'excHook' in this.t.cpu;
    const exceptions = c.has('exc') || c.has('irq');
    if (exceptions && observer) this.attachObserver();
    if (c.has('insn') || (exceptions && !observer)) {
      this.undo.push(addStepHook(this.t.cpu, (cpu) => this.step(cpu, !observer)));
    }
    if (c.has('unmapped') || c.has('mmio')) this.attachBus();
    if (c.has('irq')) this.attachEvic(this.t.soc.evic);
    return this;
  }

  /** Writes out the instruction line still waiting for its register changes. */
  flush(): void {
    if (this.pending === null) return;
    const line = this.pending + (this.categories.has('regs') ? this.changes() : '');
    this.pending = null;
    this.sink(line);
  }

  detach(): void {
    this.flush();
    while (this.undo.length > 0) this.undo.pop()!();
  }

  private now(): string {
    return formatVirtualTime(this.t.soc.clock.now);
  }

  // ---------------------------------------------------------------- instructions

  private step(cpu: Cpu, detect: boolean): boolean {
    if (detect && this.stepped) this.detectException(cpu);
    this.flush();
    const pc = cpu.pc;
    const w = this.memory.word(pc);
    if (this.categories.has('insn')) {
      const text = w === null ? '(not in memory)' : padMnemonic(disassemble(w, pc));
      this.pending = `${this.now()} insn ${cpu.guest ? 'guest' : 'root '} ${hex8(pc)} ${w === null ? '--------' : hex8(w)} ${text}`;
      if (this.categories.has('regs')) this.snapshot(cpu);
    }
    this.lastNpc = cpu.npc;
    this.lastWord = w ?? 0;
    this.lastGuest = cpu.guest;
    this.stepped = true;
    return false;
  }

  private snapshot(cpu: Cpu): void {
    this.before.set(cpu.gpr);
    this.before[32] = cpu.hi;
    this.before[33] = cpu.lo;
  }

  private changes(): string {
    const cpu = this.t.cpu;
    let s = '';
    for (let i = 1; i < 34; i++) {
      const v = i < 32 ? cpu.gpr[i]! : i === 32 ? cpu.hi : cpu.lo;
      if (v !== this.before[i]) s += ` ${REG_NAMES[i]!}=${hex8(v)}`;
    }
    return s === '' ? '' : `  ;${s}`;
  }

  // ---------------------------------------------------------------- exceptions

  private attachObserver(): void {
    const cpu = this.t.cpu as CpuWithObserver;
    const prev = cpu.excHook ?? null;
    const mine: ExcObserver = (c, code, guestCtx, fromGuest) => {
      if (prev !== null) prev(c, code, guestCtx, fromGuest);
      this.exception(c, code, guestCtx, fromGuest);
    };
    cpu.excHook = mine;
    this.undo.push(() => { if (cpu.excHook === mine) cpu.excHook = prev; });
  }

  /**
   * Without the core observer: an exception happened in the last step when the pc is not
   * where that instruction would have continued. Misses exceptions a native root handler
   * fully handles (it returns to the next instruction) and exceptions raised by ERET itself.
   */
  private detectException(cpu: Cpu): void {
    if (cpu.pc === this.lastNpc || this.lastWord === ERET || this.lastWord === DERET) return;
    if (cpu.pc === ((this.lastNpc + 4) | 0) && BRANCH_LIKELY.has(decode(this.lastWord)?.mn ?? '')) return;
    // Still in guest mode: the guest took it. Otherwise root did (EXL or ERL is now set there).
    const guestCtx = cpu.guest && this.lastGuest;
    const st = guestCtx ? cpu.gcp0[C0.STATUS]! : cpu.cp0[C0.STATUS]!;
    if ((st & (ST_EXL | ST_ERL)) === 0) return;
    const cause = guestCtx ? cpu.gcp0[C0.CAUSE]! : cpu.mfc0(C0.CAUSE);
    this.exception(cpu, (cause >>> 2) & 0x1f, guestCtx, this.lastGuest);
  }

  private exception(cpu: Cpu, code: number, guestCtx: boolean, fromGuest: boolean): void {
    this.flush();
    if (this.categories.has('regs')) this.snapshot(cpu); // registers now belong to the handler
    const r = guestCtx ? cpu.gcp0 : cpu.cp0;
    const name = EXC_NAMES[code] ?? `EXC${code}`;
    const ctx = guestCtx ? 'guest' : fromGuest ? 'root<-guest' : 'root';
    let extra = '';
    if (!guestCtx && code === EXC.GE) {
      const g = (cpu.cp0[C0.GUESTCTL0]! >>> GC0_GEXC_SHIFT) & 0x1f;
      extra = ` gexc=${GEXC_NAMES[g] ?? g}`;
    }
    const cause = guestCtx ? r[C0.CAUSE]! : cpu.mfc0(C0.CAUSE);
    const regs = `epc=${hex8(r[C0.EPC]!)} badvaddr=${hex8(r[C0.BADVADDR]!)} cause=${hex8(cause)} status=${hex8(r[C0.STATUS]!)}`;
    if (code === EXC.INT) {
      if (this.categories.has('irq')) this.sink(`${this.now()} irq taken ${ctx} ripl=${(cause >>> 10) & 0xff} ${regs} vector=${hex8(cpu.pc)}`);
      if (!this.categories.has('exc')) return;
    } else if (!this.categories.has('exc')) return;
    this.sink(`${this.now()} exc ${name} (${code}) ${ctx}${extra} ${regs} vector=${hex8(cpu.pc)}`);
  }

  // ---------------------------------------------------------------- bus

  private attachBus(): void {
    const bus = this.t.soc.bus;
    const cpu = this.t.cpu;
    const c = this.categories;
    const who = (init: Initiator): string => (init === 'cpu' ? `pc=${hex8(cpu.ipc)}` : `by ${init}`);
    if (c.has('mmio')) {
      const load = bus.load, store = bus.store;
      bus.load = (init, pa, size) => {
        const prev = this.initiator;
        this.initiator = init;
        try {
          const v = load.call(bus, init, pa, size);
          if (bus.hostOffset(pa >>> 0) < 0) {
            this.sink(`${this.now()} mmio read${size} ${hex8(pa)} ${bus.describe(pa)} -> ${v === undefined ? 'bus error' : hex8(v)} ${who(init)}`);
          }
          return v;
        } finally { this.initiator = prev; }
      };
      bus.store = (init, pa, size, value) => {
        const prev = this.initiator;
        this.initiator = init;
        try {
          const ok = store.call(bus, init, pa, size, value);
          if (bus.hostOffset(pa >>> 0) < 0) {
            this.sink(`${this.now()} mmio write${size} ${hex8(pa)} ${bus.describe(pa)} <- ${hex8(value)}${ok ? '' : ' (bus error)'} ${who(init)}`);
          }
          return ok;
        } finally { this.initiator = prev; }
      };
      this.undo.push(() => {
        // Remove the own properties: the prototype methods show through again.
        Reflect.deleteProperty(bus, 'load');
        Reflect.deleteProperty(bus, 'store');
      });
    }
    if (c.has('unmapped')) {
      // The SoC reports bus holes through the same hook as SFR holes; a bare PhysBus reports
      // them on onUnmapped only. `inHole` keeps a hole from being printed twice.
      let inHole = false;
      const line = (init: Initiator, pa: number, write: boolean, size: AccessSize, value: number): void => {
        const op = write ? `write${size} ${hex8(pa)} <- ${hex8(value)}` : `read${size} ${hex8(pa)}`;
        const dev = bus.describe(pa);
        this.sink(`${this.now()} unmapped ${op} (${dev === 'nothing' ? 'nothing' : `hole in ${dev}`}) ${who(init)}`);
      };
      const prevBus = bus.onUnmapped;
      bus.onUnmapped = (init, pa, write, size, value) => {
        line(init, pa, write, size, value);
        inHole = true;
        try { if (prevBus !== null) prevBus(init, pa, write, size, value); } finally { inHole = false; }
      };
      const sfr = this.t.soc.trace;
      const prevSfr = sfr.unmapped;
      sfr.unmapped = (pa, write, size, value) => {
        if (!inHole) line(this.initiator, pa, write, size, value);
        if (prevSfr !== null) prevSfr(pa, write, size, value);
      };
      this.undo.push(() => { bus.onUnmapped = prevBus; sfr.unmapped = prevSfr; });
    }
  }

  // ---------------------------------------------------------------- interrupts

  private attachEvic(evic: Evic): void {
    const prevEvent = evic.onEvent;
    evic.onEvent = (irq) => {
      if (prevEvent !== null) prevEvent(irq);
      this.sink(`${this.now()} irq raise ${irq} ${IRQ_NAMES[irq] || '?'}`);
    };
    const sink = evic.irqSink;
    let last = '';
    const wrapped: IrqSink = {
      irqChanged: () => {
        const now = evic.ripl === 0 ? 'none' : `ripl=${evic.ripl} irq=${evic.vector} ${IRQ_NAMES[evic.vector] || '?'} offset=${hex8(evic.offset)} srs=${evic.srs}`;
        if (now !== last) this.sink(`${this.now()} irq request ${now}`);
        last = now;
        if (sink !== null) sink.irqChanged();
      },
    };
    evic.irqSink = wrapped;
    this.undo.push(() => {
      evic.onEvent = prevEvent;
      if (evic.irqSink === wrapped) evic.irqSink = sink;
    });
  }
}

/** `mnemonic\toperands` with the mnemonic padded to a column, for the trace. */
function padMnemonic(text: string): string {
  const tab = text.indexOf('\t');
  return tab < 0 ? text : text.slice(0, tab) + ' '.repeat(Math.max(1, 8 - tab)) + text.slice(tab + 1);
}

/** Parses LIST and attaches a trace of those categories to `target`, writing lines to `sink`. */
export function startTrace(target: TraceTarget, list: string, sink: TraceSink): Tracer {
  return new Tracer(target, parseTraceList(list), sink).attach();
}

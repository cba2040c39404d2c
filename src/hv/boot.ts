/**
 * Boot (tinyvp-runtime.md §2.2-§2.4, §3): find and decode the system table in flash, set up the
 * root (Status, TLB, PageGrain, EBase, single-vector EVIC with every IRQ masked at priority 2),
 * the board (SYSKEY, PRECON, CFGCON, the table's set-up writes: System Bus Arbiter regions for
 * DMA protection, CFGPG, PMD1-7; console pin routing), the console UART, the SBA error report,
 * timekeeping and the scheduler, then print the boot diagnostics and leave thread 0 idling, from
 * where the scheduler starts the VMs.
 *
 * Decisions: SYSKEY is locked again after the set-up writes (§13 item 7 left it open; guests'
 * pin routing only needs IOLOCK clear); a missing or unknown root thread symbol, a code page
 * that is not programmed, or a table the hypervisor cannot use are reported on the console and
 * the hypervisor stops (it has no other channel).
 */
import { decodeSystemTable, systemTableLength, type SystemTable } from '../config/systable.ts';
import { HV_DATA_SIZE, SYSTEM_TABLE_PA, SYSTEM_TABLE_MAX } from '../config/layout.ts';
import { findBoard, type BoardSpec } from '../board/boards.ts';
import { uartIrqs } from '../soc/irqs.ts';
import { C0, CFG3_VEIC, ST_EXL, ST_FR } from '../mips/cp0.ts';
import { UserError } from '../sim/errors.ts';
import { BUILTIN_THREADS, codePageWords, CODE_ERET, CODE_IDLE } from './code-page.ts';
import { exitPath, wireExcursionPage } from './context.ts';
import { CLR, iecPa, ifsPa, INTCON_PA, ipcPa, irqBit, PRISS_PA, SET } from './evic-regs.ts';
import { createEmulator } from './emulators/index.ts';
import type { ConsoleEmulator } from './emulators/console.ts';
import { x, x8, timeText } from './format.ts';
import { executeTimerIrq } from './guest-time.ts';
import type { Hypervisor } from './hypervisor.ts';
import { Monitor } from './monitor.ts';
import { ConsoleOutput } from './output.ts';
import { PageCache } from './page-cache.ts';
import { flushRootTlb } from './refill.ts';
import { reschedule } from './scheduler.ts';
import { initSba, sbtPa, setPriority } from './sba-report.ts';
import { COUNTS_PER_SECOND, NS_PER_COUNT, TIMER_FUNC, TIMER_GUEST, TIMER_TICK, TimerRecord } from './time.ts';
import { Thread } from './thread.ts';
import { initThread } from './vm-init.ts';

/** IRQs the EVIC does not implement (§2.3 init_IRQ). */
export const UNAVAILABLE_IRQS = [108, 191, 195, 197, 203, 204, 211, 212];
export const IRQ_COUNT = 214;
/** Root priority every IRQ gets at boot: 2, sub-priority 0. */
const BOOT_IPC_FIELD = 0x08;
const SYSKEY_PA = 0x1f800030;
const PRECON_PA = 0x1f8e0000;
const CFGCON_PA = 0x1f800000;
const CFGPG_PA = 0x1f8000e0;
const pmdPa = (n: number): number => 0x1f800040 + 0x10 * (n - 1);
const kseg0 = (pa: number): number => (0x80000000 | pa) | 0;
const kseg1 = (pa: number): number => (0xa0000000 | pa) | 0;
const kphys = (a: number): number => a & 0x1fffffff;
/** Scheduler tick and root print period (§6.1, §8.2). */
export const TICK_SECONDS = 1;
export const PRINT_FIRST_SECONDS = 1;
export const PRINT_PERIOD_SECONDS = 2;

/** Reads the system table from flash with physical loads; null when there is none. */
export function readSystemTable(hv: Hypervisor): SystemTable | null {
  const cpu = hv.cpu;
  const head = new Uint8Array(16);
  const dv = new DataView(head.buffer);
  for (let i = 0; i < 16; i += 4) dv.setUint32(i, cpu.readPhys(SYSTEM_TABLE_PA + i, 4) ?? 0, true);
  const len = systemTableLength(head);
  if (len === null) return null;
  const n = Math.min(Math.max(len, 16), SYSTEM_TABLE_MAX) & ~3;
  const bytes = new Uint8Array(n);
  const bv = new DataView(bytes.buffer);
  for (let i = 0; i < n; i += 4) bv.setUint32(i, cpu.readPhys(SYSTEM_TABLE_PA + i, 4) ?? 0, true);
  return decodeSystemTable(bytes, `system table at 0x${x8(kseg0(SYSTEM_TABLE_PA))}`);
}

export function bootHypervisor(hv: Hypervisor): void {
  const cpu = hv.cpu;
  const entryStatus = cpu.mfc0(C0.STATUS), entryCause = cpu.mfc0(C0.CAUSE);
  const table = readSystemTable(hv);
  if (table === null) throw new UserError(`no system table at 0x${x8(kseg0(SYSTEM_TABLE_PA))}`);
  hv.table = table;
  hv.board = boardOf(hv, table);
  const irqs = uartIrqs(hv.board.consoleUart);
  hv.consolePa = 0x1f822000 + 0x200 * (hv.board.consoleUart - 1);
  hv.consoleRxIrq = irqs.rx;
  hv.consoleTxIrq = irqs.tx;
  hv.out = new ConsoleOutput(cpu, hv.consolePa, iecPa(irqs.tx) + CLR, iecPa(irqs.tx) + SET, ifsPa(irqs.tx) + CLR, irqBit(irqs.tx));
  hv.monitor = new Monitor(hv);

  // start.S: kernel, BEV=0, EXL so the final ERET enters the first thread; invalidate the root TLB.
  cpu.mtc0(C0.STATUS, ST_FR | ST_EXL);
  cpu.mtc0(C0.CAUSE, 0);
  flushRootTlb(hv, 0);
  boardInit(hv);
  cpu.mtc0(C0.PAGEGRAIN, 0xc8000000 | 0);
  cpu.mtc0(C0.CONTEXT, 0);
  cpu.mtc0(C0.NESTEDEPC, 0);

  hv.out.init();
  hv.print(`Status=0x${x8(entryStatus)}, Cause=0x${x8(entryCause)}, gp=0x${x8(cpu.rdpgpr(28))} sp=0x${x8(cpu.rdpgpr(29))} console_irq_rx=${irqs.rx} console_irq_tx=${irqs.tx}\n`);
  if (!checkCodePage(hv)) {
    throw new UserError(`the hypervisor's code page at 0x${x8(kseg0(table.board.eretRpa))} is not programmed (load the image with createMachineForImage)`);
  }
  initIrq(hv);
  hv.out.restart();
  setPriority(hv, irqs.rx, 0x1f);
  cpu.writePhys(iecPa(irqs.rx) + SET, 4, irqBit(irqs.rx));
  initSba(hv);
  initTime(hv);
  initThreads(hv);
  wireExcursionPage(hv);
  hv.current = hv.loaded = hv.root;
  printDiagnostics(hv);
  hv.printTimer = new TimerRecord(TIMER_FUNC, 0, PRINT_PERIOD_SECONDS * COUNTS_PER_SECOND);
  hv.time.insert(hv.printTimer, hv.time.update() + PRINT_FIRST_SECONDS * COUNTS_PER_SECOND);
  // Thread 0 enters its idle loop: the scheduler picks the first thread.
  reschedule(hv, false);
  exitPath(hv);
}

function boardOf(hv: Hypervisor, table: SystemTable): BoardSpec {
  const b = findBoard(table.board.name) ?? hv.options.board;
  if (b === undefined) throw new UserError(`system table: board '${table.board.name}' is not one the model knows; name one with --board`);
  return b;
}

/** _board_init: unlock, prefetch, flash ECC, the table's set-up writes, console pins; lock. */
function boardInit(hv: Hypervisor): void {
  const cpu = hv.cpu;
  cpu.writePhys(SYSKEY_PA, 4, 0xaa996655);
  cpu.writePhys(SYSKEY_PA, 4, 0x556699aa);
  cpu.writePhys(PRECON_PA, 4, 0x12);
  const cfg = cpu.readPhys(CFGCON_PA, 4) ?? 0;
  cpu.writePhys(CFGCON_PA, 4, ((cfg | 0x30) ^ 0x20) >>> 0);
  for (const w of hv.table.setup) cpu.writePhys(w.addr, 4, w.value);
  // Console pins (DM320007 and Olimex in tinyVP's board code; the Wi-FIRE's bootloader does it).
  const b = hv.board;
  const port = (p: string): number => 'ABCDEFGHJK'.indexOf(p);
  cpu.writePhys(0x1f801400 + 0x68 + 8 * (b.consoleUart - 1), 4, b.consoleRx.code);
  cpu.writePhys(0x1f801500 + 4 * (16 * port(b.consoleTx.port) + b.consoleTx.pin), 4, b.consoleTx.code);
  cpu.writePhys(SYSKEY_PA, 4, 0x33333333);
}

function checkCodePage(hv: Hypervisor): boolean {
  const cpu = hv.cpu;
  const base = hv.table.board.eretRpa;
  const eret = hv.table.board.eretPage;
  hv.eretVa = (eret + CODE_ERET) | 0;
  hv.idleVa = kseg0(base + CODE_IDLE);
  return codePageWords().every(([off, w]) => (cpu.readPhys(base + off, 4) ?? 0) === w);
}

/** init_IRQ: single vector, every IRQ masked at priority 2, EBase, Cause.IV, IntCtl. */
function initIrq(hv: Hypervisor): void {
  const cpu = hv.cpu;
  cpu.writePhys(INTCON_PA, 4, 0);
  hv.print(`init_IRQ: priss=0x${x8(kseg1(PRISS_PA))} *priss=0x${x8(cpu.readPhys(PRISS_PA, 4) ?? 0)} SRSctl=0x${x8(cpu.mfc0(C0.SRSCTL))}\n`);
  for (let w = 0; w < 7; w++) {
    let avail = 0;
    for (let b = 0; b < 32; b++) if (available(32 * w + b)) avail |= 1 << b;
    cpu.writePhys(iecPa(32 * w) + CLR, 4, avail >>> 0);
  }
  for (let n = 0; n < 54; n++) {
    let set = 0;
    for (let k = 0; k < 4; k++) if (available(4 * n + k)) set |= BOOT_IPC_FIELD << (8 * k);
    cpu.writePhys(ipcPa(4 * n) + SET, 4, set >>> 0);
  }
  cpu.mtc0(C0.EBASE, kseg0(kphys(hv.table.board.vzcode)));
  cpu.mtc0(C0.CAUSE, cpu.mfc0(C0.CAUSE) | (1 << 23));
  cpu.mtc0(C0.INTCTL, 0x20);
  hv.print(`init_IRQ: EBase=0x${x8(cpu.mfc0(C0.EBASE))}\n`);
}

function available(irq: number): boolean {
  return irq < IRQ_COUNT && !UNAVAILABLE_IRQS.includes(irq);
}

/** init_time: extended count, the 1 s scheduler tick, Count running, core timer IRQ at priority 6. */
function initTime(hv: Hypervisor): void {
  const cpu = hv.cpu;
  hv.time.init();
  hv.timeClient = {
    onTick: () => reschedule(hv, true),
    onPrintTimer: () => hv.monitor.backgroundPrint(),
    onGuestTimer: (tid) => {
      const t = hv.thread(tid);
      if (t !== null) executeTimerIrq(hv, t);
    },
  };
  hv.tick = new TimerRecord(TIMER_TICK, 0, TICK_SECONDS * COUNTS_PER_SECOND);
  cpu.mtc0(C0.CAUSE, cpu.mfc0(C0.CAUSE) & ~(1 << 27));
  hv.time.insert(hv.tick, hv.time.lcount + TICK_SECONDS * COUNTS_PER_SECOND);
  setPriority(hv, 0, 0x1b);
  cpu.writePhys(iecPa(0) + SET, 4, 1);
  hv.print(`clock_time_multiplier=${x(NS_PER_COUNT)}, initial_wall_time=${timeText(hv.time.bootLcount * NS_PER_COUNT)} current_lcount=${x(hv.time.lcount)}\n`);
}

/** init_scheduler: thread 0, then every configured thread; emulators and IRQ routes. */
function initThreads(hv: Hypervisor): void {
  const cpu = hv.cpu;
  const table = hv.table;
  cpu.mtc0(C0.GUESTCTL1, 0);
  cpu.mtgc0(12, 2, 0);
  cpu.mtgc0(12, 3, 0);
  cpu.mtgc0(12, 5, 0);
  // Guests see the EIC the root has: the GuestCtl2 injection form (docs/vz.md).
  cpu.mtgc0(16, 3, cpu.mfgc0(16, 3) | (cpu.mfc0(C0.CONFIG3) & CFG3_VEIC));
  hv.llGid = probeGuestIdWidth(hv);
  const max = Math.max(0, ...table.vms.map((v) => v.id));
  hv.threads = new Array<Thread | null>(max + 1).fill(null);
  const vm0 = table.vms.find((v) => v.id === 0) ?? null;
  hv.root = new Thread(0, 'root', 0, 0, vm0, 0, 0);
  hv.threads[0] = hv.root;
  setupEmulators(hv);
  let hvStack = kseg0(kphys(table.board.vzdata)) + HV_DATA_SIZE;
  for (const v of table.vms) {
    if (v.id === 0) continue;
    let entry = v.entry;
    if (v.entrySymbol !== null) {
      const off = BUILTIN_THREADS.get(v.entrySymbol);
      if (off === undefined) {
        hv.print(`thread ${v.id}: unknown entry '${v.entrySymbol}' (the hypervisor provides ${[...BUILTIN_THREADS.keys()].join(', ')}); not started\n`);
        continue;
      }
      entry = kseg0(table.board.eretRpa + off);
    }
    let sp = 0;
    if (v.stack !== null) {
      if (v.stack.addr === null) { hvStack -= (v.stack.size + 7) & ~7; sp = hvStack; }
      else sp = v.stack.init;
    }
    const t = new Thread(v.id, v.kind === 'vm' ? 'vm' : 'thread', v.kind === 'vm' ? v.gid : 0, v.srs, v, entry | 0, sp | 0);
    hv.threads[v.id] = t;
    hv.others.push(t);
    hv.guestTimers[v.id] = new TimerRecord(TIMER_GUEST, v.id, 0);
    initThread(hv, t, 0);
  }
  for (let tid = 0; tid <= max; tid++) {
    const t = hv.threads[tid] ?? null;
    hv.pageCaches[tid] = new PageCache(t?.info?.tree ?? null);
    const regs: number[] = [];
    for (const r of t?.info?.regions ?? []) if (r.emulator !== 0) regs.push(r.gpa >>> 0, (r.gpa >>> 0) + r.size, r.emulator);
    hv.emuRegions[tid] = Float64Array.from(regs);
  }
}

/** The widest GuestID the core keeps; the LL-bit excursion runs under it (tinyVP: 7). */
function probeGuestIdWidth(hv: Hypervisor): number {
  const cpu = hv.cpu;
  cpu.mtc0(C0.GUESTCTL1, 0xff);
  const id = cpu.mfc0(C0.GUESTCTL1) & 0xff;
  cpu.mtc0(C0.GUESTCTL1, 0);
  return id > 7 ? id : 7;
}

function setupEmulators(hv: Hypervisor): void {
  const ctx = { consoleRxIrq: hv.consoleRxIrq, consoleTxIrq: hv.consoleTxIrq };
  for (const [id, name] of hv.table.emulators) {
    const e = createEmulator(name, ctx);
    if (e === null) { hv.print(`emulator '${name}' (id ${id}) is not provided by this hypervisor\n`); continue; }
    hv.emulators.set(id, e);
    if (name === 'console') hv.console = e as ConsoleEmulator;
  }
  hv.console ??= createEmulator('console', ctx) as ConsoleEmulator;
  hv.irqEmulator = hv.table.routes.map((r) => (r.emulator ? hv.emulators.get(r.emulator) ?? null : null));
  hv.icWriteHook = hv.table.routes.map((r) => (r.icWrite ? hv.emulators.get(r.icWrite) ?? null : null));
  hv.table.routes.forEach((r, irq) => { hv.irqOwner[irq] = r.vm; });
}

/** §2.3 step 11. */
function printDiagnostics(hv: Hypervisor): void {
  const cpu = hv.cpu;
  const rd = (pa: number): string => x8(cpu.readPhys(pa, 4) ?? 0);
  hv.print('After init_IRQ...\n');
  hv.print('It is printf\n');
  hv.print(`IntCtl=0x${x8(cpu.mfc0(C0.INTCTL))}\tG.IntCtl=0x${x8(cpu.mfgc0(12, 1))}\n`);
  hv.print(`DEVCFG3=${rd(0x1fc0ffc0)}, DEVCFG2=${rd(0x1fc0ffc4)}, DEVCFG1=${rd(0x1fc0ffc8)}, DEVCFG0=${rd(0x1fc0ffcc)}\n`);
  hv.print(`ADEVCFG3=${rd(0x1fc0ff40)}, ADEVCFG2=${rd(0x1fc0ff44)}, ADEVCFG1=${rd(0x1fc0ff48)}, ADEVCFG0=${rd(0x1fc0ff4c)}\n`);
  for (const [name, base] of [['BF1', 0x1fc40000], ['BF2', 0x1fc60000]] as const) {
    hv.print(`${name}: DEVCFG3=${rd(base + 0xffc0)}, DEVCFG2=${rd(base + 0xffc4)}, DEVCFG1=${rd(base + 0xffc8)}, DEVCFG0=${rd(base + 0xffcc)}, ABF1SEQ0=${rd(base + 0xff7c)}, BF1SEQ0=${rd(base + 0xfffc)}\n`);
  }
  hv.print(`PRECON=${rd(PRECON_PA)} PRESTAT=${rd(PRECON_PA + 0x10)}\n`);
  hv.print(`PMD1=${rd(pmdPa(1))}, PMD2=${rd(pmdPa(2))}, PMD3=${rd(pmdPa(3))}\n`);
  hv.print(`PMD4=${rd(pmdPa(4))}, PMD5=${rd(pmdPa(5))}, PMD6=${rd(pmdPa(6))}, PMD7=${rd(pmdPa(7))}\n`);
  hv.print(`CFGPG=${rd(CFGPG_PA)}, CFGCON=${rd(CFGCON_PA)}\n`);
  for (const n of [2, 3, 4]) {
    for (let r = 0; r < 3; r++) {
      hv.print(`SBT${n}REG${r}=${rd(sbtPa(n, 0x40 + 0x20 * r))}, SBT${n}RD${r}=${rd(sbtPa(n, 0x50 + 0x20 * r))}, SBT${n}WR${r}=${rd(sbtPa(n, 0x58 + 0x20 * r))}\n`);
    }
  }
}

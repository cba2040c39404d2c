/**
 * Test support for the isolation tests (issue #6 item 10; tinyvp-runtime.md §8.6, §9, §10):
 * builds the reference system with a third, hostile VM whose misbehaviour is chosen by patching
 * hostile.elf's parameter block, runs it in virtual time and records what the other VMs produce:
 * every console byte they write (per VM, with its virtual time) and every LED change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledBoard, bundledBoardName } from '../../src/config/board.ts';
import { buildSystem, configGuestFiles } from '../../src/config/build.ts';
import { BUNDLED_DEVICE_LIB } from '../../src/config/bundled.ts';
import type { GuestInput } from '../../src/config/model.ts';
import { parseElf } from '../../src/image/elf.ts';
import { parseSrec } from '../../src/image/srec.ts';
import { CPU_HZ } from '../../src/sim/clock.ts';
import { createMachineForImage, HvMachine } from '../../src/machine/hv-machine.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
const PREBUILT = join(import.meta.dirname, '../../guests/prebuilt');
export const CONFIG = join(FIXTURES, 'isolation.file');
/** isolation.file without VM 3: the two guests alone. */
export const WITHOUT_HOSTILE_CONFIG = join(FIXTURES, 'without-hostile.file');
/** isolation.file with a DMA zone and DMA channel registers for the hostile VM. */
export const DMA_CONFIG = join(FIXTURES, 'isolation-dma.file');
const HOSTILE = join(FIXTURES, 'hostile.elf');
export const GUESTS: Record<string, string> = {
  'pic32mz-guest1/uart.elf': join(PREBUILT, 'guest1.elf'),
  'pic32mz-guest2/uart.elf': join(PREBUILT, 'guest2.elf'),
};
/** The hostile VM's id in isolation.file. */
export const HOSTILE_ID = 3;

/** hostile.S's cases (the index into its jump table). */
export const Case = { idle: 0, load: 1, store: 2, cp0: 3, tlb: 4, ic: 5, loop: 6, storm: 7, dma: 8 } as const;
const MARKER = 0xca5ec0de;
const WAIT = 0x42000020;

/** hostile.elf with its parameters set; `baseline` turns the case's violating instruction into WAIT. */
export function hostileElf(kase: number, addr: number, value: number, baseline: boolean): Uint8Array {
  const elf = new Uint8Array(readFileSync(HOSTILE));
  const dv = new DataView(elf.buffer);
  let at = -1;
  for (let i = 0; i + 4 <= elf.length; i += 4) if (dv.getUint32(i, true) === MARKER) { at = i; break; }
  if (at < 0) throw new Error('hostile.elf has no parameter block');
  const base = dv.getUint32(at + 4, true);
  dv.setUint32(at + 8, kase, true);
  dv.setUint32(at + 12, addr >>> 0, true);
  dv.setUint32(at + 16, value >>> 0, true);
  if (baseline && kase !== Case.idle) {
    const va = dv.getUint32(at + 20 + 4 * kase, true);
    dv.setUint32(at + (va - base), WAIT, true);
  }
  return elf;
}

/** The S-record of isolation.file with the given hostile.elf. */
export function buildImage(hostile: Uint8Array, configPath = CONFIG): string {
  const text = readFileSync(configPath, 'utf8');
  const config = { text, file: configPath };
  const inputs = new Map<string, GuestInput>();
  for (const g of configGuestFiles(config)) {
    if (g.path === 'hostile.elf') inputs.set(g.path, { kind: g.kind, file: HOSTILE, bytes: hostile });
    else inputs.set(g.path, { kind: g.kind, file: GUESTS[g.path]!, bytes: new Uint8Array(readFileSync(GUESTS[g.path]!)) });
  }
  const name = bundledBoardName('wifire')!;
  return buildSystem({ config, lib: { text: BUNDLED_DEVICE_LIB, file: 'device.lib' }, board: bundledBoard(name), guests: inputs }).srec;
}

export interface Run {
  m: HvMachine;
  /** Console bytes written by VMs other than the hostile one: `tid@cycle:byte`. */
  others: string[];
  /** LED changes: `name on|off @cycle`. */
  leds: string[];
  /** The whole console transcript (\r removed). */
  text: string;
}

/** Boots the image and runs it for `seconds` of virtual time, recording the other VMs' output. */
export function run(srec: string, seconds: number): Run {
  const m = createMachineForImage(parseSrec(srec, 'isolation.srec'), 'isolation.srec', {});
  if (!(m instanceof HvMachine)) throw new Error('expected the hypervisor machine');
  const others: string[] = [], leds: string[] = [];
  const con = m.hv.console;
  const access = con.access.bind(con);
  con.access = (hv, t, off, rpa, size, store, value) => {
    if (store && (off & ~0xf) === 0x20 && (off & 0xc) === 0 && t.tid !== HOSTILE_ID) others.push(`${t.tid}@${m.clock.now}:${value & 0xff}`);
    return access(hv, t, off, rpa, size, store, value);
  };
  m.board.onLed = (name, on, cycle) => leds.push(`${name} ${on ? 'on' : 'off'} @${cycle}`);
  m.run(Math.round(seconds * CPU_HZ));
  return { m, others, leds, text: m.console.text().replace(/\r/g, '') };
}

/** xorshift32: the same programs on every run. */
function xorshift(seed: number): () => number {
  let x = Math.imul(seed, 0x9e3779b1) >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const S0 = 16, S1 = 17;
/** Device pages the random program's $s1 points into (IC, UART page, system, ports, timers). */
const DEVICE_PAGES = [0xbf81, 0xbf82, 0xbf80, 0xbf86, 0xbf84];
const LOADS_STORES = [0x20, 0x21, 0x23, 0x24, 0x25, 0x28, 0x29, 0x2b, 0x22, 0x26, 0x2a, 0x2e, 0x30, 0x38, 0x31, 0x39, 0x35, 0x3d];
const CO_FUNCTIONS = [0x01, 0x02, 0x06, 0x08, 0x18, 0x20, 0x1f, 0x03, 0x04, 0x28, 0x09, 0x0a, 0x0e, 0x10, 0x0b, 0x0c];
const SPECIAL_FUNCTIONS = [0x0c, 0x0d, 0x34, 0x30, 0x0f, 0x08, 0x09];

/**
 * hostile.elf with its whole text replaced by a random program from `seed`: $s0 points into its
 * RAM, $s1 into a device page, then CP0 moves with random registers, loads and stores (LL/SC,
 * LWL/SWR, FPU) around both, TLB and ERET/WAIT/HYPCALL operations, SYSCALL/BREAK/traps/SYNC, JR
 * and JALR to random registers, DI/EI/RDHWR/CACHE, COP1-COP1X words, short branches and ALU
 * immediates that mix the registers.
 */
export function randomHostileElf(seed: number): Uint8Array {
  const elf = new Uint8Array(readFileSync(HOSTILE));
  const dv = new DataView(elf.buffer);
  const text = parseElf(elf, 'hostile.elf').segments[0]!;
  const r = xorshift(seed);
  const reg = (): number => {
    for (;;) { const x = r() % 32; if (x !== S0 && x !== S1) return x; }
  };
  const lui = (rt: number, v: number): number => (0x0f << 26) | (rt << 16) | v;
  const ori = (rt: number, v: number): number => (0x0d << 26) | (rt << 21) | (rt << 16) | v;
  const words = [lui(S0, 0xa000), ori(S0, 0x0800), lui(S1, DEVICE_PAGES[r() % DEVICE_PAGES.length]!), ori(S1, (r() % 16) * 0x100)];
  while (words.length < text.data.length / 4) {
    const k = r() % 100;
    let w: number;
    if (k < 25) w = (0x10 << 26) | ((r() & 1 ? 4 : 0) << 21) | (reg() << 16) | ((r() % 32) << 11) | (r() % 8);
    else if (k < 40) w = (LOADS_STORES[r() % LOADS_STORES.length]! << 26) | (S0 << 21) | (reg() << 16) | (((r() % 0x1000) - 0x800) & 0xffff);
    else if (k < 52) w = (LOADS_STORES[r() % 10]! << 26) | (S1 << 21) | (reg() << 16) | ((r() % 0x100) * 4);
    else if (k < 60) w = 0x42000000 | CO_FUNCTIONS[r() % CO_FUNCTIONS.length]!;
    else if (k < 70) {
      const f = SPECIAL_FUNCTIONS[r() % SPECIAL_FUNCTIONS.length]!;
      w = f === 0x08 || f === 0x09 ? (reg() << 21) | (31 << 11) | f : (reg() << 21) | (reg() << 16) | ((r() % 32) << 11) | f;
    } else if (k < 75) w = [0x41606000, 0x41606020, 0x7c00003b | (reg() << 16) | ((r() % 32) << 11), (0x2f << 26) | (S0 << 21) | ((r() % 32) << 16), 0x0000000f][r() % 5]!;
    else if (k < 80) w = ((0x11 + (r() % 3)) << 26) | (r() & 0x3ffffff);
    else if (k < 85) w = ((4 + (r() % 4)) << 26) | (reg() << 21) | (reg() << 16) | (((r() % 16) - 8) & 0xffff);
    else w = ([0x09, 0x0d, 0x0f, 0x0c, 0x0a][r() % 5]! << 26) | (reg() << 21) | (reg() << 16) | (r() & 0xffff);
    words.push(w >>> 0);
  }
  words.forEach((w, i) => dv.setUint32(text.offset + 4 * i, w, true));
  return elf;
}

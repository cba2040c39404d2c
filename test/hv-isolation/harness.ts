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
import { parseSrec } from '../../src/image/srec.ts';
import { CPU_HZ } from '../../src/sim/clock.ts';
import { createMachineForImage, HvMachine } from '../../src/machine/hv-machine.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
const PREBUILT = join(import.meta.dirname, '../../guests/prebuilt');
export const CONFIG = join(FIXTURES, 'isolation.file');
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
  return buildSystem({ config, lib: { text: BUNDLED_DEVICE_LIB, file: 'device.lib' }, board: { ...bundledBoard(name), name }, guests: inputs }).srec;
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

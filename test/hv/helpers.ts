/**
 * Test support for the hypervisor: build an image from a configuration file on disk (guests
 * read relative to it, optionally replaced), boot it on the hypervisor machine and run it in
 * virtual time with scripted console input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundledBoard, bundledBoardName } from '../../src/config/board.ts';
import { buildSystem, configGuestFiles, type BuildResult } from '../../src/config/build.ts';
import { BUNDLED_DEVICE_LIB } from '../../src/config/bundled.ts';
import type { GuestInput } from '../../src/config/model.ts';
import { parseSrec } from '../../src/image/srec.ts';
import { CPU_HZ } from '../../src/sim/clock.ts';
import { createMachineForImage, HvMachine } from '../../src/machine/hv-machine.ts';
import { parseInputScript } from '../../src/machine/input-script.ts';
import type { Machine } from '../../src/machine/machine.ts';

export const ROOT = join(import.meta.dirname, '../..');
export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const REFERENCE = join(ROOT, 'examples/reference');
export const PREBUILT = join(ROOT, 'guests/prebuilt');

/** The example guests, when they have been built (guests/prebuilt). */
export const GUEST1 = join(PREBUILT, 'guest1.elf');
export const GUEST2 = join(PREBUILT, 'guest2.elf');
export const haveExampleGuests = existsSync(GUEST1) && existsSync(GUEST2);

/** Builds `configPath` for `board`; `guests` replaces guest files by their config path. */
export function buildConfig(configPath: string, board = 'wifire', guests: Record<string, string> = {}, text?: string): BuildResult {
  const config = { text: text ?? readFileSync(configPath, 'utf8'), file: configPath };
  const libPath = join(dirname(configPath), 'device.lib');
  const lib = existsSync(libPath) ? { text: readFileSync(libPath, 'utf8'), file: libPath } : { text: BUNDLED_DEVICE_LIB, file: 'device.lib' };
  const name = bundledBoardName(board)!;
  const inputs = new Map<string, GuestInput>();
  for (const g of configGuestFiles(config)) {
    const file = guests[g.path] ?? join(dirname(configPath), g.path);
    inputs.set(g.path, { kind: g.kind, file, bytes: new Uint8Array(readFileSync(file)) });
  }
  return buildSystem({ config, lib, board: bundledBoard(name), guests: inputs });
}

/** Boots an S-record image on the machine `createMachineForImage` picks. */
export function boot(srec: string, file = 'test.srec'): Machine {
  return createMachineForImage(parseSrec(srec, file), file, {});
}

export function bootHv(srec: string): HvMachine {
  const m = boot(srec);
  if (!(m instanceof HvMachine)) throw new Error('expected the hypervisor machine');
  return m;
}

/** Runs `seconds` of virtual time with an optional `--input` script; returns the transcript so far (\r removed). */
export function runFor(m: Machine, seconds: number, input?: string): string {
  if (input !== undefined) m.scheduleInput(parseInputScript(input));
  m.run(Math.round(seconds * CPU_HZ));
  return m.console.text().replace(/\r/g, '');
}

/** Console text after the boot diagnostics (the last SBT line). */
export function afterBoot(text: string): string {
  const i = text.indexOf('SBT4REG2=');
  return i < 0 ? text : text.slice(text.indexOf('\n', i) + 1);
}

/** Occurrences of `ch` in `s`. */
export function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

export interface ModeRun {
  /** The whole console transcript (\r removed). */
  text: string;
  /** LED changes, `name=0|1@cycle`. */
  leds: string[];
  instret: number;
}

/** Boots `srec` interpreted, compiled when hot and compiled eagerly, and runs each for `seconds`. */
export function runInEveryJitMode(srec: string, file: string, seconds: number): [interpreted: ModeRun, compiled: ModeRun, eager: ModeRun] {
  const one = (jit: boolean | 'eager'): ModeRun => {
    const m = createMachineForImage(parseSrec(srec, file), file, { jit });
    const leds: string[] = [];
    m.board.onLed = (name, on, cycle) => leds.push(`${name}=${on ? 1 : 0}@${cycle}`);
    return { text: runFor(m, seconds), leds, instret: m.cpu.instret };
  };
  return [one(false), one(true), one('eager')];
}

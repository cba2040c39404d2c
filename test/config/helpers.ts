/**
 * Test support for the configuration tool: the reference files, ELFs shaped like the original
 * guests (built in memory, so tests need no cross compiler) and a one-call build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildElf } from '../../src/image/test-helpers.ts';
import { bundledBoard, bundledBoardName } from '../../src/config/board.ts';
import { buildSystem, configGuestFiles, type BuildResult } from '../../src/config/build.ts';
import { BUNDLED_DEVICE_LIB } from '../../src/config/bundled.ts';
import type { GuestInput } from '../../src/config/model.ts';

export const REF_DIR = join(import.meta.dirname, '../../examples/reference');

export const REFERENCE_CONFIGS: [string, string][] = [
  ['config.file', 'DigilentChipKitWiFire'],
  ['config-thread.file', 'DigilentChipKitWiFire'],
  ['config-dma.file', 'DigilentChipKitWiFire'],
  ['config-Microchip-DM320007+MEBII.file', 'Microchip-DM320007+MEBII'],
  ['config-OlimexPic32EMZ64.file', 'OlimexPic32EMZ64'],
];

export function refText(name: string): string {
  return readFileSync(join(REF_DIR, name), 'utf8');
}

/**
 * An ELF laid out like the rebuilt pic32mz-guest1 (tinyvp-config-tool.md §2.3): text at
 * 0x9fc00000 (0x718 bytes, R E), bss-only RW segment at 0xa0000000 (0x10 bytes).
 */
export function guestElf(opts: { entry?: number; textSize?: number; fill?: number } = {}): Uint8Array {
  const size = opts.textSize ?? 0x718;
  const text = new Uint8Array(size).map((_, i) => (i * 7 + (opts.fill ?? 1)) & 0xff);
  return buildElf({
    entry: opts.entry ?? 0x9fc00060,
    segments: [
      { vaddr: 0x9fc00000, data: text, flags: 5, align: 0x10 },
      { vaddr: 0xa0000000, data: new Uint8Array(0), memSize: 0x10, flags: 6, align: 0x10 },
    ],
    symbols: [{ name: 'main', value: 0x9fc00100 }],
  }).bytes;
}

export interface BuildOpts {
  board?: string;
  boardText?: string;
  lib?: string;
  /** Guest bytes per path; default: a guestElf for every elf the config names. */
  guests?: Record<string, Uint8Array | GuestInput>;
  file?: string;
}

/** Builds a config text with the bundled device.lib and a bundled board. */
export function build(config: string, opts: BuildOpts = {}): BuildResult {
  const file = opts.file ?? 'test.cfg';
  const cfg = { text: config, file };
  const guests = new Map<string, GuestInput>();
  for (const g of configGuestFiles(cfg)) {
    const given = opts.guests?.[g.path];
    if (given instanceof Uint8Array) guests.set(g.path, { kind: g.kind, file: g.path, bytes: given });
    else if (given) guests.set(g.path, given);
    else guests.set(g.path, { kind: g.kind, file: g.path, bytes: guestElf() });
  }
  const boardName = bundledBoardName(opts.board ?? 'wifire')!;
  const board = opts.boardText !== undefined ? { text: opts.boardText, file: 'test.board', name: 'test.board' } : bundledBoard(boardName);
  return buildSystem({ config: cfg, lib: { text: opts.lib ?? BUNDLED_DEVICE_LIB, file: 'device.lib' }, board, guests });
}

/** Builds one of the reference configurations with guestElf()s for its guests. */
export function buildReference(name: string, board: string, elfs: Record<string, Uint8Array> = {}): BuildResult {
  return build(refText(name), { board, file: name, guests: elfs, lib: refText('device.lib') });
}

/** The message of the UserError `fn` throws, as `file:line: message`. */
export { userError } from '../../src/image/test-helpers.ts';

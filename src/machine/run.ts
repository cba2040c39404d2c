/**
 * Runs a firmware image to completion in-process: the API tests, the benchmark and the
 * browser use (the CLI adds the terminal around the same Machine).
 */
import { loadFirmware } from '../image/load.ts';
import { parseDuration } from '../sim/clock.ts';
import type { Machine, StopReason } from './machine.ts';
import { createMachineForImage } from './hv-machine.ts';
import { parseInputScript } from './input-script.ts';

export interface RunOptions {
  /** Image bytes (ELF, S-record or Intel HEX). */
  bytes: Uint8Array;
  /** Name used in error messages. */
  file: string;
  entry?: number | null;
  /** Stop when the console shows this text. */
  until?: string | null;
  /** Virtual time limit in cycles (default 10 s). */
  forCycles?: number;
  /** Input script as for `--input`. */
  input?: string;
  /** Block compiler mode (see MachineOptions.jit). */
  jit?: boolean | 'eager';
  board?: string;
}

export interface RunResult {
  console: string;
  reason: StopReason;
  machine: Machine;
  wallMs: number;
}

export function runFirmware(o: RunOptions): RunResult {
  const img = loadFirmware(o.bytes, o.file);
  const m = createMachineForImage(img, o.file, {
    until: o.until ?? null, jit: o.jit ?? true, ...(o.board !== undefined ? { board: o.board } : {}),
    ...(o.entry !== undefined ? { entry: o.entry } : {}),
  });
  if (o.input !== undefined) m.scheduleInput(parseInputScript(o.input));
  const t0 = performance.now();
  const reason = m.run(o.forCycles ?? (parseDuration('10s') as number));
  return { console: m.console.text(), reason, machine: m, wallMs: performance.now() - t0 };
}

/**
 * Runs a prebuilt guest (guests/prebuilt/<name>.elf) in-process on a board in virtual time and
 * reads its console: the `ok <group>.<case>` / `FAIL <group>.<case> ...` / `DONE <group>
 * pass=<n> fail=<m>` protocol of guests/soc, plus the host requests a guest may print
 * (`PRESS <button> after=<n>us`, `RELEASE <button> after=<n>us`), which are carried out that
 * long after the request line has left the UART.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadFirmware } from '../../src/image/load.ts';
import { Machine, type StopReason } from '../../src/machine/machine.ts';
import { CPU_HZ, Timer } from '../../src/sim/clock.ts';
import { parseCases, type Cases } from '../util/transcript.ts';

export type { CaseResult } from '../util/transcript.ts';

export interface Transcript extends Omit<Cases, 'extra'> {
  /** Host requests the guest made, in order. */
  requests: string[];
}

const REQUEST_RE = /^(PRESS|RELEASE) (\S+) after=(\d+)us$/;

export function parseTranscript(group: string, text: string): Transcript {
  const { extra, ...t } = parseCases(group, text, (line) => REQUEST_RE.test(line));
  return { ...t, requests: extra };
}

export function prebuilt(name: string): string {
  return fileURLToPath(new URL(`../../guests/prebuilt/${name}.elf`, import.meta.url));
}

/** Loads a prebuilt ELF onto a fresh machine for `board` and points the core at its entry. */
export function bootGuest(name: string, board = 'wifire'): Machine {
  const file = prebuilt(name);
  const img = loadFirmware(new Uint8Array(readFileSync(file)), file);
  const m = new Machine({ board });
  m.load(img, file);
  m.boot(img.entry);
  return m;
}

export interface GuestRun {
  console: string;
  reason: StopReason;
  machine: Machine;
}

/**
 * Runs `name` for at most `seconds` of virtual time, stopping after a `DONE` line; host
 * requests on the console are scheduled as they appear.
 */
export function runGuest(name: string, seconds: number, board = 'wifire'): GuestRun {
  const m = bootGuest(name, board);
  let line = '';
  m.console.onText = (ch) => {
    if (ch !== '\n') {
      line += ch;
      return;
    }
    const done = line.startsWith('DONE ');
    const req = REQUEST_RE.exec(line);
    line = '';
    if (done) m.cpu.halt();
    if (req !== null) {
      const down = req[1] === 'PRESS';
      const button = req[2]!;
      const at = m.clock.now + (Number(req[3]) * CPU_HZ) / 1_000_000;
      m.clock.schedule(new Timer(`host-${req[1]}`, () => m.board.press(button, down)), at);
    }
  };
  const reason = m.run(seconds * CPU_HZ);
  return { console: m.console.text(), reason, machine: m };
}

/**
 * The VZ test suite (guests/vz, built into guests/prebuilt/vz.elf by guests/build.sh): a small
 * root-mode test hypervisor that runs guest snippets in guest mode on the emulated M5150 and
 * checks guest exits, two-stage translation, the guest TLB, interrupt injection, the guest timer,
 * LL bits, delay-slot exits and nested exceptions (spec/mips-vz-m5150.md §1-§5). It prints one
 * line per check, `ok vz.<case>` or `FAIL vz.<case> got=0x........ want=0x........`, `#`
 * diagnostics after a failing case, then `DONE vz pass=<n> fail=<m>`; every check becomes its
 * own vitest case and the summary is checked against the lines seen.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFirmware } from '../../src/machine/run.ts';
import { CPU_HZ } from '../../src/sim/clock.ts';
import { parseCases, type Cases } from '../util/transcript.ts';

/** Virtual time allowed (the suite needs about 5 ms; a guest WAIT run natively would sleep to the end). */
const RUN_SECONDS = 1;

interface Transcript extends Omit<Cases, 'extra'> {
  /** `#` lines: the exits of a case that failed. */
  notes: string[];
}

function parseTranscript(text: string): Transcript {
  const { extra, ...t } = parseCases('vz', text, (line) => line.startsWith('#'));
  return { ...t, notes: extra };
}

/** The diagnostics printed for the case a check belongs to (`<case>.<field>`). */
function notesFor(t: Transcript, name: string): string {
  const kase = name.split('.')[0]!;
  const i = t.notes.findIndex((l) => l.startsWith(`# ${kase}:`));
  if (i < 0) return '';
  const out = [t.notes[i]!];
  for (let k = i + 1; k < t.notes.length && t.notes[k]!.startsWith('#  '); k++) out.push(t.notes[k]!);
  return '\n' + out.join('\n');
}

describe('vz transcript parser', () => {
  it('reads checks, failures, notes, the summary and stray lines', () => {
    const t = parseTranscript('ok vz.a.b\nFAIL vz.c.d got=0x00000001 want=0x00000002\n# c: 1 exit(s)\nboom\nDONE vz pass=1 fail=1\n');
    expect(t.cases).toEqual([
      { name: 'a.b', ok: true, line: 'ok vz.a.b' },
      { name: 'c.d', ok: false, line: 'FAIL vz.c.d got=0x00000001 want=0x00000002' },
    ]);
    expect(t.done).toEqual({ pass: 1, fail: 1 });
    expect(t.notes).toEqual(['# c: 1 exit(s)']);
    expect(t.other).toEqual(['boom']);
    expect(notesFor(t, 'c.d')).toBe('\n# c: 1 exit(s)');
  });
});

describe('vz', () => {
  const file = fileURLToPath(new URL('../../guests/prebuilt/vz.elf', import.meta.url));
  const r = runFirmware({ bytes: new Uint8Array(readFileSync(file)), file, forCycles: RUN_SECONDS * CPU_HZ });
  const t = parseTranscript(r.console);

  it('runs to its DONE line with every check reported', () => {
    expect(t.other, `unexpected console lines (stopped: ${r.reason})`).toEqual([]);
    expect(t.done, `no DONE line (stopped: ${r.reason}; the last case run is gpsi-wait)`).not.toBeNull();
    expect(t.cases.length).toBeGreaterThan(0);
    const passed = t.cases.filter((c) => c.ok).length;
    expect(t.done).toEqual({ pass: passed, fail: t.cases.length - passed });
    expect(new Set(t.cases.map((c) => c.name)).size, 'check names are unique').toBe(t.cases.length);
  });

  for (const c of t.cases) {
    it(c.name, () => {
      expect(c.ok, c.line + notesFor(t, c.name)).toBe(true);
    });
  }
});

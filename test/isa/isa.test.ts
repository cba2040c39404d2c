/**
 * The guest instruction tests (guests/isa/<group>.S, built into guests/prebuilt/isa-<group>.elf by
 * guests/build.sh) run on the emulated M5150 in-process. Each program prints one line per case,
 * `ok <group>.<case>` or `FAIL <group>.<case> got=0x........ want=0x........`, then
 * `DONE <group> pass=<n> fail=<m>`; every case becomes its own vitest case, and the summary is
 * checked against the lines seen.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFirmware } from '../../src/machine/run.ts';
import { CPU_HZ } from '../../src/sim/clock.ts';
import { parseCases, type Cases } from '../util/transcript.ts';

const GROUPS = ['integer', 'branch', 'loadstore', 'muldiv', 'fpu', 'cp0', 'tlb', 'eic'] as const;

/** Virtual time allowed per program (each needs well under 10 ms; the rest passes idle). */
const RUN_SECONDS = 1;

type Transcript = Cases;

export function parseTranscript(group: string, text: string): Transcript {
  return parseCases(group, text);
}

interface GuestRun { console: string; reason: string; compiled: number; compileErrors: number }

function runGuest(name: string, seconds: number, jit: boolean | 'eager' = true): GuestRun {
  const file = fileURLToPath(new URL(`../../guests/prebuilt/${name}.elf`, import.meta.url));
  const r = runFirmware({ bytes: new Uint8Array(readFileSync(file)), file, forCycles: seconds * CPU_HZ, jit });
  const blocks = r.machine.cpu.jit;
  return { console: r.console, reason: r.reason, compiled: blocks?.compiled ?? 0, compileErrors: blocks?.compileErrors ?? 0 };
}

function runGroup(group: string, jit: boolean | 'eager'): { transcript: Transcript; reason: string; run: GuestRun } {
  const r = runGuest(`isa-${group}`, RUN_SECONDS, jit);
  return { transcript: parseTranscript(group, r.console), reason: r.reason, run: r };
}

describe('hello.elf', () => {
  it('prints exactly one line and then idles', () => {
    expect(runGuest('hello', 0.05).console).toBe('hello from tinyvp\n');
  });
});

describe('transcript parser', () => {
  it('reads cases, failures with values, the summary and stray lines', () => {
    const t = parseTranscript('g', 'ok g.a.b\nFAIL g.c got=0x00000001 want=0x00000002\nboom\nDONE g pass=1 fail=1\n');
    expect(t.cases).toEqual([
      { name: 'a.b', ok: true, line: 'ok g.a.b' },
      { name: 'c', ok: false, line: 'FAIL g.c got=0x00000001 want=0x00000002' },
    ]);
    expect(t.done).toEqual({ pass: 1, fail: 1 });
    expect(t.other).toEqual(['boom']);
  });
});

// Each program runs interpreted and with every block compiled on first use: both must pass.
for (const [mode, jit] of [['interpreted', false], ['compiled', 'eager']] as const)
for (const group of GROUPS) {
  describe(`isa-${group} (${mode})`, () => {
    const { transcript, reason, run } = runGroup(group, jit);

    if (jit === 'eager') {
      it('compiles its code into blocks without generator errors', () => {
        expect(run.compiled).toBeGreaterThan(0);
        expect(run.compileErrors).toBe(0);
      });
    }

    it('runs to its DONE line with every case reported', () => {
      expect(transcript.other, `unexpected console lines (stopped: ${reason})`).toEqual([]);
      expect(transcript.done, `no DONE line (stopped: ${reason})`).not.toBeNull();
      expect(transcript.cases.length).toBeGreaterThan(0);
      const passed = transcript.cases.filter((c) => c.ok).length;
      expect(transcript.done).toEqual({ pass: passed, fail: transcript.cases.length - passed });
      expect(new Set(transcript.cases.map((c) => c.name)).size, 'case names are unique').toBe(transcript.cases.length);
    });

    for (const c of transcript.cases) {
      it(c.name, () => {
        expect(c.ok, c.line).toBe(true);
      });
    }
  });
}

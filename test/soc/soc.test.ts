/**
 * The SoC peripheral tests (guests/soc/<group>.c, built into guests/prebuilt/soc-<group>.elf by
 * guests/build.sh) run in-process on the Wi-FIRE board. Each program checks one peripheral
 * against datasheet values in virtual time and prints a line per case and a DONE summary;
 * every case becomes a vitest case. Cases where the model disagrees with the datasheet are
 * listed in MODEL_DISAGREES with the reason, and run as `it.fails` so that the suite stays
 * green until the model is fixed (then the entry must go).
 */
import { describe, expect, it } from 'vitest';
import { parseTranscript, runGuest, type Transcript } from './harness.ts';

const GROUPS = ['uart', 'timer', 'dma', 'gpio', 'system', 'nvm'] as const;

/** Virtual time allowed per program; each reaches DONE well before (the run stops there). */
const RUN_SECONDS = 2;

/** `<group>.<case>` -> why the model is wrong there (reproducers in test/soc/README.md). */
const MODEL_DISAGREES: Record<string, string> = {};

/** Host requests the gpio program makes, in order (it presses BTN1 through the host). */
const GPIO_REQUESTS = [
  'PRESS BTN1 after=1000us', 'RELEASE BTN1 after=500us', 'PRESS BTN1 after=300us', 'RELEASE BTN1 after=300us',
  'PRESS BTN1 after=100us', 'RELEASE BTN1 after=100us',
];

describe('transcript parser', () => {
  it('reads cases, the summary, host requests and stray lines', () => {
    const t = parseTranscript('g', 'ok g.a.b\nFAIL g.c got=1 want=2..3\nPRESS BTN1 after=10us\nboom\nDONE g pass=1 fail=1\n');
    expect(t.cases).toEqual([
      { name: 'a.b', ok: true, line: 'ok g.a.b' },
      { name: 'c', ok: false, line: 'FAIL g.c got=1 want=2..3' },
    ]);
    expect(t.done).toEqual({ pass: 1, fail: 1 });
    expect(t.requests).toEqual(['PRESS BTN1 after=10us']);
    expect(t.other).toEqual(['boom']);
  });
});

for (const group of GROUPS) {
  describe(`soc-${group}`, () => {
    const r = runGuest(`soc-${group}`, RUN_SECONDS);
    const t: Transcript = parseTranscript(group, r.console);

    it('runs to its DONE line with every case reported', () => {
      expect(t.other, `unexpected console lines (stopped: ${r.reason})`).toEqual([]);
      expect(t.done, `no DONE line (stopped: ${r.reason})`).not.toBeNull();
      expect(t.cases.length).toBeGreaterThan(0);
      const passed = t.cases.filter((c) => c.ok).length;
      expect(t.done).toEqual({ pass: passed, fail: t.cases.length - passed });
      expect(new Set(t.cases.map((c) => c.name)).size, 'case names are unique').toBe(t.cases.length);
      if (group === 'gpio') expect(t.requests).toEqual(GPIO_REQUESTS);
    });

    for (const c of t.cases) {
      const why = MODEL_DISAGREES[`${group}.${c.name}`];
      if (why !== undefined) {
        it.fails(`${c.name} (model disagrees: ${why})`, () => {
          expect(c.ok, c.line).toBe(true);
        });
      } else {
        it(c.name, () => {
          expect(c.ok, c.line).toBe(true);
        });
      }
    }
  });
}

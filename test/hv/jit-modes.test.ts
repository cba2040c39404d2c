/**
 * The example systems behave the same whether guest code is interpreted, compiled once hot or
 * compiled on first use: identical console output and LED changes, cycle for cycle, over long
 * runs (a compiled block must leave the core exactly as the interpreter would, down to the
 * state a later exception reports). The reference system has its own minute-long check in
 * reference.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, PREBUILT, ROOT, runInEveryJitMode } from './helpers.ts';

/** Example directory, board, virtual seconds (the thread example has a root thread that never waits). */
const CASES: [string, string, number][] = [
  ['wifire-dma', 'wifire', 30],
  ['dm320007', 'dm320007', 30],
  ['emz64', 'emz64', 30],
  ['wifire-thread', 'wifire', 0.3],
];

const haveGuests = ['guest1.elf', 'guest2.elf', 'dma-guest.elf', 'dm320007.elf', 'olimex.elf'].every((f) => existsSync(join(PREBUILT, f)));

describe.skipIf(!haveGuests)('interpreted, compiled and eagerly compiled guests', () => {
  for (const [dir, board, seconds] of CASES) {
    it(`${dir}: ${seconds} s of virtual time with the same output in every mode`, () => {
      const srec = buildConfig(join(ROOT, 'examples', dir, 'config.file'), board).srec;
      const runs = runInEveryJitMode(srec, `${dir}.srec`, seconds);
      const [interp] = runs;
      expect(interp!.text).not.toContain('PANIC');
      expect(interp!.leds.length).toBeGreaterThan(0);
      for (const r of runs.slice(1)) {
        expect(r.text).toBe(interp!.text);
        expect(r.leds).toEqual(interp!.leds);
        expect(r.instret).toBe(interp!.instret);
      }
    });
  }
});

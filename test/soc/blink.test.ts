/**
 * guests/prebuilt/blink-<board>.elf on its own board for 2 s of virtual time: one banner line on
 * the board's console UART, then a running light over the board's LEDs (src/board/boards.ts
 * order), one step every 250 ms of the core timer. Checks the exact LED timeline: which LED
 * goes off and on at each step, every step exactly 250 ms after the one before (the program
 * wakes from WAIT on Count = Compare and runs the same path each time, so within one Count
 * tick), and that nothing else changes.
 */
import { describe, expect, it } from 'vitest';
import { BOARDS } from '../../src/board/boards.ts';
import { CPU_HZ } from '../../src/sim/clock.ts';
import { bootGuest } from './harness.ts';

const RUN_CYCLES = 2 * CPU_HZ;
const STEP_CYCLES = CPU_HZ / 4;
/** One core timer tick (Count runs at half the core clock). */
const TICK_CYCLES = 2;
/** The previous LED goes off at most this long before the next one comes on. */
const STEP_SPREAD_CYCLES = 100;

interface LedEvent {
  name: string;
  on: boolean;
  cycle: number;
}

for (const spec of BOARDS) {
  describe(`blink-${spec.shortName}`, () => {
    const m = bootGuest(`blink-${spec.shortName}`, spec.shortName);
    const events: LedEvent[] = [];
    m.board.onLed = (name, on, cycle) => events.push({ name, on, cycle });
    m.run(RUN_CYCLES);
    const text = m.console.text();
    const names = spec.leds.map((l) => l.name);

    it('prints its banner on the board console', () => {
      expect(text).toBe(`blink: ${spec.title}: ${names.join(' ')}, 250 ms per step\n`);
    });

    it('steps a running light every 250 ms', () => {
      expect(events.length).toBeGreaterThan(0);
      const t0 = events[0]!.cycle;
      // The banner is printed first, so the light starts a few ms in: 8 steps fit in 2 s.
      expect(t0).toBeLessThan(STEP_CYCLES);
      const steps = Math.floor((RUN_CYCLES - t0) / STEP_CYCLES) + 1;
      const want: { name: string; on: boolean; step: number }[] = [];
      for (let k = 0; k < steps; k++) {
        if (k > 0) want.push({ name: names[(k - 1) % names.length]!, on: false, step: k });
        want.push({ name: names[k % names.length]!, on: true, step: k });
      }
      expect(events.map((e) => `${e.name} ${e.on ? 'on' : 'off'}`)).toEqual(want.map((w) => `${w.name} ${w.on ? 'on' : 'off'}`));
      // Step k is when its LED comes on, t0 + k * 250 ms; the previous LED goes off just before.
      for (let i = 0; i < want.length; i++) {
        const w = want[i]!;
        const at = events[i]!.cycle - (t0 + w.step * STEP_CYCLES);
        const what = `event ${i} (${w.name} ${w.on ? 'on' : 'off'}) vs. step ${w.step}: ${at} cycles`;
        if (w.on) expect(Math.abs(at), what).toBeLessThanOrEqual(TICK_CYCLES);
        else expect(at >= -STEP_SPREAD_CYCLES && at <= 0, what).toBe(true);
      }
      // Each LED switches on exactly 250 ms after the one before it did.
      const ons = events.filter((e) => e.on);
      for (let k = 1; k < ons.length; k++) {
        expect(Math.abs(ons[k]!.cycle - ons[k - 1]!.cycle - STEP_CYCLES), `step ${k}`).toBeLessThanOrEqual(TICK_CYCLES);
      }
      expect(m.board.leds().filter((l) => l.on).map((l) => l.name)).toEqual([names[(steps - 1) % names.length]]);
    });
  });
}

/**
 * The DM320007 and Olimex configurations (one guest2-style VM each, console on the board's own
 * UART) and the DMA configuration under the hypervisor, as issue #6 item 9 asks for the two-guest
 * system: progress on the console, the LED timeline in virtual time, the ^E input switch, and the
 * root console's stop/continue/restart and status commands.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { afterBoot, bootHv, buildConfig, count, PREBUILT, REFERENCE, runFor } from './helpers.ts';

interface BoardCase {
  config: string;
  board: string;
  link: string;
  elf: string;
  leds: string[];
}

const CASES: BoardCase[] = [
  { config: 'config-Microchip-DM320007+MEBII.file', board: 'dm320007', link: 'pic32mz-DM320007/uart.elf', elf: 'dm320007.elf', leds: ['LED1', 'LED2', 'LED3'] },
  { config: 'config-OlimexPic32EMZ64.file', board: 'emz64', link: 'pic32mz-Olimex/uart.elf', elf: 'olimex.elf', leds: ['green', 'yellow', 'red'] },
];

for (const c of CASES) {
  const elf = join(PREBUILT, c.elf);
  describe.skipIf(!existsSync(elf))(`${c.config} on ${c.board}`, () => {
    const srec = (): string => buildConfig(join(REFERENCE, c.config), c.board, { [c.link]: elf }).srec;

    it('prints its progress and toggles its three LEDs 0.1 s apart, each every 0.3 s', () => {
      const m = bootHv(srec());
      const times = new Map<string, number[]>(c.leds.map((l) => [l, []]));
      m.board.onLed = (name, _on, cycle) => times.get(name)?.push(Math.round((cycle / 2e8) * 10));
      const run = afterBoot(runFor(m, 2.05));
      const dots = count(run.slice(run.indexOf('Config7')).replace(/\|-------.*\n/g, ''), '.');
      expect(dots).toBeGreaterThanOrEqual(6);
      expect(dots).toBeLessThanOrEqual(7);
      // Every LED changes every 0.3 s; together they step every 0.1 s.
      const all = [...times.values()].flat().sort((a, b) => a - b);
      for (const t of times.values()) {
        expect(t.length).toBeGreaterThanOrEqual(6);
        for (let i = 2; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBe(3);
      }
      expect(new Set(all.filter((t) => t > 0)).size).toBeGreaterThanOrEqual(18);
      expect(run).not.toContain('PANIC');
    });

    it('takes console input through ^E1 and changes its symbol', () => {
      const m = bootHv(srec());
      const run = afterBoot(runFor(m, 3.5, '@2.1s:\\x051+;@2.2s:\\x050'));
      const mark = '[00:00:03.000] --------|';
      const tail = run.slice(run.indexOf(mark) + mark.length);
      expect(count(tail, '+')).toBeGreaterThanOrEqual(1);
      expect(count(tail.replace(/\|-------.*\n/g, ''), '.')).toBe(0);
    });

    it('stops, continues and restarts its VM from the root console', () => {
      const m = bootHv(srec());
      let text = afterBoot(runFor(m, 1.5, '@1.2s:1s'));
      expect(text).toContain('Thread1: stopped');
      text = afterBoot(runFor(m, 1));
      // Nothing from the stopped VM (the root's own status lines aside).
      const stopped = text.slice(text.indexOf('Thread1: stopped')).replace(/\|-------.*\n|Status=.*\n/g, '');
      expect(count(stopped, '.')).toBe(0);
      text = afterBoot(runFor(m, 1, '@2.6s:c'));
      expect(text).toContain('Thread1: continued');
      text = afterBoot(runFor(m, 1, '@3.6s:1r'));
      expect(text.slice(text.indexOf('Thread1: restarted'))).toContain('Config7 = ');
      text = afterBoot(runFor(m, 0.5, '@4.7s:1q'));
      expect(text).toMatch(/\nThread1: EPC=[0-9a-f]{8} /);
    });
  });
}

const DMA = join(PREBUILT, 'dma-guest.elf');
describe.skipIf(!existsSync(DMA))('config-dma.file on wifire', () => {
  it('copies with DMA every 3 s, toggles LD1 and answers ^E1 input', () => {
    const m = bootHv(buildConfig(join(REFERENCE, 'config-dma.file'), 'wifire', { 'pic32mz-dma-guest/uart.elf': DMA }).srec);
    const ld1: number[] = [];
    m.board.onLed = (name, _on, cycle) => { if (name === 'LD1') ld1.push(Math.round(cycle / 2e8)); };
    const run = afterBoot(runFor(m, 7.5, '@4s:\\x051=;@4.1s:\\x050'));
    expect(ld1.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < ld1.length; i++) expect(ld1[i]! - ld1[i - 1]!).toBe(3);
    expect(count(run, '#')).toBeGreaterThanOrEqual(2);
    expect(run.slice(run.indexOf('[00:00:05.000]'))).toContain('=');
    expect(run).not.toMatch(/DMA (err|bad)|PANIC/);
  });
});

import { describe, expect, it } from 'vitest';
import { LedBar, render, type BarTerminal } from './led-bar.ts';

const LEDS = [{ name: 'LD1', on: true }, { name: 'LD2', on: false }];

class FakeTerm implements BarTerminal {
  out = '';
  resize: (() => void) | null = null;
  constructor(public rows: number, public columns: number) {}
  write(s: string): void { this.out += s; }
  on(_e: 'resize', f: () => void): void { this.resize = f; }
  off(): void { this.resize = null; }
}

describe('LED status line', () => {
  it('shows each LED lit or dark and the virtual time at the right edge', () => {
    const line = render(LEDS, 3 * 200_000_000, 40, false);
    expect(line.startsWith(' LEDs  LD1 \u25cf  LD2 \u25cb')).toBe(true);
    expect(line.endsWith('3.000s')).toBe(true);
    expect(line.length).toBe(40);
  });

  it('drops the time, then the names, when the terminal is narrow', () => {
    expect(render(leds(), 0, 20, false)).toBe(' LEDs  LD1 \u25cf  LD2 \u25cb');
    expect(render(leds(), 0, 10, false)).toBe('\u25cf \u25cb');
  });

  it('keeps the bottom line out of the scroll region and gives it back at the end', () => {
    const t = new FakeTerm(24, 80);
    const bar = new LedBar(t, LEDS, false);
    bar.start();
    expect(t.out).toContain('\x1b[1;23r');
    expect(t.out).toContain('\x1b[24;1H\x1b[2K LEDs  LD1 \u25cf  LD2 \u25cb');
    bar.set('LD2', true, 0);
    t.out = '';
    bar.draw();
    expect(t.out).toContain('LD2 \u25cf');
    // A resize moves the region and the line.
    t.rows = 30;
    t.resize!();
    expect(t.out).toContain('\x1b[1;29r');
    bar.stop();
    expect(t.out).toContain('\x1b[r');
    expect(t.resize).toBeNull();
  });
});

function leds(): { name: string; on: boolean }[] {
  return LEDS.map((l) => ({ ...l }));
}

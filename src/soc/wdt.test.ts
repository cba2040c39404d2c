import { describe, expect, it } from 'vitest';
import { createPic32mz } from './pic32mz.ts';
import { advance } from './test-helpers.ts';

const WDTCON = 0x1f800800, RCON = 0x1f801240;

function soc() {
  const s = createPic32mz();
  const wr = (pa: number, v: number) => void s.bus.store('cpu', pa, 4, v >>> 0);
  return { s, wr };
}

describe('watchdog', () => {
  it('resets through the watchdog unless it is cleared with 0x5743', () => {
    // FWDTEN = 1, WDTPS = 0 (1 ms period), WINDIS = 1.
    const s = createPic32mz({ devcfg: [0xfffff7d7, 0x3fe03839 | (1 << 23), 0xfff9b11a, 0xfeffffff] });
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    expect(s.bus.load('cpu', WDTCON, 4)! & 0x8000).toBe(0x8000);
    advance(s.clock, 150_000);
    s.bus.store('cpu', WDTCON + 2, 2, 0x5743); // 16-bit write of the key to WDTCLRKEY
    advance(s.clock, 150_000);
    expect(kinds).toEqual([]);
    s.bus.store('cpu', WDTCON + 2, 2, 0x1234); // wrong key does not clear
    advance(s.clock, 50_000);
    expect(kinds).toEqual(['wdt']);
    s.reset('wdt');
    expect(s.bus.load('cpu', RCON, 4)! & (1 << 4)).toBe(1 << 4);
  });
  it('leaves the watchdog off with the board DEVCFG and lets software turn it on', () => {
    const { s, wr } = soc();
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    advance(s.clock, 1e9);
    expect(kinds).toEqual([]);
    wr(WDTCON + 8, 0x8000);
    advance(s.clock, 2 ** 20 * 200_000); // WDTPS = 20: 1048576 ms
    expect(kinds).toEqual(['wdt']);
  });
});

describe('watchdog window', () => {
  it('resets when cleared before the window opens (WINDIS = 0, 25 % window)', () => {
    // FWDTEN = 1, WDTPS = 2 (4 ms), WINDIS = 0, FWDTWINSZ = 11.
    const s = createPic32mz({ devcfg: [0xfffff7d7, (0x3f743839 & ~(0x1f << 16) & ~(1 << 22)) | (2 << 16) | (1 << 23) | (3 << 24), 0xfff9b11a, 0xfeffffff] });
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    expect(s.bus.load('cpu', WDTCON, 4)! & 0x1f01).toBe(0x0201); // RUNDIV = 2, WDTWINEN
    advance(s.clock, 700_000); // 3.5 ms: inside the last 25 %
    s.bus.store('cpu', WDTCON, 4, 0x57430001); // full word: key in the upper half, WDTWINEN kept
    expect(kinds).toEqual([]);
    advance(s.clock, 100_000);
    s.bus.store('cpu', WDTCON + 2, 2, 0x5743); // 0.5 ms after the clear: window closed
    expect(kinds).toEqual(['wdt']);
  });
});

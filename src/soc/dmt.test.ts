import { describe, expect, it } from 'vitest';
import { createPic32mz } from './pic32mz.ts';
import { advance } from './test-helpers.ts';

describe('deadman timer', () => {
  it('resets through the deadman timer unless STEP1/STEP2 clear it', () => {
    // FDMTEN = 1, DMTCNT = 0 (256 counts), DMTINTV = 0.
    const s = createPic32mz({ devcfg: [0xfffff7d7, 0x80743839 & ~(7 << 3), 0xfff9b11a, 0xfeffffff] });
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    advance(s.clock, 200);
    expect(s.bus.load('cpu', 0x1f800a40, 4)).toBe(200); // DMTCNT at PBCLK7 = 200 MHz
    s.bus.store('cpu', 0x1f800a10, 4, 0x4000); // STEP1
    s.bus.store('cpu', 0x1f800a20, 4, 0x08); // STEP2
    advance(s.clock, 200);
    expect(kinds).toEqual([]);
    s.bus.store('cpu', 0x1f800a20, 4, 0x08); // STEP2 without STEP1
    expect(kinds).toEqual(['dmt']);
    expect(s.bus.load('cpu', 0x1f800a30, 4)! & 0x60).toBe(0x60); // BAD2, DMTEVENT
  });
});

describe('deadman window', () => {
  it('refuses a clear before the window (DMTINTV) opens', () => {
    // FDMTEN = 1, DMTCNT = 0 (256 counts), DMTINTV = 1: window is the last half.
    const s = createPic32mz({ devcfg: [0xfffff7d7, (0x80743839 & ~(7 << 3) & ~(0x1f << 26)) | (1 << 3), 0xfff9b11a, 0xfeffffff] });
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    expect(s.bus.load('cpu', 0x1f800a70, 4)).toBe(128); // DMTPSINTV
    expect(s.bus.load('cpu', 0x1f800a60, 4)).toBe(256); // DMTPSCNT
    advance(s.clock, 100);
    expect(s.bus.load('cpu', 0x1f800a30, 4)! & 1).toBe(0); // WINOPN
    s.bus.store('cpu', 0x1f800a10, 4, 0x4000);
    s.bus.store('cpu', 0x1f800a20, 4, 0x08);
    expect(kinds).toEqual(['dmt']);
  });

  it('expires when never cleared', () => {
    const s = createPic32mz({ devcfg: [0xfffff7d7, 0x80743839 & ~(7 << 3) & ~(0x1f << 26), 0xfff9b11a, 0xfeffffff] });
    const kinds: string[] = [];
    s.onReset = (k) => kinds.push(k);
    advance(s.clock, 255);
    expect(kinds).toEqual([]);
    advance(s.clock, 1);
    expect(kinds).toEqual(['dmt']);
  });
});

/**
 * Root threads from `.thread` blocks (tinyvp-runtime.md §0, §3, §7): a user-mode root thread
 * runs its ELF at its root virtual entry with ASID = its id, its pages refilled from its own
 * tree (GuestID 0) and its sub-page registers emulated; it never waits, yet the VM beside it
 * still runs, and the tick keeps the scheduler going.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { C0 } from '../../src/mips/cp0.ts';
import { afterBoot, bootHv, buildConfig, FIXTURES, runFor } from './helpers.ts';

describe('root threads', () => {
  it('runs a user-mode root thread beside a VM', () => {
    const m = bootHv(buildConfig(join(FIXTURES, 'uthread.file')).srec);
    const toggles: number[] = [];
    m.board.onLed = (name, _on, cycle) => { if (name === 'LD1') toggles.push(cycle); };
    const text = afterBoot(runFor(m, 1.2));
    expect(text).toContain('hello from tinyvp\n');
    expect(text).not.toContain('PANIC');
    // About 3 M instructions per toggle: some 80 toggles in 1.2 s, evenly spaced.
    expect(toggles.length).toBeGreaterThan(60);
    const gaps = toggles.slice(1).map((c, i) => c - toggles[i]!);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(2000);
    const th = m.hv.thread(3)!;
    expect(th.kind).toBe('thread');
    expect(th.refills).toBeGreaterThanOrEqual(2);
    expect(th.emulated).toBe(2);
    expect(m.hv.instructionsOf(th)).toBeGreaterThan(0.9 * m.cpu.instret);
    // It runs in root user mode with its ASID, outside guest mode.
    expect(m.cpu.guest).toBe(false);
    expect(m.cpu.mfc0(C0.STATUS) & 0x10).toBe(0x10);
    expect(m.cpu.mfc0(C0.ENTRYHI) & 0xff).toBe(3);
  });
});

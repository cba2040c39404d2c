/**
 * Helpers for the device tests (QEMU qtest style: drive registers from TypeScript, step virtual
 * time, look at flags). Used only by *.test.ts files.
 */
import type { Clock } from '../sim/clock.ts';
import type { AccessSize } from '../mips/bus.ts';
import type { MmioDevice } from './bus.ts';
import type { Pic32mz } from './pic32mz.ts';
import { SYSKEY_1, SYSKEY_2 } from './system.ts';

const SYSKEY_PA = 0x1f800030;

/** Runs every event up to and including cycle `t`, with `now` set to each event's time. */
export function runUntil(clock: Clock, t: number): void {
  for (;;) {
    const next = clock.nextAt;
    if (next > t) break;
    clock.now = Math.max(clock.now, next);
    clock.dispatch();
  }
  clock.now = Math.max(clock.now, t);
}

/** Advances virtual time by `cycles`, firing events on the way. */
export function advance(clock: Clock, cycles: number): void {
  runUntil(clock, clock.now + cycles);
}

/** Word access helpers on a device at offsets. */
export function dev(d: MmioDevice): { rd: (off: number, size?: AccessSize) => number; wr: (off: number, v: number, size?: AccessSize) => void } {
  return {
    rd: (off, size = 4) => d.read(off, size) >>> 0,
    wr: (off, v, size = 4) => d.write(off, v >>> 0, size),
  };
}

/** CPU-side physical accesses to a whole SoC, and the SYSKEY unlock sequence. */
export function cpuAccess(s: Pic32mz): { rd: (pa: number, size?: AccessSize) => number; wr: (pa: number, v: number, size?: AccessSize) => void; unlock: () => void } {
  const rd = (pa: number, size: AccessSize = 4): number => s.bus.load('cpu', pa, size)!;
  const wr = (pa: number, v: number, size: AccessSize = 4): void => void s.bus.store('cpu', pa, size, v >>> 0);
  const unlock = (): void => {
    wr(SYSKEY_PA, 0);
    wr(SYSKEY_PA, SYSKEY_1);
    wr(SYSKEY_PA, SYSKEY_2);
  };
  return { rd, wr, unlock };
}

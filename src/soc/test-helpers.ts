/**
 * Helpers for the device tests (QEMU qtest style: drive registers from TypeScript, step virtual
 * time, look at flags). Used only by *.test.ts files.
 */
import type { Clock } from '../sim/clock.ts';
import type { AccessSize } from '../mips/bus.ts';
import type { MmioDevice } from './bus.ts';

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

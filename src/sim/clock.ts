/**
 * Virtual time. The unit is one cycle of the 200 MHz core (5 ns): one instruction takes one
 * cycle, so `now` is also the instruction clock. Devices own their `Timer` objects and re-arm
 * them, so scheduling allocates nothing once a device is built.
 */

/** Core clock in Hz: one instruction per cycle. */
export const CPU_HZ = 200_000_000;
/** Nanoseconds per core cycle. */
export const NS_PER_CYCLE = 1e9 / CPU_HZ;

/** A one-shot event a device can arm, cancel and re-arm. */
export class Timer {
  /** Cycle at which it fires; Infinity when not armed. */
  at = Infinity;
  /** Position in the clock's heap, -1 when not queued. */
  slot = -1;
  constructor(
    readonly name: string,
    readonly fire: (now: number) => void,
  ) {}
}

/** The single event queue: a binary min-heap of Timers keyed by `at`. */
export class Clock {
  /** Current virtual time in cycles. The CPU advances it while it runs. */
  now = 0;
  private heap: Timer[] = [];
  /** Called when the earliest event moves earlier, so a running CPU can stop sooner. */
  onEarlier: (() => void) | null = null;

  /** Cycle of the earliest armed event, or Infinity. */
  get nextAt(): number {
    const top = this.heap[0];
    return top === undefined ? Infinity : top.at;
  }

  /** Arms (or re-arms) `t` to fire at absolute cycle `at`. */
  schedule(t: Timer, at: number): void {
    const before = this.nextAt;
    if (t.slot >= 0) this.remove(t);
    t.at = at;
    t.slot = this.heap.length;
    this.heap.push(t);
    this.up(t.slot);
    if (at < before && this.onEarlier !== null) this.onEarlier();
  }

  /** Arms `t` to fire `delay` cycles from now. */
  after(t: Timer, delay: number): void {
    this.schedule(t, this.now + Math.max(0, delay));
  }

  cancel(t: Timer): void {
    if (t.slot >= 0) this.remove(t);
    t.at = Infinity;
  }

  /** Fires every event due at or before `now`, in time order. */
  dispatch(): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.at > this.now) return;
      this.remove(top);
      const at = top.at;
      top.at = Infinity;
      top.fire(at);
    }
  }

  private remove(t: Timer): void {
    const i = t.slot;
    const last = this.heap.pop() as Timer;
    t.slot = -1;
    if (last !== t) {
      this.heap[i] = last;
      last.slot = i;
      this.down(i);
      this.up(last.slot);
    }
  }

  private up(i: number): void {
    const h = this.heap;
    const t = h[i] as Timer;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = h[p] as Timer;
      if (pt.at <= t.at) break;
      h[i] = pt;
      pt.slot = i;
      i = p;
    }
    h[i] = t;
    t.slot = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const t = h[i] as Timer;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (h[r] as Timer).at < (h[c] as Timer).at) c = r;
      const ct = h[c] as Timer;
      if (ct.at >= t.at) break;
      h[i] = ct;
      ct.slot = i;
      i = c;
    }
    h[i] = t;
    t.slot = i;
  }
}

/** Parses a duration such as `5s`, `250ms`, `10us`, `100ns` or `1000c` (cycles) into cycles. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|ms|us|ns|c|cycles)?\s*$/.exec(text);
  if (m === null) return null;
  const v = Number(m[1]);
  switch (m[2] ?? 's') {
    case 's': return Math.round(v * CPU_HZ);
    case 'ms': return Math.round(v * CPU_HZ / 1e3);
    case 'us': return Math.round(v * CPU_HZ / 1e6);
    case 'ns': return Math.round(v / NS_PER_CYCLE);
    default: return Math.round(v);
  }
}

/** Formats cycles as seconds with millisecond precision, e.g. `1.250s`. */
export function formatTime(cycles: number): string {
  return (cycles / CPU_HZ).toFixed(3) + 's';
}

/**
 * Scheduler decisions (tinyvp-runtime.md §7.2): the runnable thread with the smallest
 * reschedule_count + 2·id wins, ties to the lowest id, none means thread 0; STOPPED threads
 * never run; the tick charges the running thread so a guest that never waits is preempted.
 */
import { describe, expect, it } from 'vitest';
import { Hypervisor } from '../../src/hv/hypervisor.ts';
import { pickNext, reschedule, switchTo } from '../../src/hv/scheduler.ts';
import { TF_RUNNING, TF_STOPPED, Thread } from '../../src/hv/thread.ts';
import type { Cpu } from '../../src/mips/cpu.ts';

function world(ids: number[]): { hv: Hypervisor; t: Record<number, Thread> } {
  const hv = new Hypervisor({ mfc0: () => 0 } as unknown as Cpu);
  hv.root = new Thread(0, 'root', 0, 0, null, 0, 0);
  const t: Record<number, Thread> = {};
  for (const id of ids) {
    t[id] = new Thread(id, 'vm', id, id, null, 0x9d001000, 0);
    t[id]!.flags = TF_RUNNING;
    hv.others.push(t[id]!);
  }
  hv.threads = [hv.root, ...ids.map((id) => t[id]!)];
  hv.current = hv.loaded = hv.root;
  return { hv, t };
}

describe('scheduler', () => {
  it('prefers the lowest weight, then the lowest id', () => {
    const { hv, t } = world([1, 2, 3]);
    expect(pickNext(hv)).toBe(t[1]);
    t[1]!.rescheduleCount = 3; // weight 5 vs 4 and 6
    expect(pickNext(hv)).toBe(t[2]);
    t[2]!.rescheduleCount = 1; // 5, 5, 6: tie goes to the lower id
    expect(pickNext(hv)).toBe(t[1]);
  });

  it('skips threads that wait or are stopped, and falls back to thread 0', () => {
    const { hv, t } = world([1, 2]);
    t[1]!.flags = 0;
    t[2]!.flags = TF_RUNNING | TF_STOPPED;
    expect(pickNext(hv)).toBe(hv.root);
    t[2]!.flags = TF_RUNNING;
    expect(pickNext(hv)).toBe(t[2]);
  });

  it('counts switch-ins and refuses to switch to a stopped thread', () => {
    const { hv, t } = world([1, 2]);
    reschedule(hv, false);
    expect(hv.current).toBe(t[1]);
    expect(t[1]!.rescheduleCount).toBe(1);
    t[2]!.flags |= TF_STOPPED;
    expect(switchTo(hv, t[2]!)).toBe(false);
    expect(hv.current).toBe(t[1]);
  });

  it('preempts a guest that never waits at the tick', () => {
    const { hv, t } = world([1, 2]);
    const seen: number[] = [];
    for (let tick = 0; tick < 8; tick++) {
      reschedule(hv, true);
      seen.push(hv.current.tid);
    }
    // Both busy guests get the CPU, alternating after the first slices.
    expect(seen.filter((x) => x === 1).length).toBeGreaterThanOrEqual(3);
    expect(seen.filter((x) => x === 2).length).toBeGreaterThanOrEqual(3);
    expect(t[1]!.rescheduleCount + t[2]!.rescheduleCount).toBeGreaterThan(8);
  });

  it('clears the FPU enable of the incoming thread (lazy FPU switch)', () => {
    const { hv, t } = world([1]);
    t[1]!.status = 0x20000001;
    switchTo(hv, t[1]!);
    expect(t[1]!.status).toBe(1);
  });
});

/**
 * The scheduler (tinyvp-runtime.md §7.1-§7.2): among configured threads that are RUNNING and
 * not STOPPED, the smallest weight reschedule_count + 2·id wins (ties: lowest id); none means
 * thread 0 (the root idle loop). It runs on the 1 s tick, when a guest WAITs with nothing
 * injected, and whenever thread 0 is current at an exit (thread 0's idle loop calls it).
 *
 * Decision (TICK_CHARGE): on the tick the running thread is charged as if switched in again,
 * so a guest that never waits is preempted; with the original's weights it kept the CPU for
 * ever against any other busy thread of higher id. All interrupted contexts are threads here
 * (handlers run to completion in TypeScript), so a switch is always allowed at once.
 */
import type { Hypervisor } from './hypervisor.ts';
import { TF_RUNNING, TF_STOPPED, type Thread } from './thread.ts';

export const TICK_CHARGE = 1;

/** Root IPL of a thread's frame {Status[18], Status[16:10]}. */
function frameIpl(t: Thread): number {
  return ((t.status >>> 10) & 0x7f) | ((t.status >>> 11) & 0x80);
}

/** The thread the policy picks now. */
export function pickNext(hv: Hypervisor): Thread {
  let best: Thread | null = null;
  let bestWeight = Infinity;
  let bestIpl = 0;
  const floor = frameIpl(hv.current);
  for (const t of hv.others) {
    if ((t.flags & (TF_RUNNING | TF_STOPPED)) !== TF_RUNNING) continue;
    const ipl = frameIpl(t);
    if (ipl < floor || ipl < bestIpl) continue;
    const w = t.rescheduleCount + 2 * t.tid;
    if (w < bestWeight) {
      best = t;
      bestWeight = w;
      bestIpl = ipl;
    }
  }
  return best ?? hv.root;
}

/** `reschedule`: picks and switches; `tick` charges the running thread first. */
export function reschedule(hv: Hypervisor, tick: boolean): void {
  if (tick && hv.current !== hv.root) hv.current.rescheduleCount += TICK_CHARGE;
  const next = pickNext(hv);
  if (next !== hv.current) switchTo(hv, next);
}

/** `switch_to_thread`: makes `next` current (the hardware follows at the exit path). */
export function switchTo(hv: Hypervisor, next: Thread): boolean {
  if (next.flags & TF_STOPPED) return false;
  if (next === hv.current) return true;
  const prev = hv.current;
  // The lazy FPU switch starts over: the first FPU instruction traps (§7.6).
  next.status &= ~((1 << 29) | (1 << 24));
  // IPL/IM of the interrupted context carry over (§7.4 step 4).
  next.status = (next.status & ~0x0004ff00) | (prev.status & 0x0004ff00);
  hv.current = next;
  next.rescheduleCount++;
  if (next !== hv.root) next.flags |= TF_RUNNING;
  return true;
}

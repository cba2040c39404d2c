/**
 * Sharing the core's debug hooks among several clients (a trace and the gdb stub at once).
 * The core has one `stepHook` (called before every instruction; true stops before it); this
 * file installs a dispatcher that calls each client in order. Stopping clients (breakpoints)
 * go first, so an observer (the instruction trace) never sees an instruction that is then not
 * executed. A hook that was already installed directly stays, as the first observer.
 */
import type { Cpu } from '../mips/cpu.ts';

export type StepFn = (cpu: Cpu) => boolean;

interface Chain {
  readonly fns: StepFn[];
  readonly dispatch: StepFn;
}

const chains = new WeakMap<Cpu, Chain>();

/**
 * Adds `fn` to the step hooks of `cpu`; `first` puts it before the others (for clients that
 * stop the core). Returns a function that removes it again.
 */
export function addStepHook(cpu: Cpu, fn: StepFn, first = false): () => void {
  let chain = chains.get(cpu);
  if (chain === undefined || cpu.stepHook !== chain.dispatch) {
    const fns: StepFn[] = [];
    if (cpu.stepHook !== null) fns.push(cpu.stepHook);
    const dispatch: StepFn = (c) => {
      for (let i = 0; i < fns.length; i++) if (fns[i]!(c)) return true;
      return false;
    };
    chain = { fns, dispatch };
    chains.set(cpu, chain);
    cpu.stepHook = dispatch;
  }
  if (first) chain.fns.unshift(fn);
  else chain.fns.push(fn);
  const c = chain;
  return () => {
    const i = c.fns.indexOf(fn);
    if (i >= 0) c.fns.splice(i, 1);
    // The last client gone: the core returns to its fast loop.
    if (c.fns.length === 0 && cpu.stepHook === c.dispatch) {
      cpu.stepHook = null;
      chains.delete(cpu);
    }
  };
}

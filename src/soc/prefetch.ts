/**
 * Prefetch module at 0x1F8E0000 (pic32mz-ef.md §5): PRECON and PRESTAT. Flash wait states and
 * prefetch do not change timing in the model (one instruction per cycle); the registers only
 * hold their values for firmware that reads them back.
 */
import { RegFile, type SfrTrace } from './regs.ts';

export const PREFETCH_BASE = 0x1f8e0000;
export const PREFETCH_SIZE = 0x100;
/** PRECON after reset: 7 wait states, prefetch off. [unverified] */
export const PRECON_RESET = 0x00000007;

export class Prefetch {
  readonly regs: RegFile;

  constructor(trace: SfrTrace) {
    this.regs = new RegFile('PREFETCH', PREFETCH_BASE, PREFETCH_SIZE, trace);
    this.regs.add({ off: 0x00, name: 'PRECON', reset: PRECON_RESET, wmask: 0x04000037 });
    // ECC status: flash never reports errors here.
    this.regs.add({ off: 0x10, name: 'PRESTAT', wmask: 0x0c0000ff });
  }

  reset(): void {
    this.regs.reset();
  }
}

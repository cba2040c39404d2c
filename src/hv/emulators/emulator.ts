/**
 * The device emulator interface (tinyvp-runtime.md §9.2 "f present", §10.2, §11.2 step 3). An
 * emulator is one file in this directory plus its name in the configuration tool's list
 * (src/config/emulators.ts); `index.ts` maps the names of the system table to implementations.
 */
import type { Hypervisor } from '../hypervisor.ts';
import type { Thread } from '../thread.ts';

export type AccessSize = 1 | 2 | 4;

export interface DeviceEmulator {
  readonly name: string;
  /**
   * A guest load or store to one of the device's emulated pages. `off` is the offset from the
   * device region's GPA, `rpa` the real physical address the page maps. A load leaves its
   * zero-extended value in `hv.emuValue`. Returns false for an access the device refuses.
   */
  access(hv: Hypervisor, t: Thread, off: number, rpa: number, size: AccessSize, store: boolean, value: number): boolean;
  /** A real IRQ routed to this emulator arrived (irq2emulator); true if it handled it. */
  irqArrived(hv: Hypervisor, irq: number): boolean;
  /** Thread `t` wrote an IFS or IEC word that holds the emulated IRQ `irq` (ic-write hook). */
  icWrite(hv: Hypervisor, t: Thread, irq: number): void;
}

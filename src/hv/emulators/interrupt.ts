/**
 * Software interrupts sw0/sw1, the 'interrupt' emulator (tinyvp-runtime.md §11.3): IRQ 1 and 2
 * exist only in a VM's virtual EVIC. A guest raises one by setting its virtual IFS0 bit 1 or 2;
 * the ic-write hook then injects it (if enabled with a non-zero priority). A real core software
 * interrupt is not the VM's: the arrival hook declines it, so root masks it as unexpected.
 */
import type { Hypervisor } from '../hypervisor.ts';
import { enforceIrq } from '../inject.ts';
import type { Thread } from '../thread.ts';
import type { DeviceEmulator } from './emulator.ts';

export class SwInterruptEmulator implements DeviceEmulator {
  readonly name = 'interrupt';

  access(): boolean {
    return false;
  }

  irqArrived(): boolean {
    return false;
  }

  icWrite(hv: Hypervisor, t: Thread, irq: number): void {
    enforceIrq(hv, t, irq);
  }
}

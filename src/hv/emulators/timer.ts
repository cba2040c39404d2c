/**
 * The guest timer's ic-write hook (tinyvp-runtime.md §6.3; IRQ 0 of every VM, never named in a
 * configuration): a guest write to IFS0/IEC0 re-presents a still-pending timer interrupt.
 */
import type { Hypervisor } from '../hypervisor.ts';
import { timerIcWrite } from '../guest-time.ts';
import type { Thread } from '../thread.ts';
import type { DeviceEmulator } from './emulator.ts';

export class TimerHook implements DeviceEmulator {
  readonly name = 'timer';

  access(): boolean {
    return false;
  }

  irqArrived(): boolean {
    return false;
  }

  icWrite(hv: Hypervisor, t: Thread): void {
    timerIcWrite(hv, t);
  }
}

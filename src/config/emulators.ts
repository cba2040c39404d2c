/**
 * Device emulators the hypervisor provides (tinyvp-runtime.md §11) and their ids in the system
 * table. A `.device` names one with `emulator =`; an unknown name is an error.
 */

export interface EmulatorInfo {
  id: number;
  name: string;
  /** Emulates registers (accesses to the device's pages call it). */
  regs: boolean;
  /** Emulates IRQs (irq2emulator / ic-write hooks). */
  irqs: boolean;
}

export const EMULATORS: readonly EmulatorInfo[] = [
  { id: 1, name: 'console', regs: true, irqs: true },
  { id: 2, name: 'ic_emulator', regs: true, irqs: false },
  { id: 3, name: 'interrupt', regs: false, irqs: true },
];

/** ic-write hook id of IRQ 0: the guest timer (insert_timer_IRQ), never named in configs. */
export const EMU_TIMER = 4;
export const EMU_TIMER_NAME = 'timer';

export function emulatorByName(name: string): EmulatorInfo | undefined {
  return EMULATORS.find((e) => e.name === name);
}

export function emulatorName(id: number): string {
  if (id === EMU_TIMER) return EMU_TIMER_NAME;
  return EMULATORS.find((e) => e.id === id)?.name ?? `emulator#${id}`;
}

/**
 * The emulators the hypervisor provides, by the names the configuration tool writes into the
 * system table (src/config/emulators.ts). Adding one: a file here, a line in `createEmulator`,
 * and its name in the tool's list.
 */
import { ConsoleEmulator } from './console.ts';
import type { DeviceEmulator } from './emulator.ts';
import { IcEmulator } from './ic.ts';
import { SwInterruptEmulator } from './interrupt.ts';
import { TimerHook } from './timer.ts';

export interface EmulatorContext {
  consoleRxIrq: number;
  consoleTxIrq: number;
}

/** The emulator called `name`, or null when the hypervisor has none of that name. */
export function createEmulator(name: string, ctx: EmulatorContext): DeviceEmulator | null {
  switch (name) {
    case 'console': return new ConsoleEmulator(ctx.consoleRxIrq, ctx.consoleTxIrq);
    case 'ic_emulator': return new IcEmulator();
    case 'interrupt': return new SwInterruptEmulator();
    case 'timer': return new TimerHook();
    default: return null;
  }
}

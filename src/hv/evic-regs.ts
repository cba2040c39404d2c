/**
 * Physical addresses of the EVIC registers root firmware programs (pic32mz-ef.md §6;
 * tinyvp-runtime.md §2.3, §10): IFS/IEC word and bit of an IRQ, its IPC byte, the CLR/SET/INV
 * aliases, INTSTAT. The hypervisor reaches them with readPhys/writePhys.
 */

export const EVIC_PA = 0x1f810000;
export const INTCON_PA = EVIC_PA + 0x000;
export const PRISS_PA = EVIC_PA + 0x010;
export const INTSTAT_PA = EVIC_PA + 0x020;
/** Alias offsets. */
export const CLR = 4, SET = 8, INV = 12;

export const ifsPa = (irq: number): number => EVIC_PA + 0x040 + 0x10 * (irq >>> 5);
export const iecPa = (irq: number): number => EVIC_PA + 0x0c0 + 0x10 * (irq >>> 5);
export const ipcPa = (irq: number): number => EVIC_PA + 0x140 + 0x10 * (irq >>> 2);
export const offPa = (irq: number): number => EVIC_PA + 0x540 + 4 * irq;
export const irqBit = (irq: number): number => (1 << (irq & 31)) >>> 0;
/** Shift of an IRQ's 5-bit priority/sub-priority field in its IPC word. */
export const ipcShift = (irq: number): number => 8 * (irq & 3);

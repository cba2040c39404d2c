/**
 * System Bus Arbiter: error reporting set-up at boot (`init_SBA`, tinyvp-runtime.md §2.3 step 6)
 * and the violation report of IRQ 106 (§8.7). The offending VM is not stopped.
 */
import { CLR, ifsPa, iecPa, ipcPa, ipcShift, irqBit, SET } from './evic-regs.ts';
import { x, x8 } from './format.ts';
import type { Hypervisor } from './hypervisor.ts';

export const SBA_IRQ = 106;
const SBT_PA = 0x1f8f8000;
const SBT_STRIDE = 0x400;
const SBFLAG_PA = 0x1f8f0510;
export const SBA_TARGETS = 14;
const ELOG1 = 0x20, ELOG2 = 0x24, ECON = 0x28, ECLRM = 0x38;
const ECON_ERRP = 0x01000000;

const TARGETS = [
  'System Bus registers', 'Flash or Prefetch registers', 'RAM bank 0-256KB', 'RAM bank 256KB-512KB', 'EBI memory',
  'P.Set 1 registers', 'P.Set 2 (SPI,I2C,UART,PMP)', 'P.Set 3 (Timer,IC/OC/ADC,Comparator)', 'P.Set 4 (PORTA-PORTK)',
  'P.Set 5 (CAN,Ethernet)', 'USB', 'SQI memory', 'Crypto registers', 'Random registers',
];
const INITIATORS = [
  'id 0', 'CPU LRS', 'CPU HIGH', 'DMA Read LRS', 'DMA Read HIGH', 'DMA Write LRS', 'DMA Write HIGH', 'USB',
  'Ethernet Read', 'Ethernet Write', 'CAN1', 'CAN2', 'SQI1', 'Flash', 'Crypto', 'ID15',
];

/** Physical address of register `off` of SBA target `n`. */
export const sbtPa = (n: number, off: number): number => SBT_PA + SBT_STRIDE * n + off;

/** init_SBA: clear every target's error log, enable its error interrupt; IRQ 106 at priority 7. */
export function initSba(hv: Hypervisor): void {
  const cpu = hv.cpu;
  for (let n = 0; n < SBA_TARGETS; n++) {
    cpu.writePhys(sbtPa(n, ELOG1), 4, 0xffffffff);
    cpu.readPhys(sbtPa(n, ECLRM), 4);
    cpu.writePhys(sbtPa(n, ECON), 4, ECON_ERRP);
  }
  setPriority(hv, SBA_IRQ, 0x1f);
  cpu.writePhys(iecPa(SBA_IRQ) + SET, 4, irqBit(SBA_IRQ));
}

/** Sets the 5-bit IPC field (priority << 2 | sub-priority) of `irq`. */
export function setPriority(hv: Hypervisor, irq: number, field: number): void {
  const cpu = hv.cpu;
  cpu.writePhys(ipcPa(irq) + CLR, 4, (0x1f << ipcShift(irq)) >>> 0);
  cpu.writePhys(ipcPa(irq) + SET, 4, (field << ipcShift(irq)) >>> 0);
}

export function sbaReport(hv: Hypervisor): void {
  const cpu = hv.cpu;
  const flags = cpu.readPhys(SBFLAG_PA, 4) ?? 0;
  hv.print(`SBA: access violation, SBFLAG=${x8(flags)}:\n`);
  for (let n = 0; n < SBA_TARGETS; n++) {
    if (!((flags >>> n) & 1)) continue;
    const e1 = cpu.readPhys(sbtPa(n, ELOG1), 4) ?? 0;
    const e2 = cpu.readPhys(sbtPa(n, ELOG2), 4) ?? 0;
    // The initiator is ELOG1.INITID (bits 15:8); the original read bits 3:0 (the command).
    hv.print(`SBA: ${TARGETS[n]} <-- ${INITIATORS[(e1 >>> 8) & 15]}, SBTxELOG1=${x8(e1)} SBTxELOG2=${x(e2)}\n`);
    cpu.writePhys(sbtPa(n, ELOG1), 4, 0xffffffff);
    cpu.readPhys(sbtPa(n, ECLRM), 4);
  }
  cpu.writePhys(ifsPa(SBA_IRQ) + CLR, 4, irqBit(SBA_IRQ));
}

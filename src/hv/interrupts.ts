/**
 * Root interrupt dispatch, `do_IRQ` (tinyvp-runtime.md §10.1-§10.2). The EVIC runs in single
 * vector mode and root never raises its IPL, so every interrupt enters at one vector and the
 * IRQ number comes from INTSTAT.SIRQ. The core timer drives the timer list, the console UART's
 * RX/TX interrupts the root console, IRQ 106 the System Bus Arbiter report; any other IRQ goes
 * to its emulator or owning VM, or is masked as unexpected.
 *
 * Fixes: RX/TX interrupts of UARTs other than the console go to their owning VM like any
 * other IRQ (§13 item 20: the original swallowed them without masking); the spurious core
 * timer IRQ is acknowledged.
 */
import { CLR, iecPa, ifsPa, INTSTAT_PA, irqBit } from './evic-regs.ts';
import type { Hypervisor } from './hypervisor.ts';
import { routeOwnedIrq } from './inject.ts';
import { sbaReport } from './sba-report.ts';

const URXDA = 1;
const OERR = 2;

export function handleInterrupt(hv: Hypervisor): void {
  const cpu = hv.cpu;
  const irq = (cpu.readPhys(INTSTAT_PA, 4) ?? 0) & 0xff;
  if (irq === 0) {
    if (hv.time.timerPending()) hv.time.interrupt(hv.timeClient);
    else cpu.writePhys(ifsPa(0) + CLR, 4, 1);
    return;
  }
  if (irq === hv.consoleTxIrq) { hv.out.txInterrupt(); return; }
  if (irq === hv.consoleRxIrq) { consoleRx(hv); return; }
  if (irq === 106) { sbaReport(hv); return; }
  if (!executeIrq(hv, irq)) {
    hv.print(`do_IRQ: mask unexpect irq ${irq}\n`);
    cpu.writePhys(iecPa(irq) + CLR, 4, irqBit(irq));
  }
}

/** `execute_IRQ`: the IRQ's emulator, then its owning VM. */
export function executeIrq(hv: Hypervisor, irq: number): boolean {
  const emu = hv.irqEmulator[irq];
  if (emu && emu.irqArrived(hv, irq)) return true;
  const owner = hv.irqOwner[irq]!;
  const t = owner ? hv.thread(owner) : null;
  if (t === null || t.kind !== 'vm') return false;
  routeOwnedIrq(hv, t, irq);
  return true;
}

/** Console RX: every byte in the FIFO goes through the input switch, then the flag is cleared. */
function consoleRx(hv: Hypervisor): void {
  const cpu = hv.cpu;
  const sta = hv.consolePa + 0x10;
  for (;;) {
    const s = cpu.readPhys(sta, 4) ?? 0;
    if (s & OERR) cpu.writePhys(sta + CLR, 4, OERR);
    if (!(s & URXDA)) break;
    hv.console.input(hv, (cpu.readPhys(hv.consolePa + 0x30, 4) ?? 0) & 0xff);
  }
  cpu.writePhys(ifsPa(hv.consoleRxIrq) + CLR, 4, irqBit(hv.consoleRxIrq));
}

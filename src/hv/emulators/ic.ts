/**
 * The interrupt controller emulator, 'ic_emulator' (tinyvp-runtime.md §11.2): each VM sees a
 * virtual EVIC. INTCON, PRISS and IPTMR are virtual words; INTSTAT reads the last IRQ the VM
 * accepted; IFS/IEC/IPC read the real register's bits the VM owns merged with the virtual word
 * and write both (owned bits through to the real EVIC, IPC priorities clamped to 6, so a guest
 * never reaches root's console priority); OFF000-213 are virtual. Writes that clear IFS/IEC
 * bits end an interrupt: owned real IRQs are unmasked again as the virtual IEC says, and a
 * cleared injected IRQ is replaced by the next pending one. Every IFS/IEC write calls the
 * ic-write hook of each emulated IRQ in that word.
 *
 * Fix: offsets between IPC53 and OFF000 (0x4A0..0x53F) are refused (the original indexed past
 * its mask tables).
 */
import type { Hypervisor } from '../hypervisor.ts';
import { cancelInject } from '../inject.ts';
import { panicThread } from '../diagnostics.ts';
import { EVIC_PA } from '../evic-regs.ts';
import { VIC_IEC, VIC_IPC, type Thread } from '../thread.ts';
import type { AccessSize, DeviceEmulator } from './emulator.ts';

/** IFS0..IPC53 occupy 0x040..0x49F (70 registers of 16 bytes, as the mask tables). */
const REGS_END = 0x4a0;
const OFF_BASE = 0x540;
const OFF_END = 0x898;
const OFF_WMASK = 0x0003fffe;
/** Highest IPC field a guest may set: priority 6, sub-priority 0. */
const IPC_FIELD_MAX = 0x18;

export class IcEmulator implements DeviceEmulator {
  readonly name = 'ic_emulator';

  access(hv: Hypervisor, t: Thread, off: number, _rpa: number, size: AccessSize, store: boolean, value: number): boolean {
    if (off >= OFF_END) return this.fail(hv, t, 'IC: access beyond Interrupt controller\n');
    if (off >= OFF_BASE) return this.offAccess(hv, t, off, size, store, value);
    const reg = off >>> 4, alias = off & 0xc;
    if (reg === 2) { // INTSTAT
      if (size !== 4 || off & 3) return this.fail(hv, t, 'IC Invalid thread INSTAT access type\n');
      if (!store) hv.emuValue = t.interruptedIrq < 0 ? 0xffffffff : ((t.interruptedIpl << 8) | t.interruptedIrq) >>> 0;
      return true;
    }
    if (reg < 4) { // INTCON, PRISS, IPTMR
      if (size !== 4 || off & 3) return this.fail(hv, t, 'IC Invalid thread INTCON/PRISS/IPTMR access type\n');
      if (store) t.vic[reg] = apply(t.vic[reg]!, alias, value, 0xffffffff);
      else hv.emuValue = t.vic[reg]!;
      return true;
    }
    if (off >= REGS_END) return this.fail(hv, t, 'IC: access beyond Interrupt controller\n');
    if (size !== 4 || off & 3) return this.fail(hv, t, 'IC: Invalid thread IFS/IEC/IPC access type\n');
    const m = reg - 4;
    const owned = t.info?.icOwned?.[m] ?? 0;
    const emulated = t.info?.icEmulated?.[m] ?? 0;
    const realPa = EVIC_PA + 0x40 + 16 * m;
    if (!store) {
      const real = owned !== 0 ? (hv.cpu.readPhys(realPa, 4) ?? 0) & owned : 0;
      hv.emuValue = (real | t.vic[4 + m]!) >>> 0;
      return true;
    }
    this.write(hv, t, m, alias, value >>> 0, owned, emulated, realPa);
    return true;
  }

  irqArrived(): boolean {
    return false;
  }

  icWrite(): void {}

  private write(hv: Hypervisor, t: Thread, m: number, alias: number, v: number, owned: number, emulated: number, realPa: number): void {
    const cpu = hv.cpu;
    const allowed = (owned | emulated) >>> 0;
    const before = t.vic[4 + m]!;
    t.vic[4 + m] = apply(before, alias, v & allowed, allowed);
    const isIfs = m < 8, isFlagWord = m < 16;
    if (isFlagWord) {
      const real = owned !== 0 ? (cpu.readPhys(realPa, 4) ?? 0) & owned : 0;
      let clrOwned = 0, clrEmu = 0;
      switch (alias) {
        case 0x0: clrOwned = owned & ~v; clrEmu = emulated & ~v; break;
        case 0x4: clrOwned = owned & v; clrEmu = emulated & v; break;
        case 0xc: clrOwned = owned & ~(v ^ (before | real)); clrEmu = emulated & ~(v ^ before); break;
        default: break; // SET clears nothing
      }
      const w = m & 7;
      if (isIfs && clrOwned) {
        // End of interrupt: the owned IRQs come back as the guest's IEC says.
        const viec = t.vic[VIC_IEC + w]!;
        const iecPa = EVIC_PA + 0xc0 + 16 * w;
        if (clrOwned & viec) cpu.writePhys(iecPa + 8, 4, clrOwned & viec);
        if (clrOwned & ~viec) cpu.writePhys(iecPa + 4, 4, clrOwned & ~viec);
      }
      const inj = t.injectedIrq;
      if (inj >= 0 && inj >>> 5 === w && ((clrOwned | clrEmu) >>> (inj & 31)) & 1) cancelInject(hv, t);
      let bits = emulated >>> 0;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits);
        bits = (bits & ~(1 << b)) >>> 0;
        const irq = (w << 5) | b;
        const hook = hv.icWriteHook[irq];
        if (hook) hook.icWrite(hv, t, irq);
      }
    }
    if (owned === 0) return;
    let operand = (v & owned) >>> 0;
    if (m >= VIC_IPC - 4) operand = clampIpc(operand);
    if (alias !== 0) cpu.writePhys(realPa + alias, 4, operand);
    else cpu.writePhys(realPa, 4, (operand | ((cpu.readPhys(realPa, 4) ?? 0) & ~owned)) >>> 0);
  }

  private offAccess(hv: Hypervisor, t: Thread, off: number, size: AccessSize, store: boolean, value: number): boolean {
    const k = (off - OFF_BASE) >>> 2;
    if (!store) {
      if (size !== 4 || off & 3) return this.fail(hv, t, 'IC: Invalid thread OFF access type\n');
      hv.emuValue = t.voff[k]!;
      return true;
    }
    if (size === 4 && !(off & 3)) t.voff[k] = value & OFF_WMASK;
    else if (size === 1) {
      const sh = 8 * (off & 3);
      t.voff[k] = ((t.voff[k]! & ~(0xff << sh)) | ((value & 0xff) << sh)) & OFF_WMASK;
    } else return this.fail(hv, t, 'IC: Invalid thread OFF access type\n');
    return true;
  }

  private fail(hv: Hypervisor, t: Thread, msg: string): boolean {
    panicThread(hv, t, msg);
    return false;
  }
}

/** Write, CLR, SET or INV of `v` into `old`, only within `mask`. */
function apply(old: number, alias: number, v: number, mask: number): number {
  switch (alias) {
    case 0x4: return (old & ~v) >>> 0;
    case 0x8: return (old | v) >>> 0;
    case 0xc: return (old ^ v) >>> 0;
    default: return ((old & ~mask) | (v & mask)) >>> 0;
  }
}

/** Each byte's priority field at most 6 (0x18). */
function clampIpc(v: number): number {
  let out = 0;
  for (let k = 0; k < 4; k++) {
    let f = (v >>> (8 * k)) & 0x1f;
    if (f > IPC_FIELD_MAX) f = IPC_FIELD_MAX;
    out |= f << (8 * k);
  }
  return out >>> 0;
}

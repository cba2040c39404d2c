/**
 * The interrupt controller emulator (tinyvp-runtime.md §11.2, §10): per-VM virtual INTCON,
 * PRISS, IFS, IEC, IPC, OFF and INTSTAT; the real bits of owned IRQs pass through (IPC clamped
 * to priority 6); an owned IRQ arriving is masked and injected through GuestCtl2; clearing its
 * flag unmasks it again and ends the injection.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeviceEmulator } from '../../src/hv/emulators/emulator.ts';
import type { Thread } from '../../src/hv/thread.ts';
import type { HvMachine } from '../../src/machine/hv-machine.ts';
import { C0 } from '../../src/mips/cp0.ts';
import { bootHv, buildConfig, FIXTURES, runFor } from './helpers.ts';

const srec = buildConfig(join(FIXTURES, 'owned.file')).srec;
let m: HvMachine, vm1: Thread, ic: DeviceEmulator;

const store = (off: number, v: number, t = vm1): boolean => ic.access(m.hv, t, off, 0x1f810000 + off, 4, true, v);
const load = (off: number, t = vm1): number => {
  expect(ic.access(m.hv, t, off, 0x1f810000 + off, 4, false, 0)).toBe(true);
  return m.hv.emuValue >>> 0;
};

describe('IC emulator', () => {
  beforeEach(() => {
    m = bootHv(srec);
    runFor(m, 0.2); // both VMs printed and wait: no guest context is loaded
    vm1 = m.hv.thread(1)!;
    ic = [...m.hv.emulators.values()].find((e) => e.name === 'ic_emulator')!;
    expect(m.hv.loaded).toBe(m.hv.root);
  });

  it('keeps INTCON, PRISS and OFF per VM and starts INTSTAT at "none"', () => {
    expect(load(0x20)).toBe(0xffffffff);
    store(0x08, 0x1000); // INTCONSET MVEC
    expect(load(0x00)).toBe(0x1000);
    expect(load(0x00, m.hv.thread(2)!)).toBe(0);
    expect(store(0x540 + 4 * 9, 0x200)).toBe(true);
    expect(load(0x540 + 4 * 9)).toBe(0x200);
    expect(ic.access(m.hv, vm1, 0x540 + 4 * 9 + 1, 0, 1, true, 0x12)).toBe(true); // SB into byte 1
    expect(load(0x540 + 4 * 9)).toBe(0x1200);
    expect(m.soc.evic.vectorOffset(9)).toBe(0); // OFF is virtual only
  });

  it('passes owned IPC bits through, clamped to priority 6, and keeps emulated ones virtual', () => {
    const ipc2 = 0x140 + 0x10 * 2; // IPC2: IRQ 9 is byte 1
    store(ipc2, 0x1f00);
    expect(m.soc.evic.priority(9)).toBe(6);
    expect(load(ipc2)).toBe(0x1f00 | (0x18 << 8)); // virtual 0x1f | real 0x18
    store(0x140, 0x0c); // IPC0: the core timer, emulated
    expect(m.soc.evic.priority(0)).toBe(6); // root keeps its own timer priority
    expect(load(0x140) & 0x1f).toBe(0x0c);
  });

  it('routes an owned IRQ: masks it, injects it, and a flag clear unmasks it', () => {
    store(0x140 + 0x20, 0x0c00); // IPC2: IRQ 9 priority 3
    store(0x540 + 4 * 9, 0x200);
    store(0xc8, 1 << 9); // IEC0SET: IRQ 9
    expect(m.soc.evic.enabled(9)).toBe(true);
    m.soc.evic.raise(9);
    runFor(m, 0.001);
    // Look at it as root would inside an exception (the VM is now loaded and running).
    m.cpu.mtc0(C0.STATUS, m.cpu.mfc0(C0.STATUS) | 2);
    expect(m.soc.evic.enabled(9)).toBe(false); // masked by root at arrival
    expect(vm1.vic[4]! & (1 << 9)).toBe(1 << 9); // virtual IFS0
    expect(vm1.injectedIrq === 9 || vm1.interruptedIrq === 9).toBe(true);
    expect(load(0x40) & (1 << 9)).toBe(1 << 9);
    // The guest acknowledges: real IFS cleared, real IEC back on as its virtual IEC says.
    store(0x44, 1 << 9);
    expect(m.soc.evic.flag(9)).toBe(false);
    expect(m.soc.evic.enabled(9)).toBe(true);
    expect(vm1.injectedIrq).not.toBe(9);
  });

  it('refuses offsets past IPC53 and beyond the controller, stopping the VM', () => {
    expect(store(0x4a0, 0)).toBe(false);
    expect(vm1.faulted).toBe(true);
    const text = runFor(m, 0.05);
    expect(text).toContain('PANIC_THREAD: IC: access beyond Interrupt controller\n');
  });

  it('injects a software interrupt the guest sets in its virtual IFS (sw0 hook)', () => {
    store(0x140, 0x0c << 8); // IPC0 byte 1: sw0 priority 3
    store(0x540 + 4, 0x180); // OFF001
    store(0xc8, 2); // IEC0SET sw0
    expect(vm1.injectedIrq).toBe(-1);
    store(0x48, 2); // IFS0SET sw0: the hook injects it
    expect(vm1.injectedIrq).toBe(1);
    expect(vm1.injectedIpl).toBe(3);
    expect(vm1.gc2 >>> 0).toBe(((3 << 24) | 0x180) >>> 0);
    expect(m.soc.evic.flag(1)).toBe(false); // never in the real EVIC
    store(0x44, 2); // IFS0CLR ends it
    expect(vm1.injectedIrq).toBe(-1);
    expect(vm1.gc2).toBe(0);
    // VM 2 has no sw0: the same writes do nothing there.
    const vm2 = m.hv.thread(2)!;
    store(0x140, 0x0c << 8, vm2);
    store(0xc8, 2, vm2);
    store(0x48, 2, vm2);
    expect(vm2.injectedIrq).toBe(-1);
  });
});

/**
 * Hypervisor boot (tinyvp-runtime.md §2, §3, §8.2): an image with a system table boots the
 * hypervisor, which prints its boot diagnostics, programs the board (SBA regions, PMD), starts
 * every VM at its entry in guest mode and prints the root background line every 2 s from 1 s.
 * An image without a table boots bare metal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFirmware } from '../../src/image/load.ts';
import { createMachineForImage, HvMachine } from '../../src/machine/hv-machine.ts';
import { C0 } from '../../src/mips/cp0.ts';
import { afterBoot, bootHv, buildConfig, count, FIXTURES, PREBUILT, runFor } from './helpers.ts';

const hello2 = (): string => buildConfig(join(FIXTURES, 'hello2.file')).srec;

describe('hypervisor boot', () => {
  it('prints the boot diagnostics and runs both VMs', () => {
    const m = bootHv(hello2());
    const text = runFor(m, 3.5);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Status=0x00400004, Cause=0x00000000, gp=0x00000000 sp=0x00000000 console_irq_rx=171 console_irq_tx=172');
    expect(lines[1]).toBe('init_IRQ: priss=0xbf810010 *priss=0x00000000 SRSctl=0x1c000000');
    expect(lines[2]).toBe('init_IRQ: EBase=0x9d000000');
    expect(lines[3]).toBe('clock_time_multiplier=a, initial_wall_time=00:00:00.000 current_lcount=0');
    expect(text).toContain('PMD4=000001ff, PMD5=311f3f37, PMD6=10830001, PMD7=00500010\n');
    expect(text).toContain('SBT2REG0=00000048, SBT2RD0=00000001, SBT2WR0=00000001\n');
    const run = afterBoot(text);
    expect(count(run, 'hello from tinyvp\n')).toBe(2);
    // §8.2: the background print first at 1 s, then every 2 s.
    expect(run).toContain('|------- [00:00:01.000] --------|\n');
    expect(run).toContain('|------- [00:00:03.000] --------|\n');
    expect(run).not.toContain('[00:00:02.000]');
    expect(run).toMatch(/\nStatus=0x[0-9a-f]{8}, Cause=0x[0-9a-f]{8} sp=[0-9a-f]{8} ra=[0-9a-f]{8}\n\|-------/);
    expect(run).not.toContain('PANIC');
  });

  it('programs the board set-up writes, PMD and the console UART', () => {
    const m = bootHv(hello2());
    runFor(m, 0.01);
    const soc = m.soc;
    // PMD5 keeps only UART4 on (board pattern 0xfffffff7 within the implemented bits).
    expect(soc.system.pmdValue(5) & 0x3f).toBe(0x37);
    expect(soc.uart(4).baud()).toBeCloseTo(100e6 / 16 / 54, 0);
    // Root set-up (§2.2): BEV and ERL off, PageGrain RIE|XIE|IEC, EBase at vzcode.
    expect(m.cpu.mfc0(C0.PAGEGRAIN) >>> 0).toBe(0xc8000000);
    expect(m.cpu.mfc0(C0.EBASE) >>> 0).toBe(0x9d000000);
    expect(m.cpu.mfc0(C0.STATUS) & ((1 << 22) | 4)).toBe(0);
  });

  it('starts each VM in guest mode with its GuestID and shadow set', () => {
    const m = bootHv(hello2());
    const hv = m.hv;
    // Right after boot the LL-bit excursion runs (ERET, HYPCALL), then the first VM is loaded:
    // guest mode, GuestID 1, shadow set 1.
    expect(hv.excursion).toBe(true);
    expect(m.cpu.mfc0(C0.GUESTCTL1) & 0xff).toBe(hv.llGid);
    expect(m.cpu.pc).toBe(hv.eretVa);
    m.run(2);
    expect(hv.excursion).toBe(false);
    expect(m.cpu.guest).toBe(true);
    expect(m.cpu.mfc0(C0.GUESTCTL1) & 0xff).toBe(1);
    expect((m.cpu.mfc0(C0.SRSCTL) & 0xf)).toBe(1);
    expect(m.cpu.pc >>> 0).toBe(hv.thread(1)!.entry >>> 0);
    // Reset-like guest CP0 (§3): Status CU0|BEV|ERL.
    expect(m.cpu.gcp0[C0.STATUS]! >>> 0).toBe(0x10400004);
    runFor(m, 1);
    expect(hv.thread(2)!.instructions).toBeGreaterThan(100);
  });

  it('runs seven VMs, GuestIDs 1-7, with the LL-bit excursion under a GuestID of its own', () => {
    const m = bootHv(buildConfig(join(FIXTURES, 'hello7.file')).srec);
    const run = afterBoot(runFor(m, 0.3));
    expect(count(run, 'hello from tinyvp\n')).toBe(7);
    const ids = m.hv.others.map((t) => t.gid);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ids).not.toContain(m.hv.llGid);
    expect(m.hv.counters.excursions).toBeGreaterThanOrEqual(7);
  });

  it('boots an image without a system table bare metal', () => {
    const file = join(PREBUILT, 'hello.elf');
    const m = createMachineForImage(loadFirmware(new Uint8Array(readFileSync(file)), file), file);
    expect(m).not.toBeInstanceOf(HvMachine);
    expect(runFor(m, 0.05)).toBe('hello from tinyvp\n');
  });
});

/**
 * The context switch (tinyvp-runtime.md §7.4, §7.5; docs/hypervisor.md "Isolation"): the root
 * TLB holds only the loaded thread's entries and the wired ERET page, the LL-bit excursion runs
 * before every switch into a VM, and an interrupt that arrives during the excursion abandons it
 * without losing anything: the excursion starts again and the VM enters as usual.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { C0 } from '../../src/mips/cp0.ts';
import { iecPa, ifsPa, irqBit, SET } from '../../src/hv/evic-regs.ts';
import type { HvMachine } from '../../src/machine/hv-machine.ts';
import { afterBoot, bootHv, buildConfig, count, FIXTURES, runFor } from './helpers.ts';

const hello2 = (): string => buildConfig(join(FIXTURES, 'hello2.file')).srec;

/** GuestIDs of the valid root TLB entries, by index (read as a debugger would). */
function rootTlbGuestIds(m: HvMachine): Map<number, number> {
  const t = m.cpu.tlb;
  const ids = new Map<number, number>();
  for (let i = 0; i < t.size; i++) if (!t.inv[i] && ((t.lo0[i]! | t.lo1[i]!) & 2)) ids.set(i, t.gid[i]!);
  return ids;
}

describe('the context switch', () => {
  it('leaves only the loaded VM\'s entries and the wired ERET page in the root TLB', () => {
    const m = bootHv(hello2());
    const hv = m.hv;
    expect(m.cpu.mfc0(C0.WIRED)).toBe(1);
    const seen = new Set<number>();
    m.cpu.stepHook = (cpu) => {
      if (cpu.guest && !hv.excursion) {
        const gid = cpu.mfc0(C0.GUESTCTL1) & 0xff;
        const ids = rootTlbGuestIds(m);
        expect(ids.get(0)).toBe(hv.llGid);
        for (const [i, id] of ids) if (i !== 0) expect(id).toBe(gid);
        seen.add(gid);
      }
      return false;
    };
    runFor(m, 0.02);
    expect([...seen].sort()).toEqual([1, 2]);
    expect(hv.counters.switches).toBeGreaterThanOrEqual(2);
  });

  it('abandons the excursion for an interrupt, starts it again and enters the VM', () => {
    const m = bootHv(hello2());
    const hv = m.hv;
    const rx = hv.consoleRxIrq;
    let raised = false;
    m.cpu.stepHook = (cpu) => {
      // The first excursion after boot: an (empty) console RX interrupt lands in it.
      if (!raised && hv.excursion && cpu.guest) {
        raised = true;
        expect(cpu.readPhys(iecPa(rx), 4)! & irqBit(rx)).not.toBe(0);
        cpu.writePhys(ifsPa(rx) + SET, 4, irqBit(rx));
      }
      return false;
    };
    runFor(m, 0.005);
    m.cpu.stepHook = null;
    expect(raised).toBe(true);
    expect(hv.counters.excursionsAbandoned).toBe(1);
    const text = afterBoot(runFor(m, 0.5));
    expect(count(text, 'hello from tinyvp\n')).toBe(2);
    expect(text).not.toContain('PANIC');
    expect(text).not.toContain('excursion failed');
  });
});

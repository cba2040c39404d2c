/**
 * Root TLB refill from the page-table trees (tinyvp-runtime.md §9.1): each leaf becomes one
 * even/odd pair of its page size with the leaf's EntryLo bits (write-ignore bit cleared), the
 * entry tagged with the VM's GuestID; a transient entry becomes an invalid pair over its block;
 * an address no tree entry covers is reported as unmapped.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { C0 } from '../../src/mips/cp0.ts';
import { refill } from '../../src/hv/refill.ts';
import { PageCache } from '../../src/hv/page-cache.ts';
import { F_IL } from '../../src/config/flags.ts';
import { lookupGpa, pageMaskOf } from '../../src/config/walk.ts';
import type { HvMachine } from '../../src/machine/hv-machine.ts';
import { bootHv, buildConfig, FIXTURES } from './helpers.ts';

let m: HvMachine;

/** Reads back the root TLB entry that maps `gpa` for GuestID `gid` (TLBP + TLBR). */
function entryFor(gpa: number, gid: number): { hi: number; lo0: number; lo1: number; pm: number; rid: number } | null {
  const c = m.cpu;
  c.mtc0(C0.GUESTCTL1, (gid << 16) | gid);
  c.mtc0(C0.ENTRYHI, gpa & ~0x1fff);
  c.tlbp();
  if (c.mfc0(C0.INDEX) < 0) return null;
  c.tlbr();
  return { hi: c.mfc0(C0.ENTRYHI) >>> 0, lo0: c.mfc0(C0.ENTRYLO0) >>> 0, lo1: c.mfc0(C0.ENTRYLO1) >>> 0, pm: c.mfc0(C0.PAGEMASK) >>> 0, rid: (c.mfc0(C0.GUESTCTL1) >>> 16) & 0xff };
}

describe('root TLB refill', () => {
  beforeAll(() => {
    m = bootHv(buildConfig(join(FIXTURES, 'probe.file')).srec);
    // Stay in root: the refills below are what the handler would do for VM 1.
    m.cpu.mtc0(C0.STATUS, m.cpu.mfc0(C0.STATUS) | 2);
    m.cpu.tlbinvf();
  });

  it('loads a leaf pair: 4 KB pages, RAM even page writable, odd page empty', () => {
    const hv = m.hv, vm = hv.thread(1)!;
    m.cpu.mtc0(C0.GUESTCTL1, 0x00010001);
    m.cpu.mtc0(C0.ENTRYHI, 0x00000ff0 & ~0x1fff);
    expect(refill(hv, vm, vm.info!.tree!, 0x00000ff0)).toBe('valid');
    const e = entryFor(0x0, 1)!;
    expect(e.pm).toBe(0);
    // PFN 0 (RPA 0), cacheable, D, V, XI; G forced for a guest entry.
    expect(e.lo0).toBe(0x4000001f);
    expect(e.lo1).toBe(0x00000001);
    expect(e.rid).toBe(1);
  });

  it('maps the guest code page onto its flash RPA, and refills are counted', () => {
    const hv = m.hv, vm = hv.thread(1)!;
    const before = vm.refills;
    m.cpu.mtc0(C0.GUESTCTL1, 0x00010001);
    m.cpu.mtc0(C0.ENTRYHI, 0x1d001000 & ~0x1fff);
    expect(refill(hv, vm, vm.info!.tree!, 0x1d001004)).toBe('valid');
    const e = entryFor(0x1d001000, 1)!;
    expect(e.hi & ~0xff).toBe(0x1d000000);
    expect(e.lo1 >>> 6 << 12).toBe(vm.info!.regions.find((r) => r.kind === 'rom')!.rpa);
    expect(e.lo0).toBe(1);
    expect(vm.refills).toBe(before + 1);
  });

  it('writes an invalid pair over a transient (software subtree) block', () => {
    const hv = m.hv, vm = hv.thread(1)!;
    m.cpu.mtc0(C0.GUESTCTL1, 0x00010001);
    m.cpu.mtc0(C0.ENTRYHI, 0x1f822600 & ~0x1fff);
    expect(refill(hv, vm, vm.info!.tree!, 0x1f822610)).toBe('trap');
    const e = entryFor(0x1f822610, 1)!;
    // The 512 KB block becomes two invalid 256 KB pages.
    expect(e.pm).toBe(0x0007e000);
    expect(e.hi & ~0xff).toBe(0x1f800000);
    expect(e.lo0 & 2).toBe(0);
    expect(e.lo1 & 2).toBe(0);
  });

  it('reports an address outside every leaf as unmapped', () => {
    const hv = m.hv, vm = hv.thread(1)!;
    expect(refill(hv, vm, vm.info!.tree!, 0x00100000)).toBe('none');
    expect(refill(hv, vm, vm.info!.tree!, 0x40000000)).toBe('none');
  });

  it('tags entries of another VM with its own GuestID', () => {
    const hv = m.hv, vm2 = hv.thread(2)!;
    m.cpu.mtc0(C0.GUESTCTL1, 0x00020002);
    m.cpu.mtc0(C0.ENTRYHI, 0);
    expect(refill(hv, vm2, vm2.info!.tree!, 0x8000)).toBe('valid');
    const e = entryFor(0x8000, 2)!;
    // The page size and RPA are the leaf's (the allocator placed VM 2's RAM after VM 1's).
    const leaf = lookupGpa(vm2.info!.tree!, 0x8000)!;
    expect(e.pm).toBe(pageMaskOf(leaf.pageSize));
    expect(((e.lo0 >>> 6) << 12) + (0x8000 % leaf.pageSize)).toBe(leaf.rpa);
    expect(entryFor(0x8000, 1)).toBeNull();
  });
});

describe('page lookup for access emulation', () => {
  it('finds the page half of an address and applies its word bitmask', () => {
    const vm = m.hv.thread(1)!;
    const cache = new PageCache(vm.info!.tree!);
    const devid = cache.lookup(0x1f800020)!;
    expect(devid).not.toBeNull();
    expect(devid.half.rpa).toBe(0x1f800000);
    // syscontroller covers 0x100 bytes of its 4 KB page: the word after it is not mapped.
    expect(cache.lookup(0x1f800100)).toBeNull();
    // The odd half of the same leaf is the 'I' oscillator block.
    const osc = cache.lookup(0x1f801200)!;
    expect(osc.base).toBe(0x1f801000);
    expect(osc.half.flags & F_IL).toBe(F_IL);
    expect(cache.lookup(0x1f801400)).toBeNull();
    // Hits come from the cache.
    const before = cache.hits;
    cache.lookup(0x1f800024);
    expect(cache.hits).toBe(before + 1);
    expect(new PageCache(null).lookup(0)).toBeNull();
  });
});

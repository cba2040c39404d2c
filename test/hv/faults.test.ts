/**
 * Access emulation seen from a guest, and faults (tinyvp-runtime.md §9.2-§9.3, §8.6, §13 items
 * 14, 22, 27): probe.elf checks stores and loads to emulated registers in branch delay slots,
 * write-ignore pages ('i' silent, 'I' printed), byte/halfword extension and that SC fails after
 * the VM was switched away, then loads from an unmapped GPA. The fault is reported once, only
 * that VM stops, and `1r` restarts it from its entry with its RAM cleared.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { afterBoot, bootHv, buildConfig, count, FIXTURES, runFor } from './helpers.ts';

let srec = '';
const IGNORED = 'Thread1: write 12345678 (4 bytes) to 1f801200 ignored\n';

describe('access emulation and faults', () => {
  beforeAll(() => {
    srec = buildConfig(join(FIXTURES, 'probe.file')).srec;
  });

  it('emulates the probe\'s accesses and reports its bad access once', () => {
    const m = bootHv(srec);
    const run = afterBoot(runFor(m, 3));
    expect(run.replace(IGNORED, '').replace('hello from tinyvp\n', '')).toMatch(/^ABCDEFGH\nPANIC_THREAD: TLB exception - bad address\n/);
    expect(count(run, IGNORED)).toBe(1);
    expect(count(run, 'PANIC_THREAD')).toBe(1);
    expect(run).not.toContain('!');
    expect(run).not.toContain('Z');
    // The diagnostic block names the faulting GPA and instruction.
    expect(run).toMatch(/BadVA=00100000 BadInstP=[0-9a-f]{8} BadInst=8f190000/);
    expect(run).toMatch(/\nThread1: SRS=1 gid=1 IRQ=-?\d+ IPL=\d+\n/);
    // The other VM is unaffected.
    expect(count(run, 'hello from tinyvp\n')).toBe(1);
    const vm1 = m.hv.thread(1)!;
    expect(vm1.faulted).toBe(true);
    expect(vm1.flags & 2).toBe(2);
    expect(m.hv.thread(2)!.faulted).toBe(false);
  });

  it('restarts the VM from its entry with its RAM cleared', () => {
    const m = bootHv(srec);
    runFor(m, 1);
    // The probe's LL/SC word is guest RAM at GPA 0: leave a mark there, the restart clears it.
    const rpa = m.hv.thread(1)!.info!.regions.find((r) => r.kind === 'ram')!.rpa;
    m.cpu.writePhys(rpa, 4, 0xdeadbeef);
    const text = afterBoot(runFor(m, 1, '@1.1s:1r'));
    const after = text.slice(text.indexOf('Thread1: restarted'));
    expect(after).toMatch(/^Thread1: restarted\nABCD/);
    expect(count(after, 'PANIC_THREAD')).toBe(1);
    expect(m.cpu.readPhys(rpa, 4)).toBe(0);
  });

  it('reports again when the stopped VM is continued', () => {
    const m = bootHv(srec);
    const text = afterBoot(runFor(m, 2, '@1s:1c'));
    expect(text).toContain('Thread1: continued\n');
    expect(count(text, 'PANIC_THREAD')).toBe(2);
  });
});

describe('hypervisor panic', () => {
  it('prints PANIC with the diagnostics and parks the root, with virtual time going on', () => {
    const m = bootHv(buildConfig(join(FIXTURES, 'hello2.file')).srec);
    runFor(m, 0.2);
    // A fault inside the hypervisor itself: its console emulator throws on the next access.
    const con = m.hv.console;
    con.access = () => { throw new Error('emulator fault'); };
    const t0 = m.clock.now;
    // Restarted, VM 2 prints again: its first console access faults the hypervisor.
    const text = runFor(m, 1, '@0.3s:2r');
    expect(text).toContain('\nPANIC:\ninternal error: emulator fault\n');
    expect(text).toMatch(/PANIC:\n.*\nPhys: {3}EPC=/);
    expect(m.hv.dead).toBe(true);
    expect(m.clock.now - t0).toBeGreaterThan(1.5e8);
    expect(text.slice(text.indexOf('PANIC:'))).not.toContain('hello from tinyvp');
  });
});

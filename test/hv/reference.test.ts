/**
 * The reference configuration (examples/reference/config.file, Wi-FIRE) with the example guests:
 * guest1 (polling, `#` every second, LD1) and guest2 (interrupts, `.` every 0.3 s, LD2-4), the
 * `^E` input switch and the root console commands (tinyvp-runtime.md §8, §11.1;
 * example-guests.md §1, §2). Skipped until guests/prebuilt holds the example guests.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { afterBoot, bootHv, buildConfig, count, GUEST1, GUEST2, haveExampleGuests, REFERENCE, runFor, runInEveryJitMode } from './helpers.ts';

let srec = '';

describe.skipIf(!haveExampleGuests)('reference configuration with guest1 and guest2', () => {
  beforeAll(() => {
    srec = buildConfig(join(REFERENCE, 'config.file'), 'wifire', { 'pic32mz-guest1/uart.elf': GUEST1, 'pic32mz-guest2/uart.elf': GUEST2 }).srec;
  });

  it('runs both guests on the shared console at their own pace', () => {
    const m = bootHv(srec);
    const run = afterBoot(runFor(m, 6.5));
    expect(run).toMatch(/^-\nDEVID {3}= [0-9a-f]{8}\n/m);
    expect(run).toContain('CFGCON  = ');
    expect(run).toContain('Config7 = ');
    expect(count(run, '#')).toBe(6);
    const dots = count(run.slice(run.indexOf('Config7')).replace(/\|-------.*\n/g, ''), '.');
    expect(dots).toBeGreaterThanOrEqual(20);
    expect(dots).toBeLessThanOrEqual(22);
    expect(run).not.toContain('PANIC');
  });

  it('runs a minute of virtual time alike under the interpreter, the block compiler and eager compilation', () => {
    const runs = runInEveryJitMode(srec, 'reference.srec', 60.5).map((r) => ({ ...r, text: afterBoot(r.text) }));
    const [interp] = runs;
    expect(count(interp!.text, '#')).toBe(60);
    expect(interp!.text).not.toContain('PANIC');
    for (const r of runs.slice(1)) {
      expect(r.text).toBe(interp!.text);
      expect(r.leds).toEqual(interp!.leds);
    }
  });

  it('toggles LD1 every second and LD2-4 every 0.3 s in virtual time', () => {
    const m = bootHv(srec);
    const ld1: number[] = [], ld3: number[] = [];
    m.board.onLed = (name, _on, cycle) => {
      if (name === 'LD1') ld1.push(cycle / 2e8);
      if (name === 'LD3') ld3.push(cycle / 2e8);
    };
    runFor(m, 3.05);
    // LD1 goes on when guest1 starts, then toggles once a second.
    expect(ld1.map((t) => Math.round(t * 1000))).toEqual([0, 1000, 2000, 3000]);
    expect(ld3.map((t) => Math.round(t * 10))).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
  });

  it('switches console input with ^E and changes each guest\'s symbol', () => {
    const m = bootHv(srec);
    const run = afterBoot(runFor(m, 5.5, '@2.5s:\\x051=;@3.2s:\\x052+;@3.4s:\\x050'));
    const tail = run.slice(run.indexOf('[00:00:03.000]'));
    expect(tail).toContain('=');
    expect(tail).toContain('+');
    expect(count(tail, '#')).toBe(0);
    // Root input echoes nothing for the switch itself.
    expect(run).not.toContain('\x05');
  });

  it('stops, continues and restarts VMs from the root console', () => {
    const m = bootHv(srec);
    let text = afterBoot(runFor(m, 1.5, '@1.2s:1s'));
    expect(text).toContain('1s\nThread1: stopped\n');
    text = afterBoot(runFor(m, 2.5));
    const stopped = text.slice(text.indexOf('Thread1: stopped'));
    expect(count(stopped, '#')).toBe(0);
    text = afterBoot(runFor(m, 2, '@4.1s:c'));
    expect(text).toContain('c\nThread1: continued\n');
    expect(count(text.slice(text.indexOf('continued')), '#')).toBeGreaterThanOrEqual(1);
    text = afterBoot(runFor(m, 1, '@6.1s:2r'));
    const restarted = text.slice(text.indexOf('Thread2: restarted'));
    expect(restarted).toContain('Config7 = ');
  });

  it('answers q, I and T with the spec\'s formats', () => {
    const m = bootHv(srec);
    const text = afterBoot(runFor(m, 2.6, '@2.1s:1q2IT'));
    expect(text).toMatch(/\nThread1: EPC=[0-9a-f]{8} SRSctl=00000040 Context=00800000 gc2=[0-9a-f]{8} Cause=[0-9a-f]{8} BVA=[0-9a-f]{8} BI=[0-9a-f]{8}; thread_flags=[0-9a-f]{8}\n/);
    expect(text).toMatch(/\nGuest: EPC=[0-9a-f]{8} Status=[0-9a-f]{8} Cause=[0-9a-f]{8} BVA=[0-9a-f]{8} BI=[0-9a-f]{8}; InjectedIRQ=-?\d+ TimeLateCnt=0\n/);
    expect(text).toMatch(/\nLastIRQ=255 255 255 255; Cause=\d+ \d+ \d+ \d+; GCause=\d+ \d+ \d+ \d+\n/);
    expect(text).toMatch(/\nIFS:\n( [0-9a-f]{8}){7}\nIEC:\n( [0-9a-f]{8}){7}\nvmic IFS:\n( [0-9a-f]{8}){7}\nvmic IEC:\n( [0-9a-f]{8}){7}\n/);
    // guest2 takes timer interrupts: its accepted-IRQ history is not empty.
    const q2 = afterBoot(runFor(m, 0.2, '@2.65s:2q'));
    expect(q2).toMatch(/LastIRQ=0 0 0 0; /);
    expect(text).toMatch(/EntryHI=0x[0-9a-f]{8} Lo0=0x[0-9a-f]{8} Lo1=0x[0-9a-f]{8} PM=0x[0-9a-f]{8} PG=c8000000 IND=0x[0-9a-f]{8}\n(TLB\d+: HI=0x[0-9a-f]{8} Lo0=0x[0-9a-f]{8} Lo1=0x[0-9a-f]{8} PM=0x[0-9a-f]{8} GCTL1=0x[0-9a-f]{8}\n){16}/);
  });
});

const DMA_GUEST = join(REFERENCE, '../../guests/prebuilt/dma-guest.elf');

describe.skipIf(!haveExampleGuests)('reference configurations with a root thread and a DMA guest', () => {
  it('runs a root kernel thread that never waits beside the guests (config-thread.file)', () => {
    const m = bootHv(buildConfig(join(REFERENCE, 'config-thread.file'), 'wifire', { 'pic32mz-guest1/uart.elf': GUEST1, 'pic32mz-guest2/uart.elf': GUEST2 }).srec);
    const run = afterBoot(runFor(m, 2.05));
    // The busy thread does not delay the guests' timers: an IRQ switches to its VM at once.
    expect(count(run, '#')).toBe(2);
    expect(count(run.slice(run.indexOf('Config7')).replace(/\|-------.*\n/g, ''), '.')).toBe(6);
    const thread = m.hv.thread(8)!;
    expect(thread.kind).toBe('thread');
    expect(m.hv.instructionsOf(thread)).toBeGreaterThan(0.9 * m.cpu.instret);
  });

  it.skipIf(!existsSync(DMA_GUEST))('protects DMA with the System Bus Arbiter and delivers the DMA interrupt (config-dma.file)', () => {
    const m = bootHv(buildConfig(join(REFERENCE, 'config-dma.file'), 'wifire', { 'pic32mz-dma-guest/uart.elf': DMA_GUEST }).srec);
    const text = runFor(m, 6.5);
    // Group 1 may reach the 64 KB zone in RAM bank 0 (region 1 of SBT2), CFGPG.DMAPG = 1.
    expect(text).toMatch(/SBT2REG1=00000038, SBT2RD1=00000003, SBT2WR1=00000003\n/);
    expect(text).toMatch(/CFGPG=00000010, /);
    const run = afterBoot(text);
    expect(count(run, '#')).toBe(3);
    expect(run).not.toMatch(/DMA (err|bad)/);
    expect(m.hv.thread(1)!.injected).toBeGreaterThanOrEqual(3);
  });
});

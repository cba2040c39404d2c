/**
 * The shared console emulator (tinyvp-runtime.md §8.4, §11.1): per-VM MODE/STA, TX to the one
 * root console, an 8-byte (7 usable) input ring per VM, the `^E<digit>` input switch (0 = the
 * root monitor), BEL on a full ring or a bad selection, and the virtual RX/TX interrupts.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleEmulator } from '../../src/hv/emulators/console.ts';
import type { Thread } from '../../src/hv/thread.ts';
import type { HvMachine } from '../../src/machine/hv-machine.ts';
import { afterBoot, bootHv, buildConfig, FIXTURES, runFor } from './helpers.ts';

const srec = buildConfig(join(FIXTURES, 'hello2.file')).srec;
let m: HvMachine, con: ConsoleEmulator, vm1: Thread;
const PA = 0x1f822600;

const load = (off: number, t = vm1): number => {
  expect(con.access(m.hv, t, off, PA + off, 4, false, 0)).toBe(true);
  return m.hv.emuValue >>> 0;
};
const store = (off: number, v: number, t = vm1): boolean => con.access(m.hv, t, off, PA + off, 4, true, v);
const type = (s: string): void => { for (const ch of s) con.input(m.hv, ch.charCodeAt(0)); };

describe('console emulator', () => {
  beforeEach(() => {
    m = bootHv(srec);
    runFor(m, 0.2);
    con = m.hv.console;
    vm1 = m.hv.thread(1)!;
  });

  it('keeps MODE and STA per VM and always reports the transmitter empty', () => {
    const vm2 = m.hv.thread(2)!;
    const mode2 = load(0x00, vm2);
    store(0x00, 0x8008);
    expect(load(0x00)).toBe(0x8008);
    expect(load(0x00, vm2)).toBe(mode2);
    store(0x00, 0x8000);
    store(0x18, 0x1400); // STASET
    expect(load(0x10)).toBe(0x1400 | 0x100); // TRMT, no URXDA
    store(0x14, 0x400); // STACLR UTXEN
    expect(load(0x10) & 0x400).toBe(0);
    // Reading an alias is refused (the original's "bad address").
    expect(con.access(m.hv, vm1, 0x04, PA + 4, 4, false, 0)).toBe(false);
  });

  it('switches input with ^E and a digit; the VM reads its own ring', () => {
    type('\x051ab');
    expect(con.inputOwner).toBe(1);
    expect(load(0x10) & 1).toBe(1);
    expect(load(0x30)).toBe(0x61);
    expect(load(0x30)).toBe(0x62);
    expect(load(0x10) & 1).toBe(0);
    // Empty ring: the last byte again, and the ring stays consistent (§13 item 19).
    expect(load(0x30)).toBe(0x62);
    type('c');
    expect(load(0x30)).toBe(0x63);
    expect(m.hv.thread(2)!.conStart).toBe(m.hv.thread(2)!.conEnd);
  });

  it('holds 7 bytes and rings the bell on the 8th; a bad selection also rings', () => {
    type('\x051');
    type('1234567');
    const before = m.hv.out.sent + m.hv.out.pending;
    type('8');
    expect(m.hv.out.sent + m.hv.out.pending).toBe(before + 1); // the BEL
    for (const ch of '1234567') expect(load(0x30)).toBe(ch.charCodeAt(0));
    type('\x05x');
    expect(con.inputOwner).toBe(1);
    type('\x059');
    expect(con.inputOwner).toBe(1);
    type('\x050');
    expect(con.inputOwner).toBe(0);
  });

  it('raises the VM\'s virtual RX and TX interrupts', () => {
    store(0x00, 0x8000);
    store(0x18, 0x1400);
    expect(vm1.vic[4 + 5]! & (1 << (172 - 160))).not.toBe(0); // TX: "always empty"
    type('\x051z');
    expect(vm1.vic[4 + 5]! & (1 << (171 - 160))).not.toBe(0);
  });

  it('sends every VM\'s TX bytes to the one console; root keys drive the monitor', () => {
    store(0x20, 0x41);
    store(0x20, 0x42, m.hv.thread(2)!);
    type('\x050');
    type('T');
    const text = afterBoot(runFor(m, 0.2));
    expect(text).toMatch(/AB/);
    expect(text).toMatch(/TEntryHI=0x/);
  });
});

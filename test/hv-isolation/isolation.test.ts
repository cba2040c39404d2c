/**
 * Isolation between VMs (issue #6 item 10; tinyvp-runtime.md §8.6, §9.2, §10, §13 items 14, 22):
 * a third VM (fixtures/hostile.elf) next to guest1 and guest2 on the Wi-FIRE misbehaves in one
 * way per run. Each case must be contained: the hypervisor reports it and stops only that VM,
 * and guest1's and guest2's console bytes and the LED changes are identical, byte for byte and
 * cycle for cycle, to a run where the hostile VM executes WAIT instead of the violating
 * instruction (it only idles). Skipped until guests/prebuilt holds the example guests.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildImage, Case, GUESTS, hostileElf, HOSTILE_ID, run, type Run } from './harness.ts';

const haveGuests = Object.values(GUESTS).every((f) => existsSync(f));
/** Virtual time per run: guest1 prints and toggles LD1 once a second, guest2 every 0.3 s. */
const SECONDS = 2.2;
const KSEG1 = 0xa0000000;

interface Layout { ram1: number; ram2: number; own: number }
let layout: Layout;

function runCase(kase: number, addr: number, value: number): { bad: Run; good: Run } {
  const good = run(buildImage(hostileElf(kase, addr, value, true)), SECONDS);
  const bad = run(buildImage(hostileElf(kase, addr, value, false)), SECONDS);
  return { bad, good };
}

/** The other VMs saw nothing of the misbehaviour. */
function expectUnaffected(r: { bad: Run; good: Run }): void {
  expect(r.good.others.length).toBeGreaterThan(100);
  expect(r.good.leds.length).toBeGreaterThan(4);
  expect(r.bad.others).toEqual(r.good.others);
  expect(r.bad.leds).toEqual(r.good.leds);
  for (const tid of [1, 2]) expect(r.bad.m.hv.thread(tid)!.faulted).toBe(false);
  expect(r.good.text).not.toContain('PANIC');
  expect(r.bad.text).not.toMatch(/PANIC:|Thread[12]: /);
}

/** The hostile VM was reported once, with `reason`, and stopped. */
function expectStopped(r: { bad: Run }, reason: string): void {
  const text = r.bad.text;
  expect(text.split('PANIC_THREAD').length - 1).toBe(1);
  expect(text).toContain(`PANIC_THREAD: ${reason}`);
  expect(text).toMatch(new RegExp(`\\nThread${HOSTILE_ID}: SRS=\\d gid=${HOSTILE_ID} `));
  expect(r.bad.m.hv.thread(HOSTILE_ID)!.faulted).toBe(true);
}

const BAD_ADDRESS = 'TLB exception - bad address';

describe.skipIf(!haveGuests)('a hostile VM next to guest1 and guest2', () => {
  beforeAll(() => {
    const m = run(buildImage(hostileElf(Case.idle, 0, 0, true)), 0.01).m;
    const ram = (tid: number): number => m.hv.thread(tid)!.info!.regions.find((g) => g.kind === 'ram')!.rpa;
    layout = { ram1: ram(1), ram2: ram(2), own: ram(HOSTILE_ID) };
  });

  it('reads another VM\'s RAM', () => {
    const r = runCase(Case.load, KSEG1 | (layout.ram2 + 0x100), 0);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('writes another VM\'s RAM', () => {
    const r = runCase(Case.store, KSEG1 | (layout.ram1 + 0x8000), 0x5a5a5a5a);
    expect(layout.ram1 + 0x8000 >= layout.own + 0x1000 || layout.ram1 + 0x8000 < layout.own).toBe(true);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
    expect(r.bad.m.cpu.readPhys(layout.ram1 + 0x8000, 4)).toBe(r.good.m.cpu.readPhys(layout.ram1 + 0x8000, 4));
  });

  it('reads the other VMs\' flash', () => {
    const r = runCase(Case.load, 0xbfc08000, 0);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('writes the other VMs\' flash', () => {
    const r = runCase(Case.store, 0xbfc08010, 0);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('reads the hypervisor\'s code page', () => {
    const r = runCase(Case.load, 0xbd000000, 0);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('reads the system table', () => {
    const r = runCase(Case.load, 0xbd1f0000, 0);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('writes the hypervisor\'s data', () => {
    const r = runCase(Case.store, 0xa0070000, 0xffffffff);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('reads an unassigned device page (Timer2)', () => {
    const r = runCase(Case.load, 0xbf840200, 0);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('writes an unassigned device page (the EVIC\'s real registers are the IC emulator\'s; PPS input page)', () => {
    const r = runCase(Case.store, 0xbf801404, 0xffffffff);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('writes the unowned part of the console\'s page (UART1 next to UART4)', () => {
    const r = runCase(Case.store, 0xbf822000, 0x8000);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('sets, clears and re-prioritises every interrupt controller bit', () => {
    const r = runCase(Case.ic, 0xbf810000, 0);
    expectUnaffected(r);
  });

  it('writes a trapping CP0 register (SRSCtl)', () => {
    const r = runCase(Case.cp0, 0, 1);
    expectStopped(r, 'Non-zero SRS is used');
    expectUnaffected(r);
  });

  it('maps another VM\'s RAM with a guest TLB entry', () => {
    const entryLo = ((layout.ram2 >>> 12) << 6) | (2 << 3) | 7;
    const r = runCase(Case.tlb, 0xc0000000, entryLo);
    expectStopped(r, BAD_ADDRESS);
    expectUnaffected(r);
  });

  it('loops forever with interrupts off', () => {
    const r = runCase(Case.loop, 0, 0);
    expectUnaffected(r);
  });

  it('storms the hypervisor with trapping instructions and emulated accesses', () => {
    const r = runCase(Case.storm, 0, 0);
    expectUnaffected(r);
  });
});

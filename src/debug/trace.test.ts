import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../machine/machine.ts';
import { startIdentityGuest } from '../machine/identity-vm.ts';
import { loadFirmware } from '../image/load.ts';
import { UserError } from '../sim/errors.ts';
import { C0 } from '../mips/cp0.ts';
import { disassemble } from './disasm.ts';
import { addStepHook } from './hooks.ts';
import { Tracer, formatVirtualTime, parseTraceList, startTrace, type ExcObserver } from './trace.ts';

const PREBUILT = join(import.meta.dirname, '../../guests/prebuilt');
const BOOT = 0xbfc00000 | 0;

/** A machine running `code` at the reset vector and `handler` at the BEV general vector. */
function bare(code: number[], handler: number[] = []): Machine {
  const m = new Machine();
  const put = (pa: number, words: number[]): void => {
    const b = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w >>> 0, true));
    m.bus.poke(pa, b);
  };
  put(0x1fc00000, code);
  put(0x1fc00380, handler);
  m.boot(BOOT);
  return m;
}

const LOOP = [0x1000ffff, 0x00000000]; // b . ; nop
/** Handler: EPC += 4; eret. */
const SKIP = [0x401a7000, 0x275a0004, 0x409a7000, 0x42000018];
/** Status = BEV only (clears ERL so ERET returns to EPC). */
const INIT = [0x3c080040, 0x40886000];

function collect(m: Machine, list: string, cycles: number): string[] {
  const lines: string[] = [];
  const t = startTrace(m, list, (l) => lines.push(l));
  m.run(cycles);
  t.detach();
  return lines;
}

describe('parseTraceList', () => {
  it('accepts categories, all and spaces', () => {
    expect([...parseTraceList('insn, exc')]).toEqual(['insn', 'exc']);
    expect(parseTraceList('all').size).toBe(6);
    expect([...parseTraceList('regs')].sort()).toEqual(['insn', 'regs']);
  });

  it('rejects a bad category naming it and the valid ones', () => {
    let err: unknown;
    try { parseTraceList('insn,bogus'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain("'bogus'");
    expect((err as Error).message).toContain('insn, regs, exc, unmapped, mmio, irq, all');
    expect(() => parseTraceList('')).toThrow(UserError);
    expect(() => parseTraceList(' , ')).toThrow(/empty/);
  });
});

describe('formatVirtualTime', () => {
  it('is exact to the cycle', () => {
    expect(formatVirtualTime(0)).toBe('@0.000000000s');
    expect(formatVirtualTime(1)).toBe('@0.000000005s');
    expect(formatVirtualTime(200_000_001)).toBe('@1.000000005s');
  });
});

describe('insn trace', () => {
  it('prints every instruction with time, pc, word and disassembly', () => {
    const m = bare([...INIT, 0x24090003, ...LOOP]);
    const lines = collect(m, 'insn', 6);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('@0.000000000s insn root  bfc00000 3c080040 lui     t0,0x40');
    expect(lines[2]).toBe('@0.000000010s insn root  bfc00008 24090003 li      t1,3');
    expect(lines[3]).toContain('bfc0000c 1000ffff b       bfc0000c');
    expect(lines[5]).toContain('bfc0000c'); // the loop again
  });

  it('adds the registers each instruction changed with regs', () => {
    const m = bare([...INIT, 0x24090003, 0x00000000, ...LOOP]);
    const lines = collect(m, 'insn,regs', 4);
    expect(lines[0]).toMatch(/lui {5}t0,0x40 {2}; t0=00400000$/);
    expect(lines[1]).toMatch(/mtc0 {4}t0,c0_status$/);
    expect(lines[2]).toMatch(/li {6}t1,3 {2}; t1=00000003$/);
    expect(lines[3]).toMatch(/nop$/);
  });

  it('matches the disassembler on a real program and leaves the core untouched afterwards', () => {
    const file = join(PREBUILT, 'hello.elf');
    const fw = loadFirmware(new Uint8Array(readFileSync(file)), file);
    const m = new Machine();
    m.load(fw, file);
    m.boot(fw.entry);
    const lines: string[] = [];
    const t = startTrace(m, 'insn', (l) => lines.push(l));
    m.run(500);
    t.detach();
    expect(lines).toHaveLength(500);
    const first = /insn root {2}([0-9a-f]{8}) ([0-9a-f]{8}) (.*)$/.exec(lines[0]!)!;
    expect(parseInt(first[1]!, 16)).toBe(fw.entry! >>> 0);
    expect(first[3]!.replace(/ +/, '\t')).toBe(disassemble(parseInt(first[2]!, 16), fw.entry!));
    expect(m.cpu.stepHook).toBeNull();
  });
});

describe('insn trace in guest mode', () => {
  it('tags guest instructions and reads them through both translation stages', () => {
    const file = join(PREBUILT, 'hello.elf');
    const fw = loadFirmware(new Uint8Array(readFileSync(file)), file);
    const m = new Machine();
    m.load(fw, file);
    m.boot(fw.entry);
    startIdentityGuest(m.cpu, fw.entry!);
    const lines = collect(m, 'insn', 100);
    expect(lines).toHaveLength(100);
    expect(lines.every((l) => / insn guest [0-9a-f]{8} [0-9a-f]{8} /.test(l))).toBe(true);
    expect(lines[0]).toContain(`${(fw.entry! >>> 0).toString(16)} 3c080040 lui     t0,0x40`);
  });
});

describe('exc trace', () => {
  it('reports exceptions with code, EPC, BadVAddr and Cause (without the core observer)', () => {
    // syscall; then a load from an address nothing answers (bus error).
    const m = bare([...INIT, 0x0000000c, 0x3c09be00, 0x8d2a0000, ...LOOP], SKIP);
    const lines = collect(m, 'exc', 40);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^@0\.000000015s exc SYS \(8\) root epc=bfc00008 badvaddr=00000000 cause=00000020 status=00400002 vector=bfc00380$/);
    expect(lines[1]).toMatch(/exc DBE \(7\) root epc=bfc00010 .* vector=bfc00380$/);
  });

  it('keeps insn and exc lines in order', () => {
    const m = bare([...INIT, 0x0000000c, ...LOOP], SKIP);
    const lines = collect(m, 'insn,exc', 5);
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['insn', 'insn', 'insn', 'exc', 'insn', 'insn']);
    expect(lines[4]).toContain('bfc00380');
  });

  it('does not mistake a branch-likely skip or ERET for an exception', () => {
    // bnel zero,zero (never taken: skips its slot), then syscall and the handler's eret.
    const m = bare([...INIT, 0x54000002, 0x00000000, 0x00000000, 0x0000000c, ...LOOP], SKIP);
    const lines = collect(m, 'exc', 30);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('exc SYS');
  });

  it('uses the core exception observer when there is one, chaining a previous observer', () => {
    const m = bare([...INIT, ...LOOP]);
    const seen: number[] = [];
    const cpu = m.cpu as typeof m.cpu & { excHook?: ExcObserver | null };
    cpu.excHook = (_c, code) => seen.push(code);
    const lines: string[] = [];
    const t = new Tracer(m, parseTraceList('exc'), (l) => lines.push(l)).attach();
    expect(m.cpu.stepHook).toBeNull(); // no single-stepping needed
    m.cpu.cp0[C0.GUESTCTL0] = 2 << 2; // GExcCode HC
    cpu.excHook(m.cpu, 27, false, true);
    cpu.excHook(m.cpu, 8, true, true);
    expect(seen).toEqual([27, 8]);
    expect(lines[0]).toMatch(/exc GE \(27\) root<-guest gexc=HC epc=/);
    expect(lines[1]).toMatch(/exc SYS \(8\) guest epc=/);
    t.detach();
    cpu.excHook(m.cpu, 8, false, false);
    expect(lines).toHaveLength(2);
    expect(seen).toEqual([27, 8, 8]);
  });
});

describe('unmapped and mmio traces', () => {
  it('reports holes with the pc and the device name', () => {
    // lw from a bus hole (0x1e000000), from EVIC INTCON, and from a hole inside the EVIC block.
    const code = [...INIT, 0x3c09be00, 0x8d2a0000, 0x3c09bf81, 0x8d2a0000, 0x8d2a0130, ...LOOP];
    const m = bare(code, SKIP);
    const lines = collect(m, 'unmapped', 40);
    expect(lines).toEqual([
      expect.stringMatching(/ unmapped read4 1e000000 \(nothing\) pc=bfc0000c$/),
      expect.stringMatching(/ unmapped read4 1f810130 \(hole in EVIC\) pc=bfc00018$/),
    ]);
    const m2 = bare(code, SKIP);
    const mm = collect(m2, 'mmio', 40);
    expect(mm).toEqual([
      expect.stringMatching(/ mmio read4 1e000000 nothing -> bus error pc=bfc0000c$/),
      expect.stringMatching(/ mmio read4 1f810000 EVIC -> 00000000 pc=bfc00014$/),
      expect.stringMatching(/ mmio read4 1f810130 EVIC -> 00000000 pc=bfc00018$/),
    ]);
    // Detached: the bus methods are the class's again.
    expect(Object.prototype.hasOwnProperty.call(m2.bus, 'load')).toBe(false);
  });

  it('reports stores with their value', () => {
    // sw t0 (0x00400000) to U4MODE (0x1f822600).
    const m = bare([...INIT, 0x3c09bf82, 0xad282600, ...LOOP]);
    const lines = collect(m, 'mmio', 10);
    expect(lines).toEqual([expect.stringMatching(/ mmio write4 1f822600 UART4 <- 00400000 pc=bfc0000c$/)]);
  });
});

describe('irq trace', () => {
  it('reports interrupt events and changes of the request', () => {
    // IPC0 = priority 1 for IRQ 1 (core software 0); IEC0 bit 1; then Cause.IP0 = 1.
    const code = [
      ...INIT,
      0x3c09bf81, // lui t1,0xbf81
      0x240a0400, 0xad2a0140, // li t2,0x400; sw t2,0x140(t1)  IPC0
      0x240a0002, 0xad2a00c0, // li t2,2; sw t2,0xc0(t1)  IEC0
      0x240a0100, 0x408a6800, // li t2,0x100; mtc0 t2,c0_cause
      ...LOOP,
    ];
    const m = bare(code);
    const lines = collect(m, 'irq', 30);
    expect(lines).toEqual([
      expect.stringMatching(/ irq raise 1 CORE_SOFTWARE_0$/),
      expect.stringMatching(/ irq request ripl=1 irq=1 CORE_SOFTWARE_0 offset=00000200 srs=0$/),
    ]);
  });
});

describe('step hook sharing', () => {
  it('runs stopping clients first and restores the fast loop when all are gone', () => {
    const m = bare([...INIT, ...LOOP]);
    const order: string[] = [];
    const offA = addStepHook(m.cpu, () => { order.push('obs'); return false; });
    const offB = addStepHook(m.cpu, () => { order.push('bp'); return order.length > 2; }, true);
    m.run(10);
    expect(order).toEqual(['bp', 'obs', 'bp']);
    expect(m.cpu.halted).toBe(true);
    offB();
    offA();
    expect(m.cpu.stepHook).toBeNull();
  });
});

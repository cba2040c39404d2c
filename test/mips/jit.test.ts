/**
 * The block compiler keeps exact semantics when code changes under it: a store to a page that
 * holds compiled blocks, a DMA-style write (bus poke) and a reset all drop the stale blocks,
 * and a block entered at another virtual address (kseg0 vs kseg1 alias) is not reused.
 */
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.ts';
import { C0 } from '../../src/mips/cp0.ts';
import { ADDIU, ADDU, BEQ, BNE, LI, LW, NOP, SW, SYSCALL, T0, T1, T2, T3, V0, ZERO, branchTo, bytesOf } from '../util/mips-asm.ts';

const CODE = 0x80001000;
const PA = CODE & 0x1fffffff;

/**
 * A loop that adds `step` to v0 `n` times (the ADDIU at +12 is the one that gets patched), then
 * SYSCALL. t2 holds the address of the ADDIU so the program can overwrite it.
 */
function program(step: number, n: number): number[] {
  const words = [
    ...LI(T0, n), // +0
    ...LI(V0, 0), // +8 (ORI at +12 is replaced below)
  ];
  words[3] = ADDIU(V0, ZERO, 0);
  words.push(ADDIU(V0, V0, step)); // +16: the loop body, patched by tests
  words.push(ADDIU(T0, T0, -1)); // +20
  words.push(BNE(T0, ZERO, branchTo(CODE + 24, CODE + 16))); // +24
  words.push(NOP); // +28
  words.push(SYSCALL()); // +32
  return words;
}

function machine(): { m: Machine; stop: () => number } {
  const m = new Machine({ keepConsole: false });
  let calls = 0;
  m.cpu.rootHandler = (cpu) => { calls++; cpu.halt(); return true; };
  return { m, stop: () => calls };
}

function runAt(m: Machine, pc: number): number {
  m.cpu.reset();
  m.cpu.setPc(pc);
  m.cpu.rootHandler = (cpu) => { cpu.halt(); return true; };
  m.run(10_000_000);
  return m.cpu.gpr[V0]!;
}

describe('block compiler invalidation', () => {
  it('compiles the hot loop and gets the same result as the interpreter', () => {
    const { m } = machine();
    m.bus.poke(PA, bytesOf(program(3, 1000)));
    expect(runAt(m, CODE)).toBe(3000);
    expect(m.cpu.jit!.compiled).toBeGreaterThan(0);
    const interp = new Machine({ keepConsole: false, jit: false });
    interp.bus.poke(PA, bytesOf(program(3, 1000)));
    expect(runAt(interp, CODE)).toBe(3000);
  });

  it('drops blocks when the program stores over its own compiled code', () => {
    const { m } = machine();
    // Run the loop (compiled), then patch the body to add 5 with a store, then run it again.
    const words = program(3, 1000);
    const patch = [...LI(T2, CODE + 16), ...LI(T1, ADDIU(V0, V0, 5)), SW(T1, 0, T2), NOP, SYSCALL()];
    m.bus.poke(PA, bytesOf(words));
    m.bus.poke(PA + 0x100, bytesOf(patch));
    expect(runAt(m, CODE)).toBe(3000);
    m.cpu.setPc(CODE + 0x100);
    m.cpu.rootHandler = (cpu) => { cpu.halt(); return true; };
    m.run(1_000_000);
    // The loop's page took the store through the slow path, and the stale block is gone.
    const v = (() => { m.cpu.setPc(CODE); m.run(10_000_000); return m.cpu.gpr[V0]!; })();
    expect(v).toBe(5000);
  });

  it('drops blocks when memory is written behind the core (DMA, loader)', () => {
    const { m } = machine();
    m.bus.poke(PA, bytesOf(program(3, 1000)));
    expect(runAt(m, CODE)).toBe(3000);
    m.bus.poke(PA, bytesOf(program(7, 1000)));
    // No reset in between: only the write notification can drop the compiled loop.
    m.cpu.setPc(CODE);
    m.run(10_000_000);
    expect(m.cpu.gpr[V0]).toBe(7000);
  });

  it('does not reuse a block compiled for another virtual address of the same code', () => {
    const { m } = machine();
    // The loop branches within itself and links nothing, but its baked-in PCs differ per alias.
    m.bus.poke(PA, bytesOf(program(3, 1000)));
    expect(runAt(m, CODE)).toBe(3000);
    expect(runAt(m, CODE + 0x20000000)).toBe(3000); // kseg1 view of the same words
    expect(m.cpu.pc >>> 29).toBe(5); // it ran (and stopped) in kseg1
  });
});

describe('block compiler exceptions', () => {
  /** A hot loop whose delay-slot load turns misaligned after `n` rounds (AdEL with BD = 1). */
  function faultInDelaySlot(jit: boolean | 'eager'): { epc: number; cause: number; badInstrP: number; rounds: number } {
    const m = new Machine({ keepConsole: false, jit });
    const SRL = (rd: number, rt: number, sa: number): number => ((rt << 16) | (rd << 11) | (sa << 6) | 0x02) >>> 0;
    const loop = CODE + 16;
    const beq = BEQ(ZERO, ZERO, branchTo(loop + 12, loop));
    const words = [
      ...LI(T0, 200), // +0
      ...LI(T1, CODE + 0x100), // +8
      ADDIU(T0, T0, -1), // +16 loop
      SRL(T2, T0, 31), // +20: 1 once t0 < 0
      ADDU(T3, T1, T2), // +24
      beq, // +28
      LW(V0, 0, T3), // +32: the delay slot
    ];
    m.bus.poke(PA, bytesOf(words));
    m.cpu.setPc(CODE);
    let seen: { epc: number; cause: number; badInstrP: number; rounds: number } | null = null;
    m.cpu.rootHandler = (cpu) => {
      seen = { epc: cpu.mfc0(C0.EPC) >>> 0, cause: cpu.mfc0(C0.CAUSE) >>> 0, badInstrP: cpu.mfc0(C0.BADINSTRP) >>> 0, rounds: 200 - cpu.gpr[T0]! };
      cpu.halt();
      return true;
    };
    m.run(100_000);
    expect(seen).not.toBeNull();
    expect(words[7]).toBe(beq);
    return seen!;
  }

  it('reports a fault in a compiled delay slot with BD, the branch in EPC and the branch word in BadInstrP', () => {
    const interp = faultInDelaySlot(false);
    expect(interp.cause & 0x7c).toBe(4 << 2); // AdEL
    expect(interp.cause >>> 31).toBe(1);
    expect(interp.epc).toBe((CODE + 28) >>> 0);
    expect(interp.rounds).toBe(201);
    for (const jit of [true, 'eager'] as const) expect(faultInDelaySlot(jit)).toEqual(interp);
    expect(interp.badInstrP).toBe(BEQ(ZERO, ZERO, branchTo(CODE + 28, CODE + 16)));
  });
});

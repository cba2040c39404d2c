/**
 * Decoding the faulting access (tinyvp-runtime.md §9.2: LB/LBU/LH/LHU/LW/SB/SH/SW from
 * BadInstr, anything else refused) and "advance EPC" (§5.4: BadInstrP re-evaluated in a delay
 * slot with the interrupted context's registers).
 */
import { describe, expect, it } from 'vitest';
import { ACC_SIGNED, ACC_STORE, decodeAccess, extend } from '../../src/hv/access.ts';
import { BRANCH_FAIL, branchError, nextPc } from '../../src/hv/branch.ts';
import type { Cpu } from '../../src/mips/cpu.ts';

const I = (op: number, rs: number, rt: number, imm: number): number => ((op << 26) | (rs << 21) | (rt << 16) | (imm & 0xffff)) >>> 0;

describe('access decode', () => {
  it('decodes size, direction, sign and register of the emulated loads and stores', () => {
    expect(decodeAccess(I(0x23, 16, 9, 0x10))).toBe(4 | (9 << 8)); // lw t1, 0x10(s0)
    expect(decodeAccess(I(0x20, 16, 9, 1))).toBe(1 | ACC_SIGNED | (9 << 8)); // lb
    expect(decodeAccess(I(0x24, 16, 9, 1))).toBe(1 | (9 << 8)); // lbu
    expect(decodeAccess(I(0x21, 16, 9, 0))).toBe(2 | ACC_SIGNED | (9 << 8)); // lh
    expect(decodeAccess(I(0x25, 16, 9, 0))).toBe(2 | (9 << 8)); // lhu
    expect(decodeAccess(I(0x2b, 16, 4, 0x20))).toBe(4 | ACC_STORE | (4 << 8)); // sw a0, 0x20(s0)
    expect(decodeAccess(I(0x29, 16, 4, 0))).toBe(2 | ACC_STORE | (4 << 8)); // sh
    expect(decodeAccess(I(0x28, 16, 4, 0))).toBe(1 | ACC_STORE | (4 << 8)); // sb
  });

  it('refuses the accesses it does not emulate', () => {
    for (const op of [0x22, 0x26, 0x2a, 0x2e, 0x30, 0x38, 0x31, 0x39, 0x35, 0x3d]) expect(decodeAccess(I(op, 1, 2, 0))).toBe(-1);
    expect(decodeAccess(0x42000020)).toBe(-1);
  });

  it('sign- and zero-extends loaded values', () => {
    expect(extend(0x80, 1, true)).toBe(-128);
    expect(extend(0x80, 1, false)).toBe(0x80);
    expect(extend(0x8080, 2, true)).toBe(-32640);
    expect(extend(0x18080, 2, false)).toBe(0x8080);
    expect(extend(0xffffffff, 4, false)).toBe(-1);
  });
});

/** A core whose RDPGPR returns `regs`. */
function cpuWith(regs: Record<number, number>): Cpu {
  return { rdpgpr: (n: number) => regs[n] ?? 0, hasFpu: false } as unknown as Cpu;
}

describe('advance EPC', () => {
  const epc = 0x9d001000 | 0;
  it('steps over an instruction outside a delay slot', () => {
    expect(nextPc(cpuWith({}), epc, false, 0)).toBe(epc + 4);
  });

  it('follows a taken or not-taken conditional branch in BadInstrP', () => {
    const beq = I(0x04, 8, 9, 5); // beq t0, t1, +5
    expect(nextPc(cpuWith({ 8: 1, 9: 1 }), epc, true, beq)).toBe(epc + 4 + 20);
    expect(nextPc(cpuWith({ 8: 1, 9: 2 }), epc, true, beq)).toBe(epc + 8);
    const bltz = I(0x01, 8, 0, -4);
    expect(nextPc(cpuWith({ 8: -1 }), epc, true, bltz)).toBe(epc + 4 - 16);
    expect(nextPc(cpuWith({ 8: 0 }), epc, true, bltz)).toBe(epc + 8);
    expect(nextPc(cpuWith({ 8: 0 }), epc, true, I(0x06, 8, 0, 2))).toBe(epc + 12); // blez taken
    expect(nextPc(cpuWith({ 8: 0 }), epc, true, I(0x07, 8, 0, 2))).toBe(epc + 8); // bgtz not taken
  });

  it('takes jumps and register jumps', () => {
    expect(nextPc(cpuWith({ 31: 0x9d002000 | 0 }), epc, true, 0x03e00008)).toBe(0x9d002000 | 0); // jr ra
    expect(nextPc(cpuWith({}), epc, true, (0x03 << 26) | (0x1d002040 >>> 2))).toBe(0x9d002040 | 0); // jal
    expect(nextPc(cpuWith({}), epc, true, I(0x14, 1, 2, 3))).toBe(epc + 16); // beql: the slot ran, so taken
  });

  it('refuses JALX and unaligned EPCs', () => {
    expect(nextPc(cpuWith({}), epc, true, 0x74000000)).toBe(BRANCH_FAIL);
    expect(branchError).toBe('JALX detected\n');
    expect(nextPc(cpuWith({}), epc + 2, false, 0)).toBe(BRANCH_FAIL);
    expect(branchError).toBe('Unaligned epc - panic thread.\n');
  });
});

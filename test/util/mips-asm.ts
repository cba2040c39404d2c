/**
 * A tiny MIPS32 encoder for hand-written test programs (MIPS32 Vol. II encodings; VZ words from
 * spec/mips-vz-m5150.md §2.3, §2.4, §7.1). Each function returns one instruction word as an
 * unsigned number; operands follow assembler order (`LW(rt, off, base)` is `lw rt, off(base)`).
 * Branch offsets are in instructions relative to the delay slot; `branchTo` computes them.
 * Checked once by hand against mipsel-linux-gnu-objdump -m mips:isa32r5 -M virt (all encoders;
 * e.g. hypcall 0x123 = 0x42091828, cache 0x15,16(a0) = 0xbc950010, mtc0 t0,c0_srsctl = 0x40886002).
 */

export const ZERO = 0, AT = 1, V0 = 2, V1 = 3, A0 = 4, A1 = 5, A2 = 6, A3 = 7;
export const T0 = 8, T1 = 9, T2 = 10, T3 = 11, T4 = 12, T5 = 13, T6 = 14, T7 = 15;
export const S0 = 16, S1 = 17, S2 = 18, S3 = 19, T8 = 24, T9 = 25, K0 = 26, K1 = 27, SP = 29, RA = 31;

function fail(what: string): never {
  throw new Error(`mips-asm: ${what}`);
}

function reg(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 31) fail(`bad register ${n}`);
  return n;
}

function field(v: number, bits: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) fail(`${what} ${v} does not fit ${bits} bits`);
  return v;
}

function simm16(v: number): number {
  if (!Number.isInteger(v) || v < -0x8000 || v > 0x7fff) fail(`signed immediate ${v} out of range`);
  return v & 0xffff;
}

function uimm16(v: number): number {
  return field(v, 16, 'unsigned immediate');
}

const itype = (op: number, rs: number, rt: number, imm: number): number =>
  ((op << 26) | (reg(rs) << 21) | (reg(rt) << 16) | imm) >>> 0;

const special = (rs: number, rt: number, rd: number, sa: number, funct: number): number =>
  ((reg(rs) << 21) | (reg(rt) << 16) | (reg(rd) << 11) | (field(sa, 5, 'shift') << 6) | funct) >>> 0;

// ---------------------------------------------------------------- integer

export const NOP = 0;
/** EHB (sll $0, $0, 3): execution hazard barrier. */
export const EHB = 0x000000c0;
export const ADDIU = (rt: number, rs: number, imm: number): number => itype(0x09, rs, rt, simm16(imm));
export const ORI = (rt: number, rs: number, imm: number): number => itype(0x0d, rs, rt, uimm16(imm));
export const ANDI = (rt: number, rs: number, imm: number): number => itype(0x0c, rs, rt, uimm16(imm));
export const LUI = (rt: number, imm: number): number => itype(0x0f, 0, rt, uimm16(imm));
export const ADDU = (rd: number, rs: number, rt: number): number => special(rs, rt, rd, 0, 0x21);
export const OR = (rd: number, rs: number, rt: number): number => special(rs, rt, rd, 0, 0x25);
export const SLL = (rd: number, rt: number, sa: number): number => special(0, rt, rd, sa, 0x00);
export const SYSCALL = (code = 0): number => ((field(code, 20, 'syscall code') << 6) | 0x0c) >>> 0;

/** Loads a 32-bit constant: LUI + ORI (always two words, so addresses stay predictable). */
export const LI = (rt: number, v: number): [number, number] => [LUI(rt, (v >>> 16) & 0xffff), ORI(rt, rt, v & 0xffff)];

// ---------------------------------------------------------------- loads and stores

export const LW = (rt: number, off: number, base: number): number => itype(0x23, base, rt, simm16(off));
export const SW = (rt: number, off: number, base: number): number => itype(0x2b, base, rt, simm16(off));
export const LL = (rt: number, off: number, base: number): number => itype(0x30, base, rt, simm16(off));
export const SC = (rt: number, off: number, base: number): number => itype(0x38, base, rt, simm16(off));
/** CACHE op, off(base); op is the 5-bit operation code (bits 20:18 type, 17:16 cache). */
export const CACHE = (op: number, base: number, off: number): number => itype(0x2f, base, field(op, 5, 'cache op'), simm16(off));

// ---------------------------------------------------------------- branches and jumps

export const BEQ = (rs: number, rt: number, off: number): number => itype(0x04, rs, rt, simm16(off));
export const BNE = (rs: number, rt: number, off: number): number => itype(0x05, rs, rt, simm16(off));
/** J to an absolute address in the same 256 MB region as the delay slot. */
export const J = (target: number): number => {
  if ((target & 3) !== 0) fail(`unaligned jump target 0x${(target >>> 0).toString(16)}`);
  return ((0x02 << 26) | ((target >>> 2) & 0x3ffffff)) >>> 0;
};
export const BGEZ = (rs: number, off: number): number => itype(0x01, rs, 1, simm16(off));
export const BLTZ = (rs: number, off: number): number => itype(0x01, rs, 0, simm16(off));
export const JR = (rs: number): number => special(rs, 0, 0, 0, 0x08);

/** Branch offset field for a branch at `from` reaching `to`. */
export function branchTo(from: number, to: number): number {
  const d = (to - (from + 4)) | 0;
  if ((d & 3) !== 0) fail('unaligned branch target');
  return d >> 2;
}

// ---------------------------------------------------------------- CP0 and VZ

export const MFC0 = (rt: number, rd: number, sel = 0): number =>
  ((0x10 << 26) | (0x00 << 21) | (reg(rt) << 16) | (reg(rd) << 11) | field(sel, 3, 'sel')) >>> 0;
export const MTC0 = (rt: number, rd: number, sel = 0): number =>
  ((0x10 << 26) | (0x04 << 21) | (reg(rt) << 16) | (reg(rd) << 11) | field(sel, 3, 'sel')) >>> 0;
/** MFGC0 / MTGC0 (root only; in a guest they are reserved instructions). */
export const MFGC0 = (rt: number, rd: number, sel = 0): number => (0x40600000 | (reg(rt) << 16) | (reg(rd) << 11) | field(sel, 3, 'sel')) >>> 0;
export const MTGC0 = (rt: number, rd: number, sel = 0): number => (0x40600200 | (reg(rt) << 16) | (reg(rd) << 11) | field(sel, 3, 'sel')) >>> 0;
export const EI = (rt = 0): number => (0x41606020 | (reg(rt) << 16)) >>> 0;
export const DI = (rt = 0): number => (0x41606000 | (reg(rt) << 16)) >>> 0;
export const TLBR = 0x42000001;
export const TLBWI = 0x42000002;
export const TLBWR = 0x42000006;
export const TLBP = 0x42000008;
export const ERET = 0x42000018;
export const WAIT = 0x42000020;
export const HYPCALL = (code = 0): number => (0x42000028 | (field(code, 10, 'hypcall code') << 11)) >>> 0;

/** RDHWR rt, hwr (user-readable hardware register hwr: 2 = CC). */
export const RDHWR = (rt: number, rd: number): number => (0x7c00003b | (reg(rt) << 16) | (reg(rd) << 11)) >>> 0;
/** MTC1 rt, fs (an FPU instruction, for coprocessor-usable checks). */
export const MTC1 = (rt: number, fs: number): number => (0x44800000 | (reg(rt) << 16) | (reg(fs) << 11)) >>> 0;

/** Opcode 0x37 (LD, MIPS64 only): a reserved instruction on MIPS32. */
export const UNDEFINED = 0xdc000000;

/** Little-endian bytes of a word list, for `PhysBus.poke`. */
export function bytesOf(words: readonly number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const v = new DataView(b.buffer);
  words.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return b;
}

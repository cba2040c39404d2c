/**
 * The one table of MIPS32 encodings the M5150 core executes (STYLE R3): the MIPS32 Release 2
 * integer ISA, CP0, the FR=1 FPU (COP1, COP1X) and the VZ instructions (spec/mips-vz-m5150.md
 * §2.2-§2.4, §7). A word is an instance of a row when `(word & mask) === match`. Masks are the
 * architectural ones (reserved fields must be zero), so a word that matches no row is not a
 * valid instruction even where the core happens to ignore a field.
 *
 * Alias rows (`alias` set) are preferred spellings of a subset of another row (NOP of SLL, B of
 * BEQ, ...). They overlap their base on purpose; every overlap is listed in ALLOWED_OVERLAPS
 * and encodings.test.ts checks that no other pair of rows shares a word.
 *
 * `fmt` lists the printed operands, comma separated (see disasm.ts for each token):
 * d s t = GPR rd/rs/rt; D S T R = FPR fd/fs/ft/fr; sa = shift amount; simm = signed 16-bit;
 * uimm = unsigned 16-bit (hex); mem = offset(base); idx = index(base); br = branch target;
 * jt = jump target; c0 = CP0 register; hwr = hardware register; fcr = FPU control register;
 * cc = $fccN at 20:18; code fields and the other tokens are described in disasm.ts.
 * A token ending in `?` is left out (with its comma) when its field is zero (or ra for `ra?`).
 */

export type Isa = 'MIPS32R1' | 'MIPS32R2' | 'FPU' | 'VZ' | 'MIPS32R5';

export interface Encoding {
  /** Unique name of the row: the architectural mnemonic, upper case. */
  readonly mn: string;
  readonly match: number;
  readonly mask: number;
  /** Operand format for printing. */
  readonly fmt: string;
  readonly isa: Isa;
  /** Needs kernel mode (CP0 usable) or, for VZ root-only instructions, root kernel mode. */
  readonly priv?: 'root' | 'kernel';
  /** This row is a preferred spelling of some words of row `alias`. */
  readonly alias?: string;
  /** Printed mnemonic when it is not `mn` in lower case (objdump's spelling). */
  readonly asm?: string;
}

type Opt = { priv?: 'root' | 'kernel'; alias?: string; asm?: string };

function row(mn: string, match: number, mask: number, fmt: string, isa: Isa, opt: Opt = {}): Encoding {
  return { mn, match: match >>> 0, mask: mask >>> 0, fmt, isa, ...opt };
}

const R1 = 'MIPS32R1', R2 = 'MIPS32R2', R5 = 'MIPS32R5', FP = 'FPU', VZ = 'VZ';
const K = { priv: 'kernel' } as const;
const ROOT = { priv: 'root' } as const;

/** Masks of the common shapes. */
const OP = 0xfc000000; // major opcode only (I-type, J-type)
const OP_RS = 0xfc1f0000; // opcode + rt (REGIMM, BLEZ/BGTZ with rt = 0)
const R3 = 0xfc0007ff; // SPECIAL rd,rs,rt with sa = 0
const SHIFT = 0xffe0003f; // SPECIAL rd,rt,sa with rs = 0

const integer: Encoding[] = [
  // SPECIAL (opcode 0)
  row('NOP', 0x00000000, 0xffffffff, '', R1, { alias: 'SLL' }),
  row('SSNOP', 0x00000040, 0xffffffff, '', R1, { alias: 'SLL' }),
  row('EHB', 0x000000c0, 0xffffffff, '', R2, { alias: 'SLL' }),
  row('PAUSE', 0x00000140, 0xffffffff, '', R2, { alias: 'SLL' }),
  row('SLL', 0x00000000, SHIFT, 'd,t,sa', R1),
  row('MOVF', 0x00000001, 0xfc0307ff, 'd,s,cc', FP),
  row('MOVT', 0x00010001, 0xfc0307ff, 'd,s,cc', FP),
  row('SRL', 0x00000002, SHIFT, 'd,t,sa', R1),
  row('ROTR', 0x00200002, SHIFT, 'd,t,sa', R2, { asm: 'ror' }),
  row('SRA', 0x00000003, SHIFT, 'd,t,sa', R1),
  row('SLLV', 0x00000004, R3, 'd,t,s', R1),
  row('SRLV', 0x00000006, R3, 'd,t,s', R1),
  row('ROTRV', 0x00000046, R3, 'd,t,s', R2, { asm: 'rorv' }),
  row('SRAV', 0x00000007, R3, 'd,t,s', R1),
  row('JR', 0x00000008, 0xfc1fffff, 's', R1),
  row('JR.HB', 0x00000408, 0xfc1fffff, 's', R2),
  row('JALR', 0x00000009, 0xfc1f07ff, 'ra?,s', R1),
  row('JALR.HB', 0x00000409, 0xfc1f07ff, 'ra?,s', R2),
  row('MOVZ', 0x0000000a, R3, 'd,s,t', R1),
  row('MOVN', 0x0000000b, R3, 'd,s,t', R1),
  row('SYSCALL', 0x0000000c, 0xfc00003f, 'code20?', R1),
  row('BREAK', 0x0000000d, 0xfc00003f, 'brk', R1),
  row('SYNC', 0x0000000f, 0xfffff83f, 'stype?', R1),
  row('SYNC_WMB', 0x0000010f, 0xffffffff, '', R2, { alias: 'SYNC' }),
  row('SYNC_MB', 0x0000040f, 0xffffffff, '', R2, { alias: 'SYNC' }),
  row('SYNC_ACQUIRE', 0x0000044f, 0xffffffff, '', R2, { alias: 'SYNC' }),
  row('SYNC_RELEASE', 0x0000048f, 0xffffffff, '', R2, { alias: 'SYNC' }),
  row('SYNC_RMB', 0x000004cf, 0xffffffff, '', R2, { alias: 'SYNC' }),
  row('MFHI', 0x00000010, 0xffff07ff, 'd', R1),
  row('MTHI', 0x00000011, 0xfc1fffff, 's', R1),
  row('MFLO', 0x00000012, 0xffff07ff, 'd', R1),
  row('MTLO', 0x00000013, 0xfc1fffff, 's', R1),
  row('MULT', 0x00000018, 0xfc00ffff, 's,t', R1),
  row('MULTU', 0x00000019, 0xfc00ffff, 's,t', R1),
  row('DIV', 0x0000001a, 0xfc00ffff, 'zero,s,t', R1),
  row('DIVU', 0x0000001b, 0xfc00ffff, 'zero,s,t', R1),
  row('ADD', 0x00000020, R3, 'd,s,t', R1),
  row('NEG', 0x00000022, 0xffe007ff, 'd,t', R1, { alias: 'SUB' }),
  row('ADDU', 0x00000021, R3, 'd,s,t', R1),
  row('MOVE', 0x00000021, 0xfc1f07ff, 'd,s', R1, { alias: 'ADDU' }),
  row('SUB', 0x00000022, R3, 'd,s,t', R1),
  row('SUBU', 0x00000023, R3, 'd,s,t', R1),
  row('NEGU', 0x00000023, 0xffe007ff, 'd,t', R1, { alias: 'SUBU' }),
  row('AND', 0x00000024, R3, 'd,s,t', R1),
  row('OR', 0x00000025, R3, 'd,s,t', R1),
  row('MOVE.OR', 0x00000025, 0xfc1f07ff, 'd,s', R1, { alias: 'OR', asm: 'move' }),
  row('XOR', 0x00000026, R3, 'd,s,t', R1),
  row('NOR', 0x00000027, R3, 'd,s,t', R1),
  row('SLT', 0x0000002a, R3, 'd,s,t', R1),
  row('SLTU', 0x0000002b, R3, 'd,s,t', R1),
  row('TGE', 0x00000030, 0xfc00003f, 's,t,code10?', R1),
  row('TGEU', 0x00000031, 0xfc00003f, 's,t,code10?', R1),
  row('TLT', 0x00000032, 0xfc00003f, 's,t,code10?', R1),
  row('TLTU', 0x00000033, 0xfc00003f, 's,t,code10?', R1),
  row('TEQ', 0x00000034, 0xfc00003f, 's,t,code10?', R1),
  row('TNE', 0x00000036, 0xfc00003f, 's,t,code10?', R1),

  // REGIMM (opcode 1): the operation is in rt
  row('BLTZ', 0x04000000, OP_RS, 's,br', R1),
  row('BGEZ', 0x04010000, OP_RS, 's,br', R1),
  row('B.BGEZ', 0x04010000, 0xffff0000, 'br', R1, { alias: 'BGEZ', asm: 'b' }),
  row('BLTZL', 0x04020000, OP_RS, 's,br', R1),
  row('BGEZL', 0x04030000, OP_RS, 's,br', R1),
  row('TGEI', 0x04080000, OP_RS, 's,simm', R1),
  row('TGEIU', 0x04090000, OP_RS, 's,simm', R1),
  row('TLTI', 0x040a0000, OP_RS, 's,simm', R1),
  row('TLTIU', 0x040b0000, OP_RS, 's,simm', R1),
  row('TEQI', 0x040c0000, OP_RS, 's,simm', R1),
  row('TNEI', 0x040e0000, OP_RS, 's,simm', R1),
  row('BLTZAL', 0x04100000, OP_RS, 's,br', R1),
  row('BGEZAL', 0x04110000, OP_RS, 's,br', R1),
  row('BAL', 0x04110000, 0xffff0000, 'br', R1, { alias: 'BGEZAL' }),
  row('BLTZALL', 0x04120000, OP_RS, 's,br', R1),
  row('BGEZALL', 0x04130000, OP_RS, 's,br', R1),
  row('SYNCI', 0x041f0000, OP_RS, 'mem', R2),

  // Jumps, branches, immediates
  row('J', 0x08000000, OP, 'jt', R1),
  row('JAL', 0x0c000000, OP, 'jt', R1),
  row('BEQ', 0x10000000, OP, 's,t,br', R1),
  row('BEQZ', 0x10000000, OP_RS, 's,br', R1, { alias: 'BEQ' }),
  row('B', 0x10000000, 0xffff0000, 'br', R1, { alias: 'BEQ' }),
  row('BNE', 0x14000000, OP, 's,t,br', R1),
  row('BNEZ', 0x14000000, OP_RS, 's,br', R1, { alias: 'BNE' }),
  row('BLEZ', 0x18000000, OP_RS, 's,br', R1),
  row('BGTZ', 0x1c000000, OP_RS, 's,br', R1),
  row('ADDI', 0x20000000, OP, 't,s,simm', R1),
  row('ADDIU', 0x24000000, OP, 't,s,simm', R1),
  row('LI', 0x24000000, 0xffe00000, 't,simm', R1, { alias: 'ADDIU' }),
  row('SLTI', 0x28000000, OP, 't,s,simm', R1),
  row('SLTIU', 0x2c000000, OP, 't,s,simm', R1),
  row('ANDI', 0x30000000, OP, 't,s,uimm', R1),
  row('ORI', 0x34000000, OP, 't,s,uimm', R1),
  row('LI.ORI', 0x34000000, 0xffe00000, 't,uimm', R1, { alias: 'ORI', asm: 'li' }),
  row('XORI', 0x38000000, OP, 't,s,uimm', R1),
  row('LUI', 0x3c000000, 0xffe00000, 't,uimm', R1),
  row('BEQL', 0x50000000, OP, 's,t,br', R1),
  row('BEQZL', 0x50000000, OP_RS, 's,br', R1, { alias: 'BEQL' }),
  row('BNEL', 0x54000000, OP, 's,t,br', R1),
  row('BNEZL', 0x54000000, OP_RS, 's,br', R1, { alias: 'BNEL' }),
  row('BLEZL', 0x58000000, OP_RS, 's,br', R1),
  row('BGTZL', 0x5c000000, OP_RS, 's,br', R1),

  // SPECIAL2 (opcode 0x1c)
  row('MADD', 0x70000000, 0xfc00ffff, 's,t', R1),
  row('MADDU', 0x70000001, 0xfc00ffff, 's,t', R1),
  row('MUL', 0x70000002, R3, 'd,s,t', R1),
  row('MSUB', 0x70000004, 0xfc00ffff, 's,t', R1),
  row('MSUBU', 0x70000005, 0xfc00ffff, 's,t', R1),
  row('CLZ', 0x70000020, R3, 'dt,s', R1),
  row('CLO', 0x70000021, R3, 'dt,s', R1),
  row('SDBBP', 0x7000003f, 0xfc00003f, 'code20?', R1),

  // SPECIAL3 (opcode 0x1f)
  row('EXT', 0x7c000000, 0xfc00003f, 't,s,pos,esize', R2),
  row('INS', 0x7c000004, 0xfc00003f, 't,s,pos,isize', R2),
  row('WSBH', 0x7c0000a0, 0xffe007ff, 'd,t', R2),
  row('SEB', 0x7c000420, 0xffe007ff, 'd,t', R2),
  row('SEH', 0x7c000620, 0xffe007ff, 'd,t', R2),
  row('RDHWR', 0x7c00003b, 0xffe007ff, 't,hwr', R2),

  // Loads and stores
  row('LB', 0x80000000, OP, 't,mem', R1),
  row('LH', 0x84000000, OP, 't,mem', R1),
  row('LWL', 0x88000000, OP, 't,mem', R1),
  row('LW', 0x8c000000, OP, 't,mem', R1),
  row('LBU', 0x90000000, OP, 't,mem', R1),
  row('LHU', 0x94000000, OP, 't,mem', R1),
  row('LWR', 0x98000000, OP, 't,mem', R1),
  row('SB', 0xa0000000, OP, 't,mem', R1),
  row('SH', 0xa4000000, OP, 't,mem', R1),
  row('SWL', 0xa8000000, OP, 't,mem', R1),
  row('SW', 0xac000000, OP, 't,mem', R1),
  row('SWR', 0xb8000000, OP, 't,mem', R1),
  row('CACHE', 0xbc000000, OP, 'op,mem', R1, K),
  row('LL', 0xc0000000, OP, 't,mem', R1),
  row('PREF', 0xcc000000, OP, 'op,mem', R1),
  row('SC', 0xe0000000, OP, 't,mem', R1),
];

const cp0: Encoding[] = [
  row('MFC0', 0x40000000, 0xffe007f8, 't,c0', R1, K),
  row('MTC0', 0x40800000, 0xffe007f8, 't,c0', R1, K),
  row('RDPGPR', 0x41400000, 0xffe007ff, 'd,t', R2, K),
  row('DI', 0x41606000, 0xffe0ffff, 't?', R2, K),
  row('EI', 0x41606020, 0xffe0ffff, 't?', R2, K),
  row('WRPGPR', 0x41c00000, 0xffe007ff, 'd,t', R2, K),
  row('TLBR', 0x42000001, 0xffffffff, '', R1, K),
  row('TLBWI', 0x42000002, 0xffffffff, '', R1, K),
  // TLB invalidate (EntryHi.EHINV) is Release 3+, part of the R5 base the M5150 implements.
  row('TLBINV', 0x42000003, 0xffffffff, '', R5, K),
  row('TLBINVF', 0x42000004, 0xffffffff, '', R5, K),
  row('TLBWR', 0x42000006, 0xffffffff, '', R1, K),
  row('TLBP', 0x42000008, 0xffffffff, '', R1, K),
  row('ERET', 0x42000018, 0xffffffff, '', R1, K),
  row('DERET', 0x4200001f, 0xffffffff, '', R1, K),
  row('WAIT', 0x42000020, 0xfe00003f, 'wait?', R1, K),
];

const vz: Encoding[] = [
  row('MFGC0', 0x40600000, 0xffe007f8, 't,c0', VZ, ROOT),
  row('MTGC0', 0x40600200, 0xffe007f8, 't,c0', VZ, ROOT),
  row('TLBGR', 0x42000009, 0xffffffff, '', VZ, ROOT),
  row('TLBGWI', 0x4200000a, 0xffffffff, '', VZ, ROOT),
  row('TLBGINV', 0x4200000b, 0xffffffff, '', VZ, ROOT),
  row('TLBGINVF', 0x4200000c, 0xffffffff, '', VZ, ROOT),
  row('TLBGWR', 0x4200000e, 0xffffffff, '', VZ, ROOT),
  row('TLBGP', 0x42000010, 0xffffffff, '', VZ, ROOT),
  row('HYPCALL', 0x42000028, 0xffe007ff, 'hyp?', VZ, K),
];

const fpuMoves: Encoding[] = [
  row('MFC1', 0x44000000, 0xffe007ff, 't,S', FP),
  row('CFC1', 0x44400000, 0xffe007ff, 't,fcr', FP),
  row('MFHC1', 0x44600000, 0xffe007ff, 't,S', FP),
  row('MTC1', 0x44800000, 0xffe007ff, 't,S', FP),
  row('CTC1', 0x44c00000, 0xffe007ff, 't,fcr', FP),
  row('MTHC1', 0x44e00000, 0xffe007ff, 't,S', FP),
  row('BC1F', 0x45000000, 0xffe30000, 'cc?,br', FP),
  row('BC1T', 0x45010000, 0xffe30000, 'cc?,br', FP),
  row('BC1FL', 0x45020000, 0xffe30000, 'cc?,br', FP),
  row('BC1TL', 0x45030000, 0xffe30000, 'cc?,br', FP),
  row('LWC1', 0xc4000000, OP, 'T,mem', FP),
  row('LDC1', 0xd4000000, OP, 'T,mem', FP),
  row('SWC1', 0xe4000000, OP, 'T,mem', FP),
  row('SDC1', 0xf4000000, OP, 'T,mem', FP),
];

/** COP1 fmt field values (bits 25:21) and their suffixes. */
const FMT_S = 16 << 21, FMT_D = 17 << 21, FMT_W = 20 << 21, FMT_L = 21 << 21;
const COP1 = 0x44000000;
/** COP1 arithmetic masks: three-operand, and two-operand (ft = 0). */
const F3 = 0xffe0003f, F2 = 0xffff003f;

/** S/D functions: [name, function field, mask, format]. */
const FLOAT_OPS: [string, number, number, string][] = [
  ['ADD', 0x00, F3, 'D,S,T'], ['SUB', 0x01, F3, 'D,S,T'], ['MUL', 0x02, F3, 'D,S,T'], ['DIV', 0x03, F3, 'D,S,T'],
  ['SQRT', 0x04, F2, 'D,S'], ['ABS', 0x05, F2, 'D,S'], ['MOV', 0x06, F2, 'D,S'], ['NEG', 0x07, F2, 'D,S'],
  ['ROUND.L', 0x08, F2, 'D,S'], ['TRUNC.L', 0x09, F2, 'D,S'], ['CEIL.L', 0x0a, F2, 'D,S'], ['FLOOR.L', 0x0b, F2, 'D,S'],
  ['ROUND.W', 0x0c, F2, 'D,S'], ['TRUNC.W', 0x0d, F2, 'D,S'], ['CEIL.W', 0x0e, F2, 'D,S'], ['FLOOR.W', 0x0f, F2, 'D,S'],
  ['MOVF', 0x11, 0xffe3003f, 'D,S,cc'], ['MOVT', 0x10011, 0xffe3003f, 'D,S,cc'],
  ['MOVZ', 0x12, F3, 'D,S,t'], ['MOVN', 0x13, F3, 'D,S,t'],
  ['RECIP', 0x15, F2, 'D,S'], ['RSQRT', 0x16, F2, 'D,S'],
  ['CVT.W', 0x24, F2, 'D,S'], ['CVT.L', 0x25, F2, 'D,S'],
];

/** C.cond.fmt predicates by the low 4 bits of the function field (0x30-0x3f). */
export const FP_CONDITIONS = ['F', 'UN', 'EQ', 'UEQ', 'OLT', 'ULT', 'OLE', 'ULE', 'SF', 'NGLE', 'SEQ', 'NGL', 'LT', 'NGE', 'LE', 'NGT'] as const;

function fpuArith(): Encoding[] {
  const out: Encoding[] = [];
  for (const [sfx, fmt] of [['S', FMT_S], ['D', FMT_D]] as const) {
    for (const [name, fn, mask, ops] of FLOAT_OPS) out.push(row(`${name}.${sfx}`, COP1 | fmt | fn, mask, ops, FP));
    FP_CONDITIONS.forEach((c, i) => out.push(row(`C.${c}.${sfx}`, COP1 | fmt | 0x30 | i, 0xffe000ff, 'c?,S,T', FP)));
  }
  out.push(row('CVT.S.D', COP1 | FMT_D | 0x20, F2, 'D,S', FP));
  out.push(row('CVT.D.S', COP1 | FMT_S | 0x21, F2, 'D,S', FP));
  out.push(row('CVT.S.W', COP1 | FMT_W | 0x20, F2, 'D,S', FP));
  out.push(row('CVT.D.W', COP1 | FMT_W | 0x21, F2, 'D,S', FP));
  out.push(row('CVT.S.L', COP1 | FMT_L | 0x20, F2, 'D,S', FP));
  out.push(row('CVT.D.L', COP1 | FMT_L | 0x21, F2, 'D,S', FP));
  return out;
}

const cop1x: Encoding[] = [
  row('LWXC1', 0x4c000000, 0xfc00f83f, 'D,idx', FP),
  row('LDXC1', 0x4c000001, 0xfc00f83f, 'D,idx', FP),
  row('LUXC1', 0x4c000005, 0xfc00f83f, 'D,idx', FP),
  row('SWXC1', 0x4c000008, 0xfc0007ff, 'S,idx', FP),
  row('SDXC1', 0x4c000009, 0xfc0007ff, 'S,idx', FP),
  row('SUXC1', 0x4c00000d, 0xfc0007ff, 'S,idx', FP),
  row('PREFX', 0x4c00000f, 0xfc0007ff, 'xhint,idx', FP),
  row('MADD.S', 0x4c000020, 0xfc00003f, 'D,R,S,T', FP),
  row('MADD.D', 0x4c000021, 0xfc00003f, 'D,R,S,T', FP),
  row('MSUB.S', 0x4c000028, 0xfc00003f, 'D,R,S,T', FP),
  row('MSUB.D', 0x4c000029, 0xfc00003f, 'D,R,S,T', FP),
  row('NMADD.S', 0x4c000030, 0xfc00003f, 'D,R,S,T', FP),
  row('NMADD.D', 0x4c000031, 0xfc00003f, 'D,R,S,T', FP),
  row('NMSUB.S', 0x4c000038, 0xfc00003f, 'D,R,S,T', FP),
  row('NMSUB.D', 0x4c000039, 0xfc00003f, 'D,R,S,T', FP),
];

/** Every encoding, in no particular order (the decoder orders them by specificity). */
export const ENCODINGS: readonly Encoding[] = [...integer, ...cp0, ...vz, ...fpuMoves, ...fpuArith(), ...cop1x];

/**
 * Pairs of rows allowed to share words, each with the reason. Any other overlap is a table bug.
 * The decoder picks the row with more fixed bits, i.e. the alias.
 */
export const ALLOWED_OVERLAPS: readonly (readonly [string, string, string])[] = [
  ['NOP', 'SLL', 'NOP is SLL zero,zero,0'],
  ['SSNOP', 'SLL', 'SSNOP is SLL zero,zero,1'],
  ['EHB', 'SLL', 'EHB is SLL zero,zero,3'],
  ['PAUSE', 'SLL', 'PAUSE is SLL zero,zero,5'],
  ['SYNC_WMB', 'SYNC', 'SYNC stype 0x04 has its own name'],
  ['SYNC_MB', 'SYNC', 'SYNC stype 0x10 has its own name'],
  ['SYNC_ACQUIRE', 'SYNC', 'SYNC stype 0x11 has its own name'],
  ['SYNC_RELEASE', 'SYNC', 'SYNC stype 0x12 has its own name'],
  ['SYNC_RMB', 'SYNC', 'SYNC stype 0x13 has its own name'],
  ['NEG', 'SUB', 'NEG rd,rt is SUB rd,zero,rt'],
  ['MOVE', 'ADDU', 'MOVE rd,rs is ADDU rd,rs,zero'],
  ['NEGU', 'SUBU', 'NEGU rd,rt is SUBU rd,zero,rt'],
  ['MOVE.OR', 'OR', 'MOVE rd,rs is also OR rd,rs,zero'],
  ['B.BGEZ', 'BGEZ', 'B is also BGEZ zero'],
  ['BAL', 'BGEZAL', 'BAL is BGEZAL zero'],
  ['BEQZ', 'BEQ', 'BEQZ rs is BEQ rs,zero'],
  ['B', 'BEQ', 'B is BEQ zero,zero'],
  ['B', 'BEQZ', 'B is BEQZ zero'],
  ['BNEZ', 'BNE', 'BNEZ rs is BNE rs,zero'],
  ['LI', 'ADDIU', 'LI rt,simm is ADDIU rt,zero,simm'],
  ['LI.ORI', 'ORI', 'LI rt,uimm is ORI rt,zero,uimm'],
  ['BEQZL', 'BEQL', 'BEQZL rs is BEQL rs,zero'],
  ['BNEZL', 'BNEL', 'BNEZL rs is BNEL rs,zero'],
];

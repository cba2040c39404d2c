/**
 * A minimal MIPS32r2 assembler for the differential test: one encoder per instruction form
 * (MIPS32 Architecture Vol. II encodings; mips-vz-m5150.md §7.2, §7.3) returning the word and
 * its text, so that every generated instruction carries its own disassembly.
 */

export interface Insn {
  word: number;
  text: string;
}

/** o32 register names, for the disassembly text. */
export const REG_NAMES = [
  'zero', 'at', 'v0', 'v1', 'a0', 'a1', 'a2', 'a3', 't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7',
  's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 't8', 't9', 'k0', 'k1', 'gp', 'sp', 'fp', 'ra',
] as const;

const r = (n: number): string => `$${REG_NAMES[n]}`;
const f = (n: number): string => `$f${n}`;
const h = (n: number): string => `0x${(n & 0xffff).toString(16)}`;

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`asm: ${what}`);
}

function reg(n: number): number {
  check(Number.isInteger(n) && n >= 0 && n < 32, `bad register ${n}`);
  return n;
}

const OP_SPECIAL = 0x00, OP_REGIMM = 0x01, OP_SPECIAL2 = 0x1c, OP_SPECIAL3 = 0x1f, OP_COP1 = 0x11, OP_COP1X = 0x13;

function rtype(rs: number, rt: number, rd: number, sa: number, funct: number, op = OP_SPECIAL): number {
  return ((op << 26) | (reg(rs) << 21) | (reg(rt) << 16) | (reg(rd) << 11) | ((sa & 31) << 6) | funct) >>> 0;
}

function itype(op: number, rs: number, rt: number, imm: number): number {
  return ((op << 26) | (reg(rs) << 21) | (reg(rt) << 16) | (imm & 0xffff)) >>> 0;
}

// ---------------------------------------------------------------- integer

const R3_FUNCT = { addu: 0x21, subu: 0x23, and: 0x24, or: 0x25, xor: 0x26, nor: 0x27, slt: 0x2a, sltu: 0x2b, movz: 0x0a, movn: 0x0b } as const;
export type R3Op = keyof typeof R3_FUNCT;
export const R3_OPS = Object.keys(R3_FUNCT) as R3Op[];

/** rd = rs op rt */
export function r3(op: R3Op, rd: number, rs: number, rt: number): Insn {
  return { word: rtype(rs, rt, rd, 0, R3_FUNCT[op]), text: `${op} ${r(rd)}, ${r(rs)}, ${r(rt)}` };
}

const I_OP = { addiu: 0x09, slti: 0x0a, sltiu: 0x0b, andi: 0x0c, ori: 0x0d, xori: 0x0e } as const;
export type IOp = keyof typeof I_OP;
export const I_OPS = Object.keys(I_OP) as IOp[];

/** rt = rs op imm (sign-extended for addiu/slti/sltiu, zero-extended for the logical ones). */
export function i2(op: IOp, rt: number, rs: number, imm: number): Insn {
  const signed = op === 'addiu' || op === 'slti' || op === 'sltiu';
  const shown = signed ? String((imm << 16) >> 16) : h(imm);
  return { word: itype(I_OP[op], rs, rt, imm), text: `${op} ${r(rt)}, ${r(rs)}, ${shown}` };
}

export function lui(rt: number, imm: number): Insn {
  return { word: itype(0x0f, 0, rt, imm), text: `lui ${r(rt)}, ${h(imm)}` };
}

const SH_FUNCT = { sll: 0x00, srl: 0x02, sra: 0x03, rotr: 0x02 } as const;
export type ShOp = keyof typeof SH_FUNCT;
export const SH_OPS = Object.keys(SH_FUNCT) as ShOp[];

export function shift(op: ShOp, rd: number, rt: number, sa: number): Insn {
  check(sa >= 0 && sa < 32, `bad shift ${sa}`);
  return { word: rtype(op === 'rotr' ? 1 : 0, rt, rd, sa, SH_FUNCT[op]), text: `${op} ${r(rd)}, ${r(rt)}, ${sa}` };
}

const SHV_FUNCT = { sllv: 0x04, srlv: 0x06, srav: 0x07, rotrv: 0x06 } as const;
export type ShvOp = keyof typeof SHV_FUNCT;
export const SHV_OPS = Object.keys(SHV_FUNCT) as ShvOp[];

export function shiftv(op: ShvOp, rd: number, rt: number, rs: number): Insn {
  return { word: rtype(rs, rt, rd, op === 'rotrv' ? 1 : 0, SHV_FUNCT[op]), text: `${op} ${r(rd)}, ${r(rt)}, ${r(rs)}` };
}

export const nop = (): Insn => ({ word: 0, text: 'nop' });

export function ext(rt: number, rs: number, pos: number, size: number): Insn {
  check(pos >= 0 && size >= 1 && pos + size <= 32, `bad ext ${pos},${size}`);
  return { word: rtype(rs, rt, size - 1, pos, 0x00, OP_SPECIAL3), text: `ext ${r(rt)}, ${r(rs)}, ${pos}, ${size}` };
}

export function ins(rt: number, rs: number, pos: number, size: number): Insn {
  check(pos >= 0 && size >= 1 && pos + size <= 32, `bad ins ${pos},${size}`);
  return { word: rtype(rs, rt, pos + size - 1, pos, 0x04, OP_SPECIAL3), text: `ins ${r(rt)}, ${r(rs)}, ${pos}, ${size}` };
}

const BSHFL_SA = { wsbh: 0x02, seb: 0x10, seh: 0x18 } as const;
export type BshflOp = keyof typeof BSHFL_SA;
export const BSHFL_OPS = Object.keys(BSHFL_SA) as BshflOp[];

export function bshfl(op: BshflOp, rd: number, rt: number): Insn {
  return { word: rtype(0, rt, rd, BSHFL_SA[op], 0x20, OP_SPECIAL3), text: `${op} ${r(rd)}, ${r(rt)}` };
}

/** CLO/CLZ: rt must equal rd before Release 6 (otherwise UNPREDICTABLE). */
export function clx(op: 'clo' | 'clz', rd: number, rs: number): Insn {
  return { word: rtype(rs, rd, rd, 0, op === 'clz' ? 0x20 : 0x21, OP_SPECIAL2), text: `${op} ${r(rd)}, ${r(rs)}` };
}

export function mul(rd: number, rs: number, rt: number): Insn {
  return { word: rtype(rs, rt, rd, 0, 0x02, OP_SPECIAL2), text: `mul ${r(rd)}, ${r(rs)}, ${r(rt)}` };
}

const HILO_FUNCT = { mult: 0x18, multu: 0x19, div: 0x1a, divu: 0x1b } as const;
const ACC_FUNCT = { madd: 0x00, maddu: 0x01, msub: 0x04, msubu: 0x05 } as const;
export type HiloOp = keyof typeof HILO_FUNCT | keyof typeof ACC_FUNCT;
export const HILO_OPS = [...Object.keys(HILO_FUNCT), ...Object.keys(ACC_FUNCT)] as HiloOp[];

/** Operations writing HI and LO from rs and rt. */
export function hilo(op: HiloOp, rs: number, rt: number): Insn {
  const word = op in HILO_FUNCT
    ? rtype(rs, rt, 0, 0, HILO_FUNCT[op as keyof typeof HILO_FUNCT])
    : rtype(rs, rt, 0, 0, ACC_FUNCT[op as keyof typeof ACC_FUNCT], OP_SPECIAL2);
  return { word, text: `${op} ${r(rs)}, ${r(rt)}` };
}

export const mfhi = (rd: number): Insn => ({ word: rtype(0, 0, rd, 0, 0x10), text: `mfhi ${r(rd)}` });
export const mflo = (rd: number): Insn => ({ word: rtype(0, 0, rd, 0, 0x12), text: `mflo ${r(rd)}` });
export const mthi = (rs: number): Insn => ({ word: rtype(rs, 0, 0, 0, 0x11), text: `mthi ${r(rs)}` });
export const mtlo = (rs: number): Insn => ({ word: rtype(rs, 0, 0, 0, 0x13), text: `mtlo ${r(rs)}` });

/** MOVF/MOVT rd, rs, cc (integer move on FPU condition). */
export function movci(tf: boolean, rd: number, rs: number, cc: number): Insn {
  return { word: rtype(rs, (cc << 2) | (tf ? 1 : 0), rd, 0, 0x01), text: `mov${tf ? 't' : 'f'} ${r(rd)}, ${r(rs)}, $fcc${cc}` };
}

export const syscall = (): Insn => ({ word: 0x0000000c, text: 'syscall' });

/** ADD/SUB rd, rs, rt and ADDI rt, rs, imm: the overflow-trapping forms. */
export function addsub(op: 'add' | 'sub', rd: number, rs: number, rt: number): Insn {
  return { word: rtype(rs, rt, rd, 0, op === 'add' ? 0x20 : 0x22), text: `${op} ${r(rd)}, ${r(rs)}, ${r(rt)}` };
}

export function addi(rt: number, rs: number, imm: number): Insn {
  return { word: itype(0x08, rs, rt, imm), text: `addi ${r(rt)}, ${r(rs)}, ${(imm << 16) >> 16}` };
}

const TRAP_FUNCT = { tge: 0x30, tgeu: 0x31, tlt: 0x32, tltu: 0x33, teq: 0x34, tne: 0x36 } as const;
const TRAPI_RT = { tgei: 0x08, tgeiu: 0x09, tlti: 0x0a, tltiu: 0x0b, teqi: 0x0c, tnei: 0x0e } as const;
export type TrapOp = keyof typeof TRAP_FUNCT;
export type TrapiOp = keyof typeof TRAPI_RT;

/** Conditional trap on two registers, with the 10-bit code gcc puts there (7 = divide by zero). */
export function trap(op: TrapOp, rs: number, rt: number, code: number): Insn {
  return { word: (rtype(rs, rt, 0, 0, TRAP_FUNCT[op]) | ((code & 0x3ff) << 6)) >>> 0, text: `${op} ${r(rs)}, ${r(rt)}, ${code}` };
}

export function trapi(op: TrapiOp, rs: number, imm: number): Insn {
  return { word: itype(OP_REGIMM, rs, TRAPI_RT[op], imm), text: `${op} ${r(rs)}, ${(imm << 16) >> 16}` };
}

/** Instructions without an architectural effect here: barriers, hints, cache maintenance. */
export const sync = (stype: number): Insn => ({ word: rtype(0, 0, 0, stype, 0x0f), text: `sync ${stype}` });
export const ssnop = (): Insn => ({ word: 0x00000040, text: 'ssnop' });
export const ehb = (): Insn => ({ word: 0x000000c0, text: 'ehb' });

export function pref(hint: number, off: number, base: number): Insn {
  return { word: itype(0x33, base, hint, off), text: `pref ${hint}, ${off}(${r(base)})` };
}

export function synci(off: number, base: number): Insn {
  return { word: itype(OP_REGIMM, base, 0x1f, off), text: `synci ${off}(${r(base)})` };
}

// ---------------------------------------------------------------- memory

const MEM_OP = {
  lb: 0x20, lh: 0x21, lwl: 0x22, lw: 0x23, lbu: 0x24, lhu: 0x25, lwr: 0x26,
  sb: 0x28, sh: 0x29, swl: 0x2a, sw: 0x2b, swr: 0x2e, ll: 0x30, sc: 0x38,
  lwc1: 0x31, ldc1: 0x35, swc1: 0x39, sdc1: 0x3d,
} as const;
export type MemOp = keyof typeof MEM_OP;

export function mem(op: MemOp, rt: number, off: number, base: number): Insn {
  check(off >= -32768 && off < 32768, `bad offset ${off}`);
  const t = op.endsWith('c1') ? f(rt) : r(rt);
  return { word: itype(MEM_OP[op], base, rt, off), text: `${op} ${t}, ${off}(${r(base)})` };
}

const IDX_FUNCT = { lwxc1: 0x00, ldxc1: 0x01, luxc1: 0x05, swxc1: 0x08, sdxc1: 0x09, suxc1: 0x0d } as const;
export type IdxOp = keyof typeof IDX_FUNCT;
export const IDX_OPS = Object.keys(IDX_FUNCT) as IdxOp[];

/** COP1X indexed load/store: loads put fd in bits 10:6, stores take fs in bits 15:11. */
export function memx(op: IdxOp, fr: number, index: number, base: number): Insn {
  const store = op.startsWith('s');
  const word = ((OP_COP1X << 26) | (reg(base) << 21) | (reg(index) << 16) | (store ? reg(fr) << 11 : reg(fr) << 6) | IDX_FUNCT[op]) >>> 0;
  return { word, text: `${op} ${f(fr)}, ${r(index)}(${r(base)})` };
}

// ---------------------------------------------------------------- branches

/** Conditional branches on two registers or one (REGIMM), likely and linking forms included. */
const BR2 = { beq: 0x04, bne: 0x05, beql: 0x14, bnel: 0x15 } as const;
const BR1 = { blez: 0x06, bgtz: 0x07, blezl: 0x16, bgtzl: 0x17 } as const;
const REGIMM_RT = {
  bltz: 0x00, bgez: 0x01, bltzl: 0x02, bgezl: 0x03,
  bltzal: 0x10, bgezal: 0x11, bltzall: 0x12, bgezall: 0x13,
} as const;
export type Br2Op = keyof typeof BR2;
export type Br1Op = keyof typeof BR1 | keyof typeof REGIMM_RT;
export const BR2_OPS = Object.keys(BR2) as Br2Op[];
export const BR1_OPS = [...Object.keys(BR1), ...Object.keys(REGIMM_RT)] as Br1Op[];

/** Branch target relative to the branch, in bytes: `.+8`, `.-12`. */
const rel = (delta: number): string => { const b = 4 * (delta + 1); return b < 0 ? `.${b}` : `.+${b}`; };

/** `delta` counts instructions from the delay slot to the target. */
export function br2(op: Br2Op, rs: number, rt: number, delta: number): Insn {
  return { word: itype(BR2[op], rs, rt, delta), text: `${op} ${r(rs)}, ${r(rt)}, ${rel(delta)}` };
}

export function br1(op: Br1Op, rs: number, delta: number): Insn {
  const word = op in BR1 ? itype(BR1[op as keyof typeof BR1], rs, 0, delta) : itype(OP_REGIMM, rs, REGIMM_RT[op as keyof typeof REGIMM_RT], delta);
  return { word, text: `${op} ${r(rs)}, ${rel(delta)}` };
}

export function bc1(tf: boolean, likely: boolean, cc: number, delta: number): Insn {
  const word = ((OP_COP1 << 26) | (8 << 21) | (cc << 18) | ((likely ? 1 : 0) << 17) | ((tf ? 1 : 0) << 16) | (delta & 0xffff)) >>> 0;
  return { word, text: `bc1${tf ? 't' : 'f'}${likely ? 'l' : ''} $fcc${cc}, ${rel(delta)}` };
}

/** J/JAL to an absolute address (the 256 MB region of the delay slot). */
export function jump(link: boolean, target: number): Insn {
  return { word: (((link ? 3 : 2) << 26) | ((target >>> 2) & 0x03ffffff)) >>> 0, text: `${link ? 'jal' : 'j'} 0x${(target >>> 0).toString(16)}` };
}

/** JR rs / JALR rd, rs, with the hazard-barrier hint (.HB, bit 10) optional. */
export function jr(rs: number, hb: boolean): Insn {
  return { word: rtype(rs, 0, 0, hb ? 16 : 0, 0x08), text: `jr${hb ? '.hb' : ''} ${r(rs)}` };
}

export function jalr(rd: number, rs: number, hb: boolean): Insn {
  return { word: rtype(rs, 0, rd, hb ? 16 : 0, 0x09), text: `jalr${hb ? '.hb' : ''} ${r(rd)}, ${r(rs)}` };
}

// ---------------------------------------------------------------- FPU (COP1, COP1X)

export const FMT_S = 16, FMT_D = 17, FMT_W = 20, FMT_L = 21;
const FMT_NAME: Record<number, string> = { [FMT_S]: 's', [FMT_D]: 'd', [FMT_W]: 'w', [FMT_L]: 'l' };

const XFER_RS = { mfc1: 0, cfc1: 2, mfhc1: 3, mtc1: 4, ctc1: 6, mthc1: 7 } as const;
export type XferOp = keyof typeof XFER_RS;

/** GPR <-> FPR/FCR moves; `fs` is the FPU register (or control register for CFC1/CTC1). */
export function xfer(op: XferOp, rt: number, fs: number): Insn {
  const word = ((OP_COP1 << 26) | (XFER_RS[op] << 21) | (reg(rt) << 16) | (reg(fs) << 11)) >>> 0;
  return { word, text: `${op} ${r(rt)}, ${op.startsWith('c') ? `$${fs}` : f(fs)}` };
}

export const FP3_FUNCT = { add: 0, sub: 1, mul: 2, div: 3 } as const;
export const FP1_FUNCT = {
  sqrt: 4, abs: 5, mov: 6, neg: 7, 'round.l': 8, 'trunc.l': 9, 'ceil.l': 10, 'floor.l': 11,
  'round.w': 12, 'trunc.w': 13, 'ceil.w': 14, 'floor.w': 15, recip: 21, rsqrt: 22,
  'cvt.s': 32, 'cvt.d': 33, 'cvt.w': 36, 'cvt.l': 37,
} as const;
export type Fp3Op = keyof typeof FP3_FUNCT;
export type Fp1Op = keyof typeof FP1_FUNCT;

function cop1(fmt: number, ft: number, fs: number, fd: number, funct: number): number {
  return ((OP_COP1 << 26) | (fmt << 21) | (reg(ft) << 16) | (reg(fs) << 11) | (reg(fd) << 6) | funct) >>> 0;
}

export function fp3(op: Fp3Op, fmt: number, fd: number, fs: number, ft: number): Insn {
  return { word: cop1(fmt, ft, fs, fd, FP3_FUNCT[op]), text: `${op}.${FMT_NAME[fmt]} ${f(fd)}, ${f(fs)}, ${f(ft)}` };
}

export function fp1(op: Fp1Op, fmt: number, fd: number, fs: number): Insn {
  return { word: cop1(fmt, 0, fs, fd, FP1_FUNCT[op]), text: `${op}.${FMT_NAME[fmt]} ${f(fd)}, ${f(fs)}` };
}

export const COND_NAMES = ['f', 'un', 'eq', 'ueq', 'olt', 'ult', 'ole', 'ule', 'sf', 'ngle', 'seq', 'ngl', 'lt', 'nge', 'le', 'ngt'] as const;

export function fcmp(cond: number, fmt: number, cc: number, fs: number, ft: number): Insn {
  return { word: cop1(fmt, ft, fs, cc << 2, 0x30 | cond), text: `c.${COND_NAMES[cond]}.${FMT_NAME[fmt]} $fcc${cc}, ${f(fs)}, ${f(ft)}` };
}

/** MOVF.fmt/MOVT.fmt fd, fs, cc */
export function fmovcf(tf: boolean, fmt: number, fd: number, fs: number, cc: number): Insn {
  return { word: cop1(fmt, (cc << 2) | (tf ? 1 : 0), fs, fd, 0x11), text: `mov${tf ? 't' : 'f'}.${FMT_NAME[fmt]} ${f(fd)}, ${f(fs)}, $fcc${cc}` };
}

/** MOVZ.fmt/MOVN.fmt fd, fs, rt (GPR condition). */
export function fmovzn(n: boolean, fmt: number, fd: number, fs: number, rt: number): Insn {
  return { word: cop1(fmt, rt, fs, fd, n ? 0x13 : 0x12), text: `mov${n ? 'n' : 'z'}.${FMT_NAME[fmt]} ${f(fd)}, ${f(fs)}, ${r(rt)}` };
}

const MADD_OP = { madd: 4, msub: 5, nmadd: 6, nmsub: 7 } as const;
export type MaddOp = keyof typeof MADD_OP;
export const MADD_OPS = Object.keys(MADD_OP) as MaddOp[];

/** fd = ±(fs*ft ± fr), fmt S or D. */
export function fmadd(op: MaddOp, fmt: number, fd: number, fr: number, fs: number, ft: number): Insn {
  const word = ((OP_COP1X << 26) | (reg(fr) << 21) | (reg(ft) << 16) | (reg(fs) << 11) | (reg(fd) << 6) | (MADD_OP[op] << 3) | (fmt === FMT_D ? 1 : 0)) >>> 0;
  return { word, text: `${op}.${FMT_NAME[fmt]} ${f(fd)}, ${f(fr)}, ${f(fs)}, ${f(ft)}` };
}

/** Loads a 32-bit constant in two instructions (LUI + ORI), as the fixed-size prologue needs. */
export function li32(rt: number, value: number): Insn[] {
  return [lui(rt, value >>> 16), i2('ori', rt, rt, value & 0xffff)];
}

/** Formats a listing line: index, word, text. */
export function listing(insns: readonly Insn[], from = 0): string[] {
  return insns.map((x, k) => `${String(from + k).padStart(4)}: ${(x.word >>> 0).toString(16).padStart(8, '0')}  ${x.text}`);
}

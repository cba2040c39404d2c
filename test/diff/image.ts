/**
 * Lays out a batch of generated cases as one o32 user program (test/diff/README.md): per case a
 * prologue loading every register from the case's data block, the generated body, and an
 * epilogue storing GPRs, HI, LO, FCSR and FPRs next to the scratch buffer and writing buffer
 * and dump to stdout (Linux o32 `write`, 4004). The program ends with `exit` (4001).
 *
 * The same words run on qemu-mipsel and on tinyvp; only the base address differs, and with it
 * the two LUI/ORI pairs of each prologue (J/JAL keep their encoding: same low 28 address bits).
 */
import * as A from './asm.ts';
import type { Insn } from './asm.ts';
import { BASE_BIAS, BASE_REG, BUF_BYTES, POOL, type Case } from './gen.ts';
import { writeElf } from './elf-writer.ts';

// Data block of one case (bytes). The buffer and the dump after it are what `write` sends.
const INIT_GPR = 0, INIT_HI = 128, INIT_LO = 132, INIT_FCSR = 136, INIT_FPR = 144;
const BUF = 400;
/** Dump offsets relative to the buffer start ($gp - BASE_BIAS). */
export const DUMP_GPR = BUF_BYTES, DUMP_HI = DUMP_GPR + 128, DUMP_LO = DUMP_HI + 4, DUMP_FCSR = DUMP_LO + 4;
export const DUMP_MAGIC = DUMP_FCSR + 4, DUMP_FPR = DUMP_MAGIC + 4;
/** Bytes written per case: buffer + GPRs + HI, LO, FCSR, magic + 32 FPRs. */
export const DUMP_BYTES = DUMP_FPR + 256;
const BLOCK = BUF + DUMP_BYTES;
/** Marks each dump with its case number, so a lost or shifted dump is noticed. */
export const MAGIC = 0xd1ff0000 | 0;

const SYS_EXIT = 4001, SYS_WRITE = 4004, SYS_PRCTL = 4192;
const PR_SET_FP_MODE = 45, PR_FP_MODE_FR = 1;
const PAGE = 0x1000;
/** Default load address: code at 0x00010000 (qemu) or 0x80010000 (tinyvp, kseg0 over RAM). */
export const QEMU_BASE = 0x00010000;
export const TINYVP_BASE = 0x80010000 | 0;

export interface Image {
  base: number;
  code: Uint8Array;
  dataBase: number;
  data: Uint8Array;
  /** Per case: address of its first prologue instruction, of its body, of its final SYSCALL, of its buffer. */
  entry: number[];
  bodyAt: number[];
  syscallAt: number[];
  bufAt: number[];
}

function prologue(c: Case, init: number, buf: number): Insn[] {
  const p: Insn[] = [...A.li32(1, init), ...A.li32(BASE_REG, buf + BASE_BIAS)];
  if (c.fpu) {
    p.push(A.mem('lw', 2, INIT_FCSR, 1), A.xfer('ctc1', 2, 31));
    for (let n = 0; n < 32; n++) p.push(A.mem('ldc1', n, INIT_FPR + 8 * n, 1));
  }
  p.push(A.mem('lw', 2, INIT_HI, 1), A.mthi(2), A.mem('lw', 2, INIT_LO, 1), A.mtlo(2));
  for (const n of [...POOL.filter((x) => x !== 1), 31]) p.push(A.mem('lw', n, INIT_GPR + 4 * n, 1));
  p.push(A.mem('lw', 1, INIT_GPR + 4, 1));
  return p;
}

function epilogue(c: Case, k: number): Insn[] {
  const e: Insn[] = [];
  const st = (op: A.MemOp, rt: number, off: number): Insn => A.mem(op, rt, off - BASE_BIAS, BASE_REG);
  for (let n = 0; n < 32; n++) e.push(st('sw', n, DUMP_GPR + 4 * n));
  e.push(A.mfhi(1), st('sw', 1, DUMP_HI), A.mflo(1), st('sw', 1, DUMP_LO));
  if (c.fpu) {
    e.push(A.xfer('cfc1', 1, 31), st('sw', 1, DUMP_FCSR));
    for (let n = 0; n < 32; n++) e.push(st('sdc1', n, DUMP_FPR + 8 * n));
  }
  e.push(...A.li32(1, MAGIC | k), st('sw', 1, DUMP_MAGIC));
  e.push(A.i2('addiu', 5, BASE_REG, -BASE_BIAS), A.i2('addiu', 6, 0, DUMP_BYTES), A.i2('addiu', 4, 0, 1), A.i2('addiu', 2, 0, SYS_WRITE), A.syscall());
  return e;
}

/** Code size in instructions of the fixed parts, to place the data after the code. */
function codeWords(cases: readonly Case[]): number {
  let n = (cases.some((c) => c.fpu) ? 4 : 0) + 3; // prctl, exit
  for (const c of cases) n += prologue(c, 0, 0).length + c.body.length + epilogue(c, 0).length;
  return n;
}

export function buildImage(cases: readonly Case[], base: number): Image {
  const nCode = codeWords(cases);
  const dataBase = (base + Math.ceil((nCode * 4) / PAGE) * PAGE) | 0;
  const data = new Uint8Array(BLOCK * cases.length);
  const dv = new DataView(data.buffer);
  const words: number[] = [];
  const img: Image = { base, code: new Uint8Array(0), dataBase, data, entry: [], bodyAt: [], syscallAt: [], bufAt: [] };
  const here = (): number => (base + 4 * words.length) | 0;
  if (cases.some((c) => c.fpu)) {
    for (const x of [A.i2('addiu', 2, 0, SYS_PRCTL), A.i2('addiu', 4, 0, PR_SET_FP_MODE), A.i2('addiu', 5, 0, PR_FP_MODE_FR), A.syscall()]) words.push(x.word);
  }
  cases.forEach((c, k) => {
    const blk = k * BLOCK;
    const init = (dataBase + blk) | 0, buf = (init + BUF) | 0;
    for (let n = 0; n < 32; n++) dv.setInt32(blk + INIT_GPR + 4 * n, c.gpr[n]!, true);
    dv.setInt32(blk + INIT_GPR + 4 * 31, (c.gpr[31]! + base) | 0, true);
    dv.setInt32(blk + INIT_HI, c.hi, true);
    dv.setInt32(blk + INIT_LO, c.lo, true);
    dv.setInt32(blk + INIT_FCSR, c.fcsr, true);
    for (let n = 0; n < 64; n++) dv.setInt32(blk + INIT_FPR + 4 * n, c.fpr[n]!, true);
    data.set(c.buf, blk + BUF);
    img.entry.push(here());
    img.bufAt.push(buf);
    for (const x of prologue(c, init, buf)) words.push(x.word);
    const bodyAt = here();
    img.bodyAt.push(bodyAt);
    for (const x of c.body) {
      words.push(x.jumpTo === undefined ? x.word : (x.word | (((bodyAt + 4 * x.jumpTo) >>> 2) & 0x03ffffff)) >>> 0);
    }
    const e = epilogue(c, k);
    for (const x of e) words.push(x.word);
    img.syscallAt.push((here() - 4) | 0);
  });
  for (const x of [A.i2('addiu', 4, 0, 0), A.i2('addiu', 2, 0, SYS_EXIT), A.syscall()]) words.push(x.word);
  if (words.length !== nCode) throw new Error('image: code size mismatch');
  img.code = new Uint8Array(words.length * 4);
  const cv = new DataView(img.code.buffer);
  words.forEach((w, k) => cv.setUint32(4 * k, w >>> 0, true));
  return img;
}

/** The ELF for qemu-mipsel: code R+X, data R+W. */
export function imageElf(img: Image): Uint8Array {
  return writeElf(img.base, [
    { vaddr: img.base, data: img.code, flags: 5 },
    { vaddr: img.dataBase, data: img.data, flags: 6 },
  ]);
}

/** One case's results as both sides report them (the dump layout). */
export interface Dump {
  gpr: Int32Array;
  hi: number;
  lo: number;
  fcsr: number;
  magic: number;
  fpr: Int32Array;
  buf: Uint8Array;
}

export function parseDump(bytes: Uint8Array): Dump {
  if (bytes.length !== DUMP_BYTES) throw new Error(`image: dump of ${bytes.length} bytes`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const gpr = new Int32Array(32), fpr = new Int32Array(64);
  for (let n = 0; n < 32; n++) gpr[n] = dv.getInt32(DUMP_GPR + 4 * n, true);
  for (let n = 0; n < 64; n++) fpr[n] = dv.getInt32(DUMP_FPR + 4 * n, true);
  return {
    gpr, fpr, hi: dv.getInt32(DUMP_HI, true), lo: dv.getInt32(DUMP_LO, true), fcsr: dv.getInt32(DUMP_FCSR, true),
    magic: dv.getInt32(DUMP_MAGIC, true), buf: bytes.slice(0, BUF_BYTES),
  };
}

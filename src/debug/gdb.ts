/**
 * GDB remote serial protocol stub (`--gdb PORT`, DESIGN.md), independent of the transport:
 * bytes come in through `receive`, replies go out through the `send` function, and the driver
 * (src/cli/gdb-server.ts, or a test) calls `advance` while the target runs.
 *
 * Supported: qSupported (PacketSize, swbreak, hwbreak, vContSupported, QStartNoAckMode,
 * qXfer:features:read), ?, g/G and p/P in gdb's mips32 layout (r0-r31, sr, lo, hi, bad, cause,
 * pc, f0-f31, fsr, fir): once gdb has read the target description the FPRs are 64 bits wide,
 * so FR=1 doubles show whole; m/M/X through the executing context's virtual addresses (no side effects; unreachable
 * memory answers E01), c/s and vCont, Z0/Z1 breakpoints kept in a set and checked in the
 * core's step hook (memory is never patched), k, D, qAttached, qC, qfThreadInfo/qsThreadInfo
 * (one thread), T05 stop replies with swbreak, and Ctrl-C. A packet with a bad checksum gets
 * '-'; nothing that arrives makes the stub throw.
 */
import type { Cpu, FpuUnit } from '../mips/cpu.ts';
import { C0 } from '../mips/cp0.ts';
import type { PhysBus } from '../soc/bus.ts';
import { addStepHook } from './hooks.ts';
import { DebugMemory } from './memory.ts';

/** Largest packet we accept and announce (qSupported PacketSize). */
export const GDB_PACKET_SIZE = 0x4000;
/** Registers in the g packet: 38 general/special + 32 FPRs + fsr + fir. */
export const GDB_NUM_REGS = 72;
export const GDB_REG_PC = 37;
export const GDB_REG_F0 = 38;
/**
 * FPR width in the g/p packets: without a target description gdb's mips32 layout has 4-byte
 * FP registers (the high halves of FR=1 registers are not shown); target.xml makes them 8.
 */
export const GDB_FPR_BYTES = 4;
export const GDB_FPR_BYTES_TDESC = 8;

/** Our target description: gdb's mips32 register numbers, with 64-bit FPRs. */
export function targetXml(): string {
  const reg = (name: string, n: number, bits = 32, extra = ''): string => `    <reg name="${name}" bitsize="${bits}" regnum="${n}"${extra}/>\n`;
  let cpu = '';
  for (let i = 0; i < 32; i++) cpu += reg(`r${i}`, i);
  cpu += reg('lo', 33) + reg('hi', 34) + reg('pc', 37, 32, ' type="code_ptr"');
  let fpu = '';
  for (let i = 0; i < 32; i++) fpu += reg(`f${i}`, GDB_REG_F0 + i, 64, ' type="ieee_double"');
  fpu += reg('fcsr', 70, 32, ' group="float"') + reg('fir', 71, 32, ' group="float"');
  return '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n  <architecture>mips:isa32r2</architecture>\n'
    + `  <feature name="org.gnu.gdb.mips.cpu">\n${cpu}  </feature>\n`
    + `  <feature name="org.gnu.gdb.mips.cp0">\n${reg('status', 32)}${reg('badvaddr', 35)}${reg('cause', 36)}  </feature>\n`
    + `  <feature name="org.gnu.gdb.mips.fpu">\n${fpu}  </feature>\n</target>\n`;
}
/** While the core is in guest mode, sr/cause/bad show the guest's CP0 and are read-only. */
export const GDB_GUEST_CP0_READ_ONLY = true;

/** The machine as the stub sees it; a Machine is one. */
export interface GdbTarget {
  readonly cpu: Cpu;
  readonly soc: { readonly bus: PhysBus };
  /** Runs for at most `cycles` of virtual time; returns early when the core halts. */
  run(cycles: number): string;
}

export type GdbState = 'stopped' | 'running' | 'stepping' | 'detached' | 'killed';

const SIGINT = 2, SIGTRAP = 5;
/** Parser states. */
const IDLE = 0, DATA = 1, CSUM1 = 2, CSUM2 = 3;

type FpuView = FpuUnit & { fcsr?: number; fir?: number; fcsrValue?: () => number };

export class GdbStub {
  private st: GdbState = 'stopped';
  private ack = true;
  private readonly breakpoints = new Set<number>();
  /** gdb has our target description: FPRs travel as 64-bit values. */
  private wideFprs = false;
  private swbreakOk = false;
  /** pc at resume: its breakpoint is stepped over once. */
  private resumePc: number | null = null;
  private stepsLeft = 0;
  private stopSignal = SIGTRAP;
  private stopSwbreak = false;
  private hitStop = false;
  private readonly memory: DebugMemory;
  private removeHook: (() => void) | null = null;
  private lastSent = '';
  // Receive state.
  private mode = IDLE;
  private buf: number[] = [];
  private sum = 0;
  private csum = 0;

  /** Called when gdb kills the target (k) or detaches (D). */
  onEnd: ((how: 'killed' | 'detached') => void) | null = null;

  constructor(
    private readonly target: GdbTarget,
    private readonly send: (bytes: string) => void,
  ) {
    this.memory = new DebugMemory(target.cpu, target.soc.bus);
    this.removeHook = addStepHook(target.cpu, (cpu) => this.check(cpu), true);
  }

  get state(): GdbState {
    return this.st;
  }

  /** The target should be running (the driver keeps calling `advance`). */
  get running(): boolean {
    return this.st === 'running' || this.st === 'stepping';
  }

  // ---------------------------------------------------------------- transport

  /** Bytes from gdb (a latin1 string or raw bytes). */
  receive(data: Uint8Array | string): void {
    for (let i = 0; i < data.length; i++) {
      const b = typeof data === 'string' ? data.charCodeAt(i) & 0xff : data[i]!;
      this.byte(b);
    }
  }

  private byte(b: number): void {
    switch (this.mode) {
      case IDLE:
        if (b === 0x24) { this.mode = DATA; this.buf = []; this.sum = 0; } // '$'
        else if (b === 0x03) this.interrupt();
        else if (b === 0x2d && this.ack && this.lastSent !== '') this.send(this.lastSent); // '-': resend
        return; // '+' and noise between packets are ignored
      case DATA:
        if (b === 0x23) { this.mode = CSUM1; return; } // '#'
        if (this.buf.length >= GDB_PACKET_SIZE) { this.mode = IDLE; if (this.ack) this.send('-'); return; }
        this.buf.push(b);
        this.sum = (this.sum + b) & 0xff;
        return;
      case CSUM1: {
        const h = hexVal(b);
        if (h < 0) { this.bad(); return; }
        this.csum = h << 4;
        this.mode = CSUM2;
        return;
      }
      default: {
        const h = hexVal(b);
        this.mode = IDLE;
        if (h < 0 || (this.csum | h) !== this.sum) { this.bad(); return; }
        if (this.ack) this.send('+');
        this.packet(this.buf);
      }
    }
  }

  private bad(): void {
    this.mode = IDLE;
    if (this.ack) this.send('-');
  }

  private reply(data: string): void {
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum = (sum + data.charCodeAt(i)) & 0xff;
    const p = `$${data}#${sum.toString(16).padStart(2, '0')}`;
    this.lastSent = p;
    this.send(p);
  }

  // ---------------------------------------------------------------- packets

  private packet(raw: number[]): void {
    let r: string | null;
    try {
      r = this.handle(raw);
    } catch {
      r = 'E03'; // never reached by any input we know of; a stub must not die on a packet
    }
    if (r !== null) this.reply(r);
  }

  /** The reply to one packet, or null when none is due now (resume, kill). */
  private handle(raw: number[]): string | null {
    const text = latin1(raw);
    switch (text[0]) {
      case '?': return this.stopReply();
      case 'g': return this.readAllRegs();
      case 'G': return this.writeAllRegs(text.slice(1));
      case 'p': return this.readReg(text.slice(1));
      case 'P': return this.writeReg(text.slice(1));
      case 'm': return this.readMem(text.slice(1));
      case 'M': return this.writeMemHex(text.slice(1));
      case 'X': return this.writeMemBinary(raw);
      case 'c': return this.resume(text.slice(1), false);
      case 's': return this.resume(text.slice(1), true);
      case 'C': case 'S': return this.resume(text.slice(1).replace(/^[0-9a-fA-F]+;?/, ''), text[0] === 'S');
      case 'Z': case 'z': return this.breakpoint(text);
      case 'k': this.end('killed'); return null;
      case 'D': this.reply('OK'); this.end('detached'); return null;
      case 'H': return 'OK';
      case 'T': return 'OK';
      case 'q': return this.query(text);
      case 'Q': return text === 'QStartNoAckMode' ? this.noAck() : '';
      case 'v': return this.vPacket(text);
      default: return '';
    }
  }

  private query(text: string): string {
    if (text.startsWith('qSupported')) {
      this.swbreakOk = /swbreak\+/.test(text);
      return `PacketSize=${GDB_PACKET_SIZE.toString(16)};swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+;qXfer:features:read+`;
    }
    if (text.startsWith('qXfer:features:read:')) return this.features(text.slice(20));
    switch (text) {
      case 'qAttached': return '1';
      case 'qC': return 'QC1';
      case 'qfThreadInfo': return 'm1';
      case 'qsThreadInfo': return 'l';
      case 'qSymbol::': return 'OK';
      case 'qOffsets': return 'Text=0;Data=0;Bss=0';
      default: return '';
    }
  }

  /** qXfer:features:read:ANNEX:OFFSET,LENGTH — from then on the FPRs are 64 bits wide. */
  private features(arg: string): string {
    const m = /^([^:]+):([0-9a-fA-F]{1,8}),([0-9a-fA-F]{1,8})$/.exec(arg);
    if (m === null) return 'E01';
    if (m[1] !== 'target.xml') return 'E00';
    const xml = targetXml();
    const off = parseInt(m[2]!, 16), len = Math.min(parseInt(m[3]!, 16), GDB_PACKET_SIZE - 16);
    this.wideFprs = true;
    const part = xml.slice(off, off + len);
    return (off + len >= xml.length ? 'l' : 'm') + part;
  }

  private noAck(): null {
    // The OK itself is still acknowledged by gdb; acks stop after it.
    this.reply('OK');
    this.ack = false;
    return null;
  }

  private vPacket(text: string): string | null {
    if (text === 'vCont?') return 'vCont;c;C;s;S';
    if (text === 'vMustReplyEmpty') return '';
    if (!text.startsWith('vCont;')) return '';
    // One thread: the first action that names it (or no thread) applies.
    for (const action of text.slice(6).split(';')) {
      const [what, thread] = action.split(':');
      if (thread !== undefined && !/^(-1|0*1|0)$/.test(thread)) continue;
      const k = what?.[0];
      if (k === 'c' || k === 'C') return this.resume('', false);
      if (k === 's' || k === 'S') return this.resume('', true);
      if (k === 't') return 'OK';
      return 'E01';
    }
    return 'E01';
  }

  // ---------------------------------------------------------------- run control

  private resume(addrText: string, step: boolean): string | null {
    if (addrText !== '') {
      const a = parseAddr(addrText);
      if (a === null) return 'E01';
      this.target.cpu.setPc(a);
    }
    this.resumePc = this.target.cpu.pc;
    this.stepsLeft = step ? 1 : 0;
    this.hitStop = false;
    this.st = step ? 'stepping' : 'running';
    return null;
  }

  private interrupt(): void {
    if (!this.running) return;
    this.stop(SIGINT, false);
  }

  private stop(signal: number, swbreak: boolean): void {
    this.st = 'stopped';
    this.stopSignal = signal;
    this.stopSwbreak = swbreak;
    this.reply(this.stopReply());
  }

  private stopReply(): string {
    const cpu = this.target.cpu;
    const sig = this.stopSignal.toString(16).padStart(2, '0');
    const why = this.stopSwbreak && this.swbreakOk ? 'swbreak:;' : '';
    return `T${sig}${GDB_REG_PC.toString(16)}:${le32(cpu.pc)};1d:${le32(cpu.gpr[29]!)};${why}thread:1;`;
  }

  /** Step hook: stops before a breakpoint or after the single step. */
  private check(cpu: Cpu): boolean {
    if (this.st === 'stepping') {
      if (this.stepsLeft > 0) { this.stepsLeft--; this.resumePc = null; return false; }
      this.hitStop = true;
      this.stopSwbreak = false;
      return true;
    }
    if (this.st !== 'running') return this.st === 'stopped';
    if (this.resumePc !== null) {
      const skip = cpu.pc === this.resumePc;
      this.resumePc = null;
      if (skip) return false;
    }
    if (this.breakpoints.has(cpu.pc >>> 0)) {
      this.hitStop = true;
      this.stopSwbreak = true;
      return true;
    }
    return false;
  }

  /**
   * Runs the target for up to `cycles` while gdb lets it run; sends the stop reply when it
   * stops. Returns true while it is still running.
   */
  advance(cycles: number): boolean {
    if (!this.running) return false;
    const reason = this.target.run(cycles);
    if (this.hitStop) {
      this.hitStop = false;
      this.stop(SIGTRAP, this.stopSwbreak);
    } else if (reason !== 'time' && this.running) {
      // The machine stopped on its own (halt, console match, reset request).
      this.stop(SIGTRAP, false);
    }
    return this.running;
  }

  private end(how: 'killed' | 'detached'): void {
    this.st = how;
    this.breakpoints.clear();
    if (this.removeHook !== null) { this.removeHook(); this.removeHook = null; }
    if (this.onEnd !== null) this.onEnd(how);
  }

  /** Removes the stub's hook (the connection is gone); the target keeps its state. */
  close(): void {
    if (this.st !== 'killed' && this.st !== 'detached') this.end('detached');
  }

  private breakpoint(text: string): string {
    const m = /^([Zz])([0-4]),([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})(;.*)?$/.exec(text);
    if (m === null) return 'E01';
    if (m[2] !== '0' && m[2] !== '1') return ''; // watchpoints are not supported
    const a = parseAddr(m[3]!)!;
    if (m[1] === 'Z') this.breakpoints.add(a >>> 0);
    else this.breakpoints.delete(a >>> 0);
    return 'OK';
  }

  // ---------------------------------------------------------------- registers

  /** Bytes of register n in the g/p packets. */
  private regBytes(n: number): number {
    return n >= GDB_REG_F0 && n < GDB_REG_F0 + 32 ? (this.wideFprs ? GDB_FPR_BYTES_TDESC : GDB_FPR_BYTES) : 4;
  }

  /** Register n as little-endian hex bytes, 'x's if it is not available, null if it does not exist. */
  private regHex(n: number): string | null {
    const v = this.regValue(n);
    if (v === undefined) return null;
    const bytes = this.regBytes(n);
    if (v === null) return 'x'.repeat(2 * bytes);
    if (bytes === 4) return le32(v);
    // A 64-bit FPR: with FR=0 only the low words are registers; the high half reads 0.
    const f = this.target.cpu.fpu!;
    return le32(v) + le32(f.fr ? f.getDHi(n - GDB_REG_F0) : 0);
  }

  /** undefined: no such register; null: not available. For FPRs, the low word. */
  private regValue(n: number): number | null | undefined {
    const cpu = this.target.cpu;
    if (n < 0 || n >= GDB_NUM_REGS) return undefined;
    if (n < 32) return cpu.gpr[n]!;
    const cp0 = cpu.guest ? cpu.gcp0 : cpu.cp0;
    switch (n) {
      case 32: return cp0[C0.STATUS]!;
      case 33: return cpu.lo;
      case 34: return cpu.hi;
      case 35: return cp0[C0.BADVADDR]!;
      case 36: return cpu.guest ? cp0[C0.CAUSE]! : cpu.mfc0(C0.CAUSE);
      case 37: return cpu.pc;
    }
    if (!cpu.hasFpu) return null;
    const f = cpu.fpu as FpuView;
    if (n < 70) return f.getW(n - GDB_REG_F0);
    if (n === 70) return f.fcsrValue?.() ?? f.fcsr ?? null; // with any pending Cause worked out
    return f.fir ?? null;
  }

  /** Sets register n from its packet hex (4 or 8 bytes); false when it cannot be written. */
  private setReg(n: number, hex: string): boolean {
    const cpu = this.target.cpu;
    if (n < 0 || n >= GDB_NUM_REGS || hex.length !== 2 * this.regBytes(n)) return false;
    const v = fromLe32(hex.slice(0, 8));
    if (n < 32) { if (n !== 0) cpu.gpr[n] = v; return true; }
    switch (n) {
      case 33: cpu.lo = v; return true;
      case 34: cpu.hi = v; return true;
      case 37: cpu.setPc(v); return true;
      case 32: case 35: case 36:
        if (cpu.guest && GDB_GUEST_CP0_READ_ONLY) return false;
        if (n === 35) cpu.cp0[C0.BADVADDR] = v;
        else cpu.mtc0(n === 32 ? C0.STATUS : C0.CAUSE, v);
        return true;
    }
    if (!cpu.hasFpu) return false;
    const f = cpu.fpu as FpuView;
    if (n < 70) {
      const i = n - GDB_REG_F0;
      if (hex.length === 16 && f.fr) f.setD64(i, v, fromLe32(hex.slice(8)));
      else f.setW(i, v);
      return true;
    }
    if (n === 70 && f.fcsr !== undefined) { f.fcsr = v; return true; }
    return false; // FIR is read-only
  }

  private readAllRegs(): string {
    let s = '';
    for (let n = 0; n < GDB_NUM_REGS; n++) s += this.regHex(n)!;
    return s;
  }

  private writeAllRegs(hex: string): string {
    if (hex.length % 8 !== 0 || !/^[0-9a-fA-Fx]*$/.test(hex)) return 'E01';
    let at = 0;
    for (let n = 0; n < GDB_NUM_REGS && at < hex.length; n++) {
      const h = hex.slice(at, at + 2 * this.regBytes(n));
      at += 2 * this.regBytes(n);
      if (h.includes('x') || h.length !== 2 * this.regBytes(n)) continue;
      this.setReg(n, h);
    }
    return 'OK';
  }

  private readReg(arg: string): string {
    if (!/^[0-9a-fA-F]{1,8}$/.test(arg)) return 'E01';
    return this.regHex(parseInt(arg, 16)) ?? 'E01';
  }

  private writeReg(arg: string): string {
    const m = /^([0-9a-fA-F]{1,8})=([0-9a-fA-F]{8}|[0-9a-fA-F]{16})$/.exec(arg);
    if (m === null) return 'E01';
    return this.setReg(parseInt(m[1]!, 16), m[2]!) ? 'OK' : 'E01';
  }

  // ---------------------------------------------------------------- memory

  private readMem(arg: string): string {
    const m = /^([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})$/.exec(arg);
    if (m === null) return 'E01';
    const len = parseInt(m[2]!, 16);
    if (len > (GDB_PACKET_SIZE - 4) / 2) return 'E01';
    const bytes = this.memory.read(parseAddr(m[1]!)!, len);
    if (bytes === null) return 'E01';
    let s = '';
    for (const b of bytes) s += b.toString(16).padStart(2, '0');
    return s;
  }

  private writeMemHex(arg: string): string {
    const m = /^([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8}):([0-9a-fA-F]*)$/.exec(arg);
    if (m === null) return 'E01';
    const len = parseInt(m[2]!, 16);
    if (m[3]!.length !== len * 2) return 'E01';
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i++) bytes[i] = parseInt(m[3]!.slice(2 * i, 2 * i + 2), 16);
    return this.memory.write(parseAddr(m[1]!)!, bytes) ? 'OK' : 'E01';
  }

  /** X addr,len:binary — the data is escaped with '}' (byte ^ 0x20). */
  private writeMemBinary(raw: number[]): string {
    const colon = raw.indexOf(0x3a);
    if (colon < 0) return 'E01';
    const m = /^X([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})$/.exec(String.fromCharCode(...raw.slice(0, colon)));
    if (m === null) return 'E01';
    const len = parseInt(m[2]!, 16);
    const data: number[] = [];
    for (let i = colon + 1; i < raw.length; i++) {
      if (raw[i] === 0x7d) { i++; if (i >= raw.length) return 'E01'; data.push(raw[i]! ^ 0x20); } else data.push(raw[i]!);
    }
    if (data.length !== len) return 'E01';
    if (len === 0) return 'OK'; // gdb probes X support with an empty write
    return this.memory.write(parseAddr(m[1]!)!, Uint8Array.from(data)) ? 'OK' : 'E01';
  }
}

function hexVal(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

function latin1(raw: number[]): string {
  let s = '';
  for (let i = 0; i < raw.length; i += 4096) s += String.fromCharCode(...raw.slice(i, i + 4096));
  return s;
}

/**
 * An address from gdb: hex, up to 64 bits (gdb sign-extends 32-bit MIPS addresses to
 * 0xffffffff9d001000); the low 32 bits are the address. Null if not hex.
 */
function parseAddr(text: string): number | null {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) return null;
  return parseInt(text.slice(-8), 16) | 0;
}

/** A 32-bit value as target-order (little-endian) hex bytes. */
function le32(v: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += ((v >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return s;
}

function fromLe32(h: string): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v |= parseInt(h.slice(2 * i, 2 * i + 2), 16) << (8 * i);
  return v | 0;
}

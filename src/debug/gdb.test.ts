import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../machine/machine.ts';
import { loadFirmware } from '../image/load.ts';
import { C0 } from '../mips/cp0.ts';
import { GDB_NUM_REGS, GdbStub, targetXml } from './gdb.ts';

const PREBUILT = join(import.meta.dirname, '../../guests/prebuilt');

function frame(data: string): string {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum + data.charCodeAt(i)) & 0xff;
  return `$${data}#${sum.toString(16).padStart(2, '0')}`;
}

/** Splits the stub's output into acks and checked packets. */
function parseOut(out: string): { acks: string; packets: string[] } {
  let acks = '';
  const packets: string[] = [];
  for (let i = 0; i < out.length;) {
    const c = out[i]!;
    if (c === '+' || c === '-') { acks += c; i++; continue; }
    expect(c).toBe('$');
    const end = out.indexOf('#', i);
    expect(end).toBeGreaterThan(i);
    const data = out.slice(i + 1, end);
    expect(frame(data)).toBe(out.slice(i, end + 3));
    packets.push(data);
    i = end + 3;
  }
  return { acks, packets };
}

interface Session {
  m: Machine;
  stub: GdbStub;
  entry: number;
  /** Sends one packet and returns the replies that came back (acks stripped). */
  ask(data: string): string[];
  /** Everything sent since the last `clear` (or `ask`). */
  out(): string;
  clear(): void;
}

function session(): Session {
  const file = join(PREBUILT, 'hello.elf');
  const fw = loadFirmware(new Uint8Array(readFileSync(file)), file);
  const m = new Machine();
  m.load(fw, file);
  m.boot(fw.entry);
  let out = '';
  const stub = new GdbStub(m, (b) => { out += b; });
  const s: Session = {
    m, stub, entry: fw.entry! | 0,
    ask(data) {
      out = '';
      stub.receive(frame(data));
      const p = parseOut(out);
      return p.packets;
    },
    out: () => out,
    clear: () => { out = ''; },
  };
  return s;
}

const le = (v: number): string => [0, 1, 2, 3].map((i) => ((v >>> (8 * i)) & 0xff).toString(16).padStart(2, '0')).join('');

describe('gdb stub: protocol', () => {
  it('acks good packets, naks bad checksums and answers qSupported', () => {
    const s = session();
    s.stub.receive(frame('qSupported:multiprocess+;swbreak+;hwbreak+'));
    const p = parseOut(s.out());
    expect(p.acks).toBe('+');
    expect(p.packets[0]).toMatch(/^PacketSize=4000;swbreak\+;/);
    s.stub.receive('$qC#00');
    expect(s.out().endsWith('-')).toBe(true);
    expect(s.ask('qC')).toEqual(['QC1']);
    expect(s.ask('qAttached')).toEqual(['1']);
    expect(s.ask('qfThreadInfo')).toEqual(['m1']);
    expect(s.ask('qsThreadInfo')).toEqual(['l']);
    expect(s.ask('vCont?')).toEqual(['vCont;c;C;s;S']);
    expect(s.ask('qNothingLikeThis')).toEqual(['']);
  });

  it('resends the last packet on a nak and stops acking after QStartNoAckMode', () => {
    const s = session();
    expect(s.ask('qC')).toEqual(['QC1']);
    const stub = s.stub;
    s.clear();
    stub.receive('-');
    expect(s.out()).toBe(frame('QC1'));
    s.clear();
    stub.receive(frame('QStartNoAckMode'));
    expect(s.out()).toBe('+' + frame('OK'));
    s.clear();
    stub.receive(frame('qC'));
    expect(s.out()).toBe(frame('QC1'));
    s.clear();
    stub.receive('$qC#00'); // bad checksum: silently dropped without acks
    expect(s.out()).toBe('');
  });

  it('reports the initial stop and reads registers in the mips32 layout', () => {
    const s = session();
    expect(s.ask('?')[0]).toMatch(new RegExp(`^T0525:${le(s.entry)};1d:`));
    const g = s.ask('g')[0]!;
    expect(g).toHaveLength(GDB_NUM_REGS * 8);
    expect(g.slice(37 * 8, 38 * 8)).toBe(le(s.entry));
    expect(g.slice(32 * 8, 33 * 8)).toBe(le(s.m.cpu.cp0[12 * 8]!)); // sr
    expect(s.ask('p25')).toEqual([le(s.entry)]);
    expect(s.ask('p48')).toEqual(['E01']);
  });

  it('writes registers with P and G', () => {
    const s = session();
    expect(s.ask(`P8=${le(0x12345678)}`)).toEqual(['OK']);
    expect(s.m.cpu.gpr[8]).toBe(0x12345678);
    expect(s.ask(`P0=${le(5)}`)).toEqual(['OK']);
    expect(s.m.cpu.gpr[0]).toBe(0);
    const g = s.ask('g')[0]!;
    const g2 = g.slice(0, 9 * 8) + le(0xcafe) + g.slice(10 * 8);
    expect(s.ask(`G${g2}`)).toEqual(['OK']);
    expect(s.m.cpu.gpr[9]).toBe(0xcafe);
    expect(s.ask('g')[0]).toBe(g2);
    expect(s.ask('P25=00')).toEqual(['E01']);
  });

  it('serves its target description in pieces; from then on FPRs are 64 bits in g and p', () => {
    const s = session();
    expect(s.ask('qSupported:swbreak+;xmlRegisters=mips')[0]).toContain('qXfer:features:read+');
    expect(s.ask('g')[0]!.length).toBe(GDB_NUM_REGS * 8);
    let xml = '';
    for (let off = 0; ;) {
      const r = s.ask(`qXfer:features:read:target.xml:${off.toString(16)},200`)[0]!;
      expect(r[0]).toMatch(/[ml]/);
      xml += r.slice(1);
      off += r.length - 1;
      if (r[0] === 'l') break;
    }
    expect(xml).toBe(targetXml());
    expect(xml).toContain('<feature name="org.gnu.gdb.mips.fpu">');
    expect(xml).toContain('<reg name="f31" bitsize="64" regnum="69" type="ieee_double"/>');
    expect(s.ask('qXfer:features:read:other.xml:0,100')[0]).toBe('E00');
    expect(s.ask('qXfer:features:read:target.xml:zz')[0]).toBe('E01');
    // 32 FPRs of 16 hex digits, the rest 8.
    expect(s.ask('g')[0]!.length).toBe((GDB_NUM_REGS - 32) * 8 + 32 * 16);
    s.m.cpu.mtc0(C0.STATUS, 0x24400000); // CU1 | FR
    expect(s.ask('P28=000000000000f83f')[0]).toBe('OK');
    expect(s.m.cpu.fpu!.getDHi(2) >>> 0).toBe(0x3ff80000);
    expect(s.ask('p28')[0]).toBe('000000000000f83f');
    expect(s.ask('P28=00000000')[0]).toBe('E01');
  });

  it('reads and writes memory through virtual addresses, E01 where nothing is', () => {
    const s = session();
    const word = s.ask(`m${(s.entry >>> 0).toString(16)},4`)[0]!;
    expect(word).toBe(le(0x3c080040)); // lui t0,0x40 at _start
    expect(s.ask(`mffffffff${(s.entry >>> 0).toString(16)},4`)[0]).toBe(word); // sign-extended address
    expect(s.ask('mbe000000,4')).toEqual(['E01']); // nothing there
    expect(s.ask('mbf810000,4')).toEqual(['E01']); // MMIO is not read
    expect(s.ask('m00400000,4')).toEqual(['E01']); // kuseg, no TLB entry
    expect(s.ask('M80000100,4:01020304')).toEqual(['OK']);
    expect(s.ask('m80000100,4')).toEqual(['01020304']);
    expect(s.ask('mA0000100,2')).toEqual(['0102']); // kseg1 alias of the same RAM
    // X with escaped bytes: 0x23 ('#'), 0x7d ('}') and 0x24 ('$') arrive as } followed by byte^0x20.
    const raw = 'X80000104,3:' + '}\x03' + '}\x5d' + '}\x04';
    expect(s.ask(raw)).toEqual(['OK']);
    expect(s.ask('m80000104,3')).toEqual(['237d24']);
    expect(s.ask('X80000104,0:')).toEqual(['OK']);
    expect(s.ask('Mbe000000,1:00')).toEqual(['E01']);
    expect(s.ask('m80000100,zz')).toEqual(['E01']);
  });
});

describe('gdb stub: run control', () => {
  it('stops at a breakpoint without patching memory, then steps', () => {
    const s = session();
    s.ask('qSupported:swbreak+');
    const bp = (s.entry + 0x10) >>> 0;
    expect(s.ask(`Z0,${bp.toString(16)},4`)).toEqual(['OK']);
    expect(s.ask(`m${bp.toString(16)},4`)).toEqual([le(0x24090003)]); // still the original word
    expect(s.ask('c')).toEqual([]);
    expect(s.stub.state).toBe('running');
    s.clear();
    expect(s.stub.advance(1000)).toBe(false);
    expect(parseOut(s.out()).packets).toEqual([`T0525:${le(bp)};1d:${le(s.m.cpu.gpr[29]!)};swbreak:;thread:1;`]);
    expect(s.m.cpu.pc >>> 0).toBe(bp);
    expect(s.m.cpu.instret).toBe(4); // the instructions before it ran
    // Step off the breakpoint: one instruction.
    s.clear();
    s.stub.receive(frame('s'));
    s.stub.advance(1000);
    const stop = parseOut(s.out()).packets[0]!;
    expect(stop).toMatch(new RegExp(`^T0525:${le(bp + 4)};`));
    expect(stop).not.toContain('swbreak');
    expect(s.m.cpu.gpr[9]).toBe(3);
    // Continue with the breakpoint removed: runs on until interrupted.
    expect(s.ask(`z0,${bp.toString(16)},4`)).toEqual(['OK']);
    s.clear();
    s.stub.receive(frame('vCont;c:1'));
    expect(s.stub.advance(1000)).toBe(true);
    s.stub.receive('\x03');
    expect(parseOut(s.out()).packets[0]).toMatch(/^T02/);
    expect(s.stub.state).toBe('stopped');
  });

  it('keeps the machine stopped while gdb has it stopped', () => {
    const s = session();
    const pc = s.m.cpu.pc;
    s.m.run(1000);
    expect(s.m.cpu.pc).toBe(pc);
    expect(s.stub.advance(1000)).toBe(false);
  });

  it('resumes at an address with c ADDR and supports vCont;s', () => {
    const s = session();
    s.clear();
    s.stub.receive(frame(`vCont;s:1;c`));
    s.stub.advance(10);
    expect(parseOut(s.out()).packets[0]).toMatch(new RegExp(`^T0525:${le(s.entry + 4)};`));
    s.clear();
    s.stub.receive(frame(`s${((s.entry + 0x10) >>> 0).toString(16)}`));
    s.stub.advance(10);
    expect(parseOut(s.out()).packets[0]).toMatch(new RegExp(`^T0525:${le(s.entry + 0x14)};`));
  });

  it('detaches (hook removed, OK sent) and kills', () => {
    const s = session();
    const ends: string[] = [];
    s.stub.onEnd = (h) => ends.push(h);
    expect(s.ask('D')).toEqual(['OK']);
    expect(s.stub.state).toBe('detached');
    expect(s.m.cpu.stepHook).toBeNull();
    const s2 = session();
    s2.stub.onEnd = (h) => ends.push(h);
    expect(s2.ask('k')).toEqual([]);
    expect(ends).toEqual(['detached', 'killed']);
  });
});

describe('gdb stub: fuzz', () => {
  const SAMPLES = ['?', 'g', 'G00', 'p25', 'P1=00000000', 'm9d001000,10', 'M80000000,2:abcd', 'X80000000,1:a',
    'c', 's', 'vCont;s', 'vCont;c', 'Z0,9d001010,4', 'z0,9d001010,4', 'Z2,0,4', 'qSupported:swbreak+', 'qC',
    'qAttached', 'qfThreadInfo', 'H g0', 'Hc-1', 'T1', 'QStartNoAckMode', 'vMustReplyEmpty', 'qXfer:features:read:target.xml:0,fff'];

  it('never throws and answers or naks every packet (random and mutated packets)', () => {
    let s = session();
    let seed = 12345;
    const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed % n; };
    const fresh = (): void => { s = session(); };
    let ended = 0;
    for (let i = 0; i < 2000; i++) {
      let data: string;
      const kind = rnd(3);
      if (kind === 0) data = Array.from({ length: rnd(40) }, () => String.fromCharCode(rnd(256))).join('').replace(/[$#]/g, '');
      else {
        data = SAMPLES[rnd(SAMPLES.length)]!;
        if (kind === 2) {
          const a = data.split('');
          for (let k = rnd(4); k >= 0; k--) a[rnd(a.length + 1)] = String.fromCharCode(rnd(128));
          data = a.join('').replace(/[$#]/g, '');
        }
        if (data === 'QStartNoAckMode') continue; // keeps the ack accounting below simple
      }
      const corrupt = rnd(5) === 0;
      let pkt = frame(data);
      if (corrupt) pkt = pkt.slice(0, -1) + (pkt.endsWith('0') ? '1' : '0');
      s.clear();
      expect(() => s.stub.receive(pkt)).not.toThrow();
      if (s.stub.running) {
        expect(() => s.stub.advance(50)).not.toThrow();
        if (s.stub.running) s.stub.receive('\x03');
      }
      const p = parseOut(s.out());
      if (s.stub.state === 'killed' || s.stub.state === 'detached') { ended++; fresh(); continue; }
      expect(p.acks[0], JSON.stringify(pkt)).toBe(corrupt ? '-' : '+');
      if (!corrupt) expect(p.packets.length, JSON.stringify(pkt)).toBeGreaterThan(0);
    }
    expect(ended).toBeLessThan(100);
    // Raw noise between packets is ignored; a packet split across calls still parses.
    s.clear();
    expect(() => s.stub.receive(new Uint8Array([0x00, 0xff, 0x2b, 0x7d]))).not.toThrow();
    const f = frame('qC');
    s.stub.receive(f.slice(0, 3));
    s.stub.receive(f.slice(3));
    expect(s.out()).toBe('+' + frame('QC1'));
  });
});

import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../machine/machine.ts';
import { loadFirmware } from '../image/load.ts';
import { runGdbSession, type GdbSessionEnd } from './gdb-server.ts';

const GDB = 'gdb-multiarch';
const HELLO = join(import.meta.dirname, '../../guests/prebuilt/hello.elf');

function hasGdb(): boolean {
  try {
    execFileSync(GDB, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const gdbInstalled = hasGdb();
if (!gdbInstalled) console.warn(`gdb-server.test: ${GDB} not installed; the real gdb session is skipped`);

function helloMachine(): Machine {
  const fw = loadFirmware(new Uint8Array(readFileSync(HELLO)), HELLO);
  const m = new Machine();
  m.load(fw, HELLO);
  m.boot(fw.entry);
  return m;
}

function frame(data: string): string {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum + data.charCodeAt(i)) & 0xff;
  return `$${data}#${sum.toString(16).padStart(2, '0')}`;
}

describe('gdb server', () => {
  it('serves a raw TCP client until it kills the target', async () => {
    const m = helloMachine();
    let port = 0;
    const ended = deferred<GdbSessionEnd>();
    const listening = new Promise<void>((resolve) => {
      void runGdbSession(m, { port: 0, onListening: (p) => { port = p; resolve(); } }).then((e) => ended.resolve(e));
    });
    await listening;
    const sock = createConnection(port, '127.0.0.1');
    let got = '';
    sock.on('data', (b) => { got += b.toString('latin1'); });
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(frame('qC'));
    await until(() => got.includes('QC1'));
    expect(got).toBe('+' + frame('QC1'));
    sock.write(frame('c'));
    await sleep(50);
    expect(m.clock.now).toBeGreaterThan(0); // it runs while gdb lets it
    sock.write('\x03');
    await until(() => got.includes('$T02'));
    sock.write(frame('k'));
    expect(await ended.promise).toBe('killed');
    sock.destroy();
  });

  it('reports a port that is already taken as a user error', async () => {
    const m = helloMachine();
    let port = 0;
    const first = new Promise<void>((resolve) => {
      void runGdbSession(m, { port: 0, onListening: (p) => { port = p; resolve(); } }).catch(() => {});
    });
    await first;
    await expect(runGdbSession(m, { port })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
    createConnection(port, '127.0.0.1').destroy(); // lets the first session end
  });
});

describe.skipIf(!gdbInstalled)('gdb server with gdb-multiarch', () => {
  it('breaks, shows registers and memory, steps and detaches', async () => {
    const m = helloMachine();
    const out = deferred<string>();
    const session = runGdbSession(m, {
      port: 0,
      onListening: (port) => {
        const args = ['-batch', '-nx', '-ex', 'set architecture mips:isa32r2', '-ex', 'set endian little',
          '-ex', `target remote 127.0.0.1:${port}`, '-ex', 'break *0x9d001010', '-ex', 'continue',
          '-ex', 'info registers', '-ex', 'x/4x 0x9d001000', '-ex', 'stepi', '-ex', 'p/x $t1', '-ex', 'p/x $pc',
          // FR=1 (and CU1): the target description's 64-bit FPRs carry whole doubles both ways.
          '-ex', 'set $status = 0x24400000', '-ex', 'set $f2 = 1.5', '-ex', 'p $f2', HELLO];
        execFile(GDB, args, { timeout: 30_000 }, (err, stdout, stderr) => {
          out.resolve(`${stdout}\n${stderr}${err ? `\n${err.message}` : ''}`);
        });
      },
    });
    const text = await out.promise;
    expect(await session).toBe('detached');
    expect(text).toMatch(/Breakpoint 1, 0x9d001010 in _start \(\)/);
    expect(text).toMatch(/status\s+lo\s+hi\s+badvaddr\s+cause\s+pc\s*\n\s*00400000 [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} 9d001010/);
    expect(text).toContain('0x9d001000 <_start>:\t0x3c080040\t0x40886000\t0x000000c0\t0x40088000');
    expect(text).toMatch(/\$1 = 0x3\n/);
    expect(text).toMatch(/\$2 = 0x9d001014\n/);
    expect(text).toMatch(/\$3 = 1\.5\n/);
    expect(m.cpu.fpu!.fr).toBe(true);
    expect(m.cpu.fpu!.getDHi(2) >>> 0).toBe(0x3ff80000);
    expect(m.cpu.fpu!.getDLo(2)).toBe(0);
    expect(m.cpu.stepHook).toBeNull(); // detached: the core runs at full speed again
  }, 60_000);
});

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await sleep(5);
  }
}

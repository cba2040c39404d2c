import { describe, expect, it } from 'vitest';
import { tinyvp } from '../util/cli.ts';

describe('tinyvp run', () => {
  it('prints the console and exits 0 when --until text appears', async () => {
    const r = await tinyvp('run', 'guests/prebuilt/hello.elf', '--until', 'hello from tinyvp');
    expect(r.stdout).toBe('hello from tinyvp');
    expect(r.code).toBe(0);
  });

  it('exits 1 when --for passes before --until', async () => {
    const r = await tinyvp('run', 'guests/prebuilt/hello.elf', '--for', '100us', '--until', 'hello from tinyvp');
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan('hello from tinyvp'.length);
  });

  it('runs for virtual time: an idle program sleeping 10 s costs little wall time', async () => {
    const r = await tinyvp('run', 'guests/prebuilt/hello.elf', '--for', '10s', '--stats');
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stderr.trim().split('\n').pop()!) as { virtualNs: number; instructions: number };
    expect(stats.virtualNs).toBe(10_000_000_000);
    expect(stats.instructions).toBeLessThan(1_000_000);
  });

  it('feeds --input and board buttons; rejects unknown buttons', async () => {
    expect((await tinyvp('run', 'guests/prebuilt/hello.elf', '--for', '2ms', '--input', '@1ms:abc;@1.5ms:!press BTN1')).code).toBe(0);
    const bad = await tinyvp('run', 'guests/prebuilt/hello.elf', '--input', '@1s:!press NOPE');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tinyvp: --input: board wifire has no button 'NOPE'/);
  });

  it.each([
    [['run', 'no-such.elf'], /^tinyvp: no-such.elf: no such file\n$/],
    [['run', 'package.json'], /^tinyvp: package.json: unrecognised image format/],
    [['run', 'guests/prebuilt/hello.elf', '--entry', '0x9d000002'], /^tinyvp: entry 0x9d000002 is not an aligned address/],
    [['run', 'guests/prebuilt/hello.elf', '--entry', 'zz'], /^tinyvp: bad --entry 'zz'/],
    [['run', 'guests/prebuilt/hello.elf', '--for', 'soon'], /^tinyvp: run: bad --for 'soon'/],
    [['run', 'guests/prebuilt/hello.elf', '--bogus'], /^tinyvp: run: unknown option '--bogus'/],
    [['run', 'guests/prebuilt/hello.elf', '--board', 'xyz'], /^tinyvp: unknown board 'xyz'/],
    [['frobnicate'], /^tinyvp: unknown command 'frobnicate'/],
  ])('%j is one error line with exit 2', async (args, re) => {
    const r = await tinyvp(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^tinyvp: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints LED changes with --leds, and with --led-bar when stdout is not a terminal', async () => {
    for (const opt of ['--leds', '--led-bar']) {
      const r = await tinyvp('run', 'guests/prebuilt/blink-wifire.elf', '--for', '1s', opt);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^LED LD\d (on|off) @\d+\.\d{3}s$/m);
      expect(r.stdout).not.toContain('\x1b[');
    }
  });

  it('has help', async () => {
    const r = await tinyvp('run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--until/);
  });
});

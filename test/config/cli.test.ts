/**
 * The commands end to end (`node bin/tinyvp.js ...`): every reference configuration builds from
 * examples/reference/ into an image that `inspect` reads back; errors are one line with exit 2
 * and leave no output; `maps` writes .map files that `build` then honours.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestElf, REF_DIR, REFERENCE_CONFIGS } from './helpers.ts';

const BIN = join(import.meta.dirname, '../../bin/tinyvp.js');

function tinyvp(args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tinyvp-cli-'));

describe('tinyvp build / inspect', () => {
  it.each(REFERENCE_CONFIGS)('%s builds on %s and inspects back', (config, board) => {
    const dir = tmp();
    const b = tinyvp(['build', join(REF_DIR, config), '--board', board, '-o', 'image.srec', '--report'], dir);
    expect(b.stderr).not.toMatch(/^tinyvp: (?!warning:)/m);
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/^tinyvp: wrote image\.srec \(\d VMs?, \d threads?, system table \d+ bytes at 0x9d1f0000\)$/m);
    expect(readdirSync(dir)).toEqual(['image.srec']);
    const i = tinyvp(['inspect', 'image.srec'], dir);
    expect(i.status).toBe(0);
    expect(i.stderr).toBe('');
    expect(i.stdout).toContain('VM 1 (vm, GuestID 1, shadow set 1');
    expect(i.stdout).toContain('  tree:');
    // build --report prints the same per-VM report as inspect, minus the trees.
    const report = b.stdout.slice(0, b.stdout.lastIndexOf('tinyvp: wrote'));
    for (const line of report.split('\n').filter(Boolean)) expect(i.stdout).toContain(line);
  });

  it('a bad config is one line, exit 2, and writes nothing', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.cfg'), '.vm\n id = 1\n bogus = 2\n.\n');
    const r = tinyvp(['build', 'bad.cfg', '--board', 'wifire'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("tinyvp: bad.cfg:3: unknown key 'bogus' in a VM block\n");
    expect(readdirSync(dir)).toEqual(['bad.cfg']);
  });

  it('a late error (allocation) also leaves no image behind', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'big.cfg'), '.vm\n id = 1\n entry = 0x9fc00000\n .mmap\n  code = 0x1fc00000 0x1000 rx 0x1d100000\n  ram = 0 0x100000 rw 0x1000\n .\n.\n');
    const r = tinyvp(['build', 'big.cfg', '--board', 'wifire', '-o', 'out.srec'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tinyvp: big\.cfg:6: RAM pool exhausted: .*\n$/);
    expect(existsSync(join(dir, 'out.srec'))).toBe(false);
  });

  it('option errors are one line with exit 2; --help exits 0', () => {
    const dir = tmp();
    expect(tinyvp(['build', 'x.cfg', '--bogus'], dir)).toMatchObject({ status: 2, stderr: "tinyvp: unknown option '--bogus' for build (see 'tinyvp build --help')\n" });
    expect(tinyvp(['build', 'x.cfg'], dir).stderr).toMatch(/^tinyvp: --board is required/);
    expect(tinyvp(['inspect'], dir)).toMatchObject({ status: 2, stderr: "tinyvp: inspect: missing argument (see 'tinyvp inspect --help')\n" });
    for (const cmd of ['maps', 'build', 'check', 'inspect']) {
      const h = tinyvp([cmd, '--help'], dir);
      expect(h.status).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^usage: tinyvp ${cmd} `));
    }
    const top = tinyvp(['--help'], dir).stdout;
    for (const cmd of ['maps', 'build', 'check', 'inspect']) expect(top).toContain(`  ${cmd} `);
  });

  it('inspect rejects a file without a table', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plain.srec'), 'S00600004844521B\nS1130000285F245F2212226A000424290008237C2A\nS9030000FC\n');
    expect(tinyvp(['inspect', 'plain.srec'], dir)).toMatchObject({ status: 2, stderr: "tinyvp: plain.srec: no system table at 0x9d1f0000 (not an image written by 'tinyvp build')\n" });
  });
});

describe('tinyvp check / maps', () => {
  function project(): string {
    const dir = tmp();
    copyFileSync(join(REF_DIR, 'config.file'), join(dir, 'config.file'));
    copyFileSync(join(REF_DIR, 'boards/DigilentChipKitWiFire'), join(dir, 'wifire.board'));
    for (const g of ['pic32mz-guest1', 'pic32mz-guest2']) {
      spawnSync('mkdir', [join(dir, g)]);
      writeFileSync(join(dir, g, 'uart.elf'), guestElf());
    }
    return dir;
  }

  it('check validates without writing; a board file path works; device.lib falls back to the bundled one', () => {
    const dir = project();
    const r = tinyvp(['check', 'config.file', '--board', 'wifire.board'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^config\.file: OK \(2 VMs, 0 threads, system table \d+ bytes at 0x9d1f0000\)\n$/);
    expect(r.stderr).toContain('tinyvp: warning: config.file:21: entry = 0x9fc00020 is ignored');
    expect(readdirSync(dir).sort()).toEqual(['config.file', 'pic32mz-guest1', 'pic32mz-guest2', 'wifire.board']);
  });

  it('maps writes .map files next to the ELFs, and build reads a map that is not older', () => {
    const dir = project();
    const m = tinyvp(['maps', 'config.file', '--board', 'wifire'], dir);
    expect(m.status).toBe(0);
    expect(m.stdout).toBe('tinyvp: wrote pic32mz-guest1/uart.map\ntinyvp: wrote pic32mz-guest2/uart.map\n');
    const map = join(dir, 'pic32mz-guest1/uart.map');
    expect(readFileSync(map, 'utf8')).toBe('\tentry = 0x9fc00060\n\t.mmap\n\t\trom = 0x9fc00000 0x00718 rx 4096\n\t\tram = 0xa0000000 0x00010 rw 4096\n\t.\n');
    // A hand edit survives: the build takes the map's entry.
    writeFileSync(map, readFileSync(map, 'utf8').replace('0x9fc00060', '0x9fc00100'));
    const b = tinyvp(['build', 'config.file', '--board', 'wifire', '--report'], dir);
    expect(b.status).toBe(0);
    expect(b.stdout).toContain('VM 1 (vm, GuestID 1, shadow set 1, irqpolling, entry 0x9fc00100');
    expect(existsSync(join(dir, 'config.srec'))).toBe(true);
    // A map older than its ELF is ignored, with a warning.
    utimesSync(map, new Date(2000, 1, 1), new Date(2000, 1, 1));
    const s = tinyvp(['check', 'config.file', '--board', 'wifire'], dir);
    expect(s.stderr).toMatch(/tinyvp: warning: config\.file:4: .*uart\.map is older than .*uart\.elf; using the ELF's program headers/);
  });

  it('a missing ELF is one line at the elf = line', () => {
    const dir = project();
    spawnSync('rm', [join(dir, 'pic32mz-guest2/uart.elf')]);
    expect(tinyvp(['build', 'config.file', '--board', 'wifire'], dir)).toMatchObject({ status: 2, stderr: "tinyvp: config.file:20: cannot read ELF file 'pic32mz-guest2/uart.elf': no such file\n" });
  });
});

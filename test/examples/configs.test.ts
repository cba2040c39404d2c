/**
 * The example systems in examples/ build with the configuration tool and run under the
 * hypervisor: each shows its guests' progress marks on the console within 2.5 s of virtual time.
 */
import { describe, expect, it } from 'vitest';
import { tinyvp } from '../util/cli.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EXAMPLES: [dir: string, board: string, marks: string[]][] = [
  ['wifire-two-guests', 'wifire', ['#', '.']],
  ['wifire-dma', 'wifire', ['#']],
  ['wifire-thread', 'wifire', ['#', '.']],
  ['dm320007', 'dm320007', ['.']],
  ['emz64', 'emz64', ['.']],
];

describe('example systems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyvp-examples-'));
  for (const [name, board, marks] of EXAMPLES) {
    it(`${name} builds and runs on ${board}`, async () => {
      const out = join(dir, `${name}.srec`);
      const b = await tinyvp('build', `examples/${name}/config.file`, '--board', board, '-o', out);
      expect(b.code, b.stderr).toBe(0);
      const r = await tinyvp('run', out, '--for', '2500ms');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('|------- [00:00:01.000] --------|');
      // After the last register line of the boot banners, the guests' progress marks appear.
      const lines = [...r.stdout.matchAll(/^[A-Za-z0-9 ]+= [0-9a-f]{8}\r?$/gm)];
      const last = lines[lines.length - 1];
      expect(last, 'guest banner').toBeDefined();
      const tail = r.stdout.slice(last!.index! + last![0].length);
      for (const m of marks) expect(tail, `${name}: mark '${m}'`).toContain(m);
      expect(r.stdout).not.toMatch(/PANIC|VM \d+ stopped/);
    }, 60_000);
  }
  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});

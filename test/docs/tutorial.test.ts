/**
 * docs/tutorial.md, run as written: its `file=` blocks are written out, its `sh` blocks run in
 * one bash session from the repository root, and every line of each `text output` block must
 * appear, in order, within the lines the `sh` block before it printed. The tutorial's folder
 * `my-vm/` becomes the scratch folder `.tvm0/` (a name of the same length: the config's path is
 * part of the system table, whose size the output shows). Needs the cross compiler (skipped
 * with a message without it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const DOC = join(ROOT, 'docs/tutorial.md');

function hasCompiler(): boolean {
  try {
    execFileSync('mipsel-linux-gnu-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const haveCc = hasCompiler();
if (!haveCc) console.warn('test/docs: mipsel-linux-gnu-gcc is missing (apt-get install gcc-mipsel-linux-gnu): the tutorial is not run');

interface Block { info: string; body: string }

function blocks(md: string): Block[] {
  const out: Block[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(md); m !== null; m = re.exec(md)) out.push({ info: m[1]!.trim(), body: m[2]! });
  return out;
}

/** Runs a bash script from the repository root; resolves to its output (stdout and stderr). */
function bash(script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-e', '-c', script], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString('latin1'); });
    p.stderr.on('data', (b: Buffer) => { out += b.toString('latin1'); });
    p.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe.skipIf(!haveCc)('docs/tutorial.md', () => {
  it('runs as written', async () => {
    const scratch = '.tvm0';
    rmSync(join(ROOT, scratch), { recursive: true, force: true });
    const doc = readFileSync(DOC, 'utf8').replaceAll('my-vm/', `${scratch}/`);
    const all = blocks(doc);
    expect(all.filter((b) => b.info === 'sh').length).toBeGreaterThanOrEqual(5);
    try {
      for (const b of all) {
        const f = /^\S+ file=(\S+)$/.exec(b.info);
        if (f === null) continue;
        const path = join(ROOT, f[1]!);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, b.body);
      }
      // All sh blocks in one session (later blocks use earlier variables), split by markers.
      const sh = all.filter((b) => b.info === 'sh');
      const script = sh.map((b, i) => `echo "@@block ${i}@@"\n${b.body}`).join('\n');
      const r = await bash(script);
      expect(r.code, r.out.slice(-2000)).toBe(0);
      const outputs = r.out.split(/^@@block \d+@@\n/m).slice(1);
      expect(outputs.length).toBe(sh.length);
      // Each `text output` block checks the sh block before it.
      let shIndex = -1;
      for (const b of all) {
        if (b.info === 'sh') shIndex++;
        if (b.info !== 'text output') continue;
        const lines = outputs[shIndex]!.replace(/\r/g, '').split('\n');
        let at = 0;
        for (const want of b.body.split('\n').filter((l) => l !== '')) {
          // Two guests share one console: a line may carry the other guest's '.' before it.
          const found = lines.findIndex((l, i) => i >= at && l.includes(want));
          expect(found, `sh block ${shIndex}: '${want}' in\n${outputs[shIndex]!.slice(0, 3000)}`).toBeGreaterThanOrEqual(0);
          at = found + 1;
        }
      }
    } finally {
      rmSync(join(ROOT, scratch), { recursive: true, force: true });
    }
  }, 120_000);
});

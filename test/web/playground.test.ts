/**
 * The browser playground (src/web): each example system builds in the page's pipeline and runs
 * in wall-clock frames (in Node, with a fake clock), and end to end in headless Chromium: the
 * page boots the two-guest system, shows guest output in the terminal, takes keyboard input
 * (^E1= changes guest1's symbol), lights the LEDs and switches systems. The browser part needs
 * Debian's chromium (.ci/run installs it); without it that part is skipped with a message.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/sim/errors.ts';
import { buildExample, joinPath, Session, SYSTEMS } from '../../src/web/session.ts';

const ROOT = join(import.meta.dirname, '../..');
const readSite = async (path: string): Promise<Uint8Array> => new Uint8Array(readFileSync(join(ROOT, path)));

describe('playground sessions', () => {
  it('resolves guest paths against the config folder', () => {
    expect(joinPath('examples/wifire-dma', '../../guests/prebuilt/guest1.elf')).toBe('guests/prebuilt/guest1.elf');
    expect(joinPath('examples/x', './a//b.elf')).toBe('examples/x/a/b.elf');
  });

  for (const spec of SYSTEMS) {
    it(`builds and runs ${spec.dir} in frames`, async () => {
      const { srec } = await buildExample(spec, readSite);
      const s = new Session(srec, `${spec.dir}.srec`);
      let text = '';
      s.m.console.onText = (t) => { text += t; };
      // 1.2 s of real time in 16 ms frames; the fake clock never runs out of frame budget.
      const now = (): number => 0;
      for (let i = 0; i < 75; i++) { s.frame(16, 12, now); }
      expect(s.m.clock.now / 2e8).toBeCloseTo(1.2, 1);
      expect(text).toContain('|------- [00:00:01.000] --------|');
      expect(text).toMatch(/[#.]/);
      expect(text).not.toContain('PANIC');
      s.paused = true;
      const t = s.m.clock.now;
      s.frame(16, 12, now);
      expect(s.m.clock.now).toBe(t);
    });
  }

  it('builds an edited configuration, takes guest files by name, and names the line of a mistake', async () => {
    const spec = SYSTEMS[0]!;
    const text = new TextDecoder().decode(await readSite(`examples/${spec.dir}/config.file`));
    // guest2 replaced by an upload named like it: both VMs now run guest1's program.
    const guest1 = await readSite('guests/prebuilt/guest1.elf');
    const built = await buildExample(spec, readSite, { text, uploads: new Map([['guest2.elf', guest1]]) });
    const s = new Session(built.srec, 'x.srec');
    let out = '';
    s.m.console.onText = (t) => { out += t; };
    for (let i = 0; i < 11; i++) s.frame(100, 1e9, () => 0);
    // Both VMs print guest1's '#' after the first second; nobody prints guest2's '.'.
    expect(out.split('#').length - 1).toBe(2);
    const after = out.slice(out.lastIndexOf('|------- [00:00:01.000] --------|') + 33);
    expect(after).toContain('#');
    expect(after).not.toContain('.');
    // A mistake is one UserError with the config's name and line.
    const bad = text.replace('    id = 2\n', '    id = 2\n    frobnicate = 1\n');
    const line = bad.split('\n').indexOf('    frobnicate = 1') + 1;
    await expect(buildExample(spec, readSite, { text: bad })).rejects.toThrow(UserError);
    const failure = (text: string): Promise<UserError> => buildExample(spec, readSite, { text }).then(() => { throw new Error('built'); }, (e: unknown) => e as UserError);
    const err = await failure(bad);
    expect(err.format()).toMatch(new RegExp(`^examples/${spec.dir}/config\\.file:${line}: `));
    // A guest that is neither on the site nor uploaded.
    const missing = await failure(text.replace('guest1.elf', 'nowhere.elf'));
    expect(missing.format()).toMatch(/config\.file:\d+: guest file '.*nowhere\.elf' is not on the site/);
  });

  it('runs ten times real time when asked, and stops at the frame budget', async () => {
    const { srec } = await buildExample(SYSTEMS[0]!, readSite);
    const s = new Session(srec, 'x.srec');
    s.speed = 10;
    for (let i = 0; i < 5; i++) s.frame(100, 1e9, () => 0);
    expect(s.m.clock.now / 2e8).toBeCloseTo(5.0, 2);
    expect(s.realTimeFactor).toBeCloseTo(10, 1);
    // A clock that is always past the budget runs one slice at most.
    let t = 0;
    const before = s.m.clock.now;
    s.frame(100, 5, () => (t += 10));
    expect(s.m.clock.now - before).toBeLessThanOrEqual(2e8 / 200);
  });
});

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn('test/web: /usr/bin/chromium is missing (apt-get install chromium): the browser test is skipped');

describe.skipIf(!haveChromium)('the playground page in Chromium', () => {
  let dir = '';
  let server: Server;
  let url = '';
  type Browser = import('playwright-core').Browser;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tinyvp-web-'));
    const { buildWeb } = (await import(join(ROOT, 'scripts/build-web.mjs'))) as { buildWeb: (out: string) => Promise<string> };
    const { serve } = (await import(join(ROOT, 'scripts/serve-web.mjs'))) as { serve: (d: string, p: number) => Promise<Server> };
    await buildWeb(dir);
    server = await serve(dir, 0);
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('boots the two-guest system, takes console input, blinks the LEDs and switches systems', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    type Hook = { transcript: string; ready: boolean; error: string | null };
    const transcript = (): Promise<string> => page.evaluate(() => (window as unknown as { tinyvp: Hook }).tinyvp.transcript);
    await page.waitForFunction(() => (window as unknown as { tinyvp: Hook }).tinyvp.transcript.includes('#'), null, { timeout: 30_000 });
    // The terminal shows what the console wrote.
    expect(await page.locator('.xterm-rows').innerText()).toContain('DEVID');
    // Keyboard: ^E1 then '=' becomes guest1's symbol.
    await page.locator('#terminal').click();
    await page.keyboard.press('Control+e');
    await page.keyboard.type('1=');
    await page.waitForFunction(() => (window as unknown as { tinyvp: Hook }).tinyvp.transcript.includes('='), null, { timeout: 30_000 });
    // LD1 changes every second: both states are seen.
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 2; i++) { // up to 20 s: the page may run behind real time on a busy host
      seen.add(String(await page.locator('[data-led="LD1"]').evaluate((e) => e.classList.contains('on'))));
      await page.waitForTimeout(100);
    }
    expect(seen.size).toBe(2);
    // Another system: the DM320007 board with its own LEDs.
    await page.selectOption('#system', 'dm320007');
    await page.waitForFunction(() => (window as unknown as { tinyvp: Hook }).tinyvp.transcript.includes('.'), null, { timeout: 30_000 });
    expect(await page.locator('#board-name').innerText()).toMatch(/dm320007/i);
    expect(await page.locator('[data-led]').count()).toBe(3);
    expect(await transcript()).not.toContain('PANIC');
    expect(await page.evaluate(() => (window as unknown as { tinyvp: Hook }).tinyvp.error)).toBeNull();
    // The configuration editor: a mistake is reported with its line, the example builds again.
    await page.locator('#config-panel summary').click();
    const text = await page.locator('#config-text').inputValue();
    expect(text).toContain('.vm');
    await page.locator('#config-text').fill(`bogus = 1\n${text}`);
    await page.locator('#build').click();
    await page.waitForFunction(() => (window as unknown as { tinyvp: Hook }).tinyvp.error !== null, null, { timeout: 30_000 });
    expect(await page.locator('#status').innerText()).toMatch(/^tinyvp: examples\/dm320007\/config\.file:1: /);
    await page.locator('#revert').click();
    await page.waitForFunction(() => (window as unknown as { tinyvp: Hook }).tinyvp.transcript.includes('.'), null, { timeout: 30_000 });
    expect(errors).toEqual([]);
  }, 120_000);
});

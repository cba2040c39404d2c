/**
 * The browser playground (`npm run web`): pick an example system, and it is built in the page
 * with the configuration tool and run on the virtual board under the hypervisor. The console
 * UART is an xterm terminal (keyboard in, guests' output out), the board's LEDs and buttons sit
 * beside it, and the VMs' states below. Everything runs in the page; the server only serves
 * files.
 */
import { Terminal } from '@xterm/xterm';
import { formatTime } from '../sim/clock.ts';
import { UserError } from '../sim/errors.ts';
import { buildExample, Session, SYSTEMS, type BuildOptions, type SystemSpec } from './session.ts';

/** What the page exposes for its end-to-end test (test/web). */
interface PlaygroundHook {
  transcript: string;
  session: Session | null;
  ready: boolean;
  error: string | null;
}

const TRANSCRIPT_MAX = 1 << 20;
/** Wall milliseconds a frame may spend running the machine. */
const FRAME_BUDGET_MS = 12;

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`page has no #${id}`);
  return e as T;
};

const hook: PlaygroundHook = { transcript: '', session: null, ready: false, error: null };
(window as unknown as { tinyvp: PlaygroundHook }).tinyvp = hook;

const term = new Terminal({ convertEol: true, cols: 100, rows: 30, fontSize: 13, scrollback: 5000, theme: { background: '#000000' } });
term.open($('terminal'));

const systemSel = $<HTMLSelectElement>('system');
const speedSel = $<HTMLSelectElement>('speed');
const pauseBtn = $<HTMLButtonElement>('pause');
const statusEl = $('status');
const ledsEl = $('leds');
const configText = $<HTMLTextAreaElement>('config-text');
const uploads = new Map<string, Uint8Array>();

for (const s of SYSTEMS) systemSel.add(new Option(s.title, s.dir));

const readSite = async (path: string): Promise<Uint8Array> => {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
};

let session: Session | null = null;
let ledEls = new Map<string, HTMLElement>();
let generation = 0;

/** The system the page shows, and the configuration it was built from (null: the example's own). */
let current: { spec: SystemSpec; text: string | null } = { spec: SYSTEMS[0]!, text: null };

async function start(spec: SystemSpec, text: string | null = null): Promise<void> {
  current = { spec, text };
  const mine = ++generation;
  session = null;
  hook.ready = false;
  hook.error = null;
  hook.transcript = '';
  term.reset();
  statusEl.className = 'status';
  statusEl.textContent = `building ${spec.dir}/config.file for ${spec.board}…`;
  try {
    const opts: BuildOptions = { uploads };
    if (text !== null) opts.text = text;
    const built = await buildExample(spec, readSite, opts);
    if (mine !== generation) return;
    const { srec, warnings } = built;
    if (text === null) configText.value = built.text;
    $('warnings').replaceChildren(...warnings.map((w) => {
      const li = document.createElement('li');
      li.textContent = `warning: ${w}`;
      return li;
    }));
    const s = new Session(srec, `${spec.dir}.srec`);
    s.speed = Number(speedSel.value);
    s.paused = pauseBtn.dataset['paused'] === '1';
    s.m.console.onText = (text) => {
      term.write(text);
      hook.transcript = (hook.transcript + text).slice(-TRANSCRIPT_MAX);
    };
    drawBoard(s, spec);
    s.m.board.onLed = (name, on) => ledEls.get(name)?.classList.toggle('on', on);
    session = hook.session = s;
    hook.ready = true;
    term.focus();
  } catch (e) {
    if (mine !== generation) return;
    const msg = e instanceof UserError ? e.format() : e instanceof Error ? e.message : String(e);
    hook.error = msg;
    $('warnings').replaceChildren();
    statusEl.className = 'status error';
    statusEl.textContent = `tinyvp: ${msg}`;
  }
}

function drawBoard(s: Session, spec: SystemSpec): void {
  const board = s.m.board;
  $('board-name').textContent = board.name;
  $('about').textContent = spec.about;
  ledsEl.replaceChildren();
  ledEls = new Map();
  for (const l of board.leds()) {
    const el = document.createElement('div');
    el.className = `led${l.on ? ' on' : ''}`;
    el.dataset['led'] = l.name;
    el.append(document.createElement('i'), l.name);
    ledsEl.append(el);
    ledEls.set(l.name, el);
  }
  const buttons = $('buttons');
  buttons.replaceChildren();
  for (const b of board.spec.buttons) {
    const el = document.createElement('button');
    el.type = 'button';
    el.textContent = b.name;
    el.title = `hold to press ${b.name}`;
    const press = (down: boolean) => (): void => { if (session === s) board.press(b.name, down); };
    el.addEventListener('pointerdown', press(true));
    el.addEventListener('pointerup', press(false));
    el.addEventListener('pointerleave', press(false));
    buttons.append(el);
  }
  const keys = $('keys');
  keys.replaceChildren();
  const vms = s.hv?.hv.others.filter((t) => t.kind === 'vm').map((t) => t.tid) ?? [];
  const shortcuts: [string, string][] = [
    ...vms.map((id): [string, string] => [`^E${id}`, `\x05${id}`]),
    ['^E0 (root)', '\x050'],
    ...vms.flatMap((id): [string, string][] => [[`${id}s`, `${id}s`], [`${id}c`, `${id}c`], [`${id}r`, `${id}r`], [`${id}q`, `${id}q`]]),
    ['T', 'T'],
    ['I', 'I'],
  ];
  for (const [label, text] of shortcuts) {
    const el = document.createElement('button');
    el.type = 'button';
    el.textContent = label;
    el.addEventListener('click', () => { session?.type(text); term.focus(); });
    keys.append(el);
  }
}

function drawStatus(s: Session): void {
  const hv = s.hv;
  const f = s.realTimeFactor;
  const pace = f === 0 ? '' : ` (${f >= 10 ? f.toFixed(0) : f.toFixed(2)}× real time)`;
  const state = s.paused ? 'paused' : s.speed === Infinity ? `running flat out${pace}` : f > 0 && f < 0.95 * s.speed ? `behind${pace}` : s.speed === 1 ? 'real time' : `${s.speed}× real time`;
  statusEl.textContent = `${formatTime(s.m.clock.now)} virtual · ${s.mips.toFixed(1)} MIPS · ${state}`;
  const body = $('vms').querySelector('tbody')!;
  if (hv === null) { body.replaceChildren(); return; }
  const rows = (hv.stats(0) as unknown as { vms: { id: number; kind: string; state: string; instructions: number; exits: Record<string, number> }[] }).vms;
  body.replaceChildren(...rows.map((v) => {
    const tr = document.createElement('tr');
    const exits = Object.values(v.exits).reduce((a, b) => a + b, 0);
    for (const [text, cls] of [[`${v.kind === 'vm' ? 'VM' : 'thread'} ${v.id}`, ''], [v.state, v.state], [v.instructions.toLocaleString('en'), ''], [exits.toLocaleString('en'), '']]) {
      const td = document.createElement('td');
      td.textContent = text!;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  }));
}

term.onData((data) => session?.type(data));
systemSel.addEventListener('change', () => void start(SYSTEMS.find((s) => s.dir === systemSel.value)!));
$('reset').addEventListener('click', () => void start(current.spec, current.text));
$('build').addEventListener('click', () => void start(current.spec, configText.value));
$('revert').addEventListener('click', () => void start(current.spec));
$<HTMLInputElement>('guest-files').addEventListener('change', async (ev) => {
  for (const f of Array.from((ev.target as HTMLInputElement).files ?? [])) uploads.set(f.name, new Uint8Array(await f.arrayBuffer()));
  $('uploads').textContent = [...uploads.keys()].join(', ');
});
speedSel.addEventListener('change', () => { if (session) session.speed = Number(speedSel.value); });
pauseBtn.addEventListener('click', () => {
  const paused = pauseBtn.dataset['paused'] !== '1';
  pauseBtn.dataset['paused'] = paused ? '1' : '0';
  pauseBtn.textContent = paused ? 'Run' : 'Pause';
  if (session) session.paused = paused;
});

let last = performance.now();
let lastStatus = 0;
function frame(t: number): void {
  const wall = t - last;
  last = t;
  const s = session;
  if (s !== null) {
    try {
      s.frame(wall, FRAME_BUDGET_MS, () => performance.now());
    } catch (e) {
      session = null;
      statusEl.className = 'status error';
      statusEl.textContent = `tinyvp stopped: ${e instanceof Error ? e.message : String(e)}`;
      hook.error = statusEl.textContent;
    }
    if (t - lastStatus > 250 && session !== null) { drawStatus(s); lastStatus = t; }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

const initial = SYSTEMS.find((s) => s.dir === new URLSearchParams(location.search).get('system')) ?? SYSTEMS[0]!;
systemSel.value = initial.dir;
void start(initial);

/**
 * `tinyvp run <image|elf>`: boots firmware on the virtual machine, console on stdout, stdin
 * into the console UART. `--for` bounds virtual time; `--until` stops on console text.
 */
import { readFileSync } from 'node:fs';
import { parseDuration, CPU_HZ } from '../sim/clock.ts';
import { UserError } from '../sim/errors.ts';
import { loadFirmware } from '../image/load.ts';
import { DEFAULT_BOARD, type Machine } from '../machine/machine.ts';
import { createMachineForImage } from '../machine/hv-machine.ts';
import { boardNames } from '../board/boards.ts';
import { formatTime } from '../sim/clock.ts';
import { parseInputScript } from '../machine/input-script.ts';
import { flag, helpText, opt, parseArgs, parseNumber, type OptionSpec } from './args.ts';
import { parseTraceList, startTrace } from '../debug/trace.ts';
import { runGdbSession } from './gdb-server.ts';
import { LedBar } from './led-bar.ts';
import pc from 'picocolors';

const SPECS: OptionSpec[] = [
  { name: 'board', value: true, help: `board: ${boardNames().join(', ')} (default ${DEFAULT_BOARD})` },
  { name: 'leds', help: "print LED changes as 'LED <name> on|off @<virtual time>'" },
  { name: 'led-bar', help: 'show the LEDs in a status line at the bottom of the terminal (as --leds when stdout is not one)' },
  { name: 'entry', value: true, help: 'start address (default: ELF/S-record entry, else the reset vector)' },
  { name: 'for', value: true, help: 'virtual time to run, e.g. 5s, 200ms (default: until stopped)' },
  { name: 'until', value: true, help: 'exit 0 as soon as the console shows this text (1 if --for passes first)' },
  { name: 'input', value: true, help: "console input at virtual times, e.g. '@1s:\\x051=;@2s:\\x050'" },
  { name: 'realtime', help: 'pace virtual time to the wall clock' },
  { name: 'stats', help: 'print run statistics as one JSON object on stderr at exit' },
  { name: 'trace', value: true, help: 'trace to stderr: insn, regs, exc, unmapped, mmio, irq, all (comma-separated)' },
  { name: 'gdb', value: true, help: 'wait for gdb on this TCP port (loopback) before running' },
];
const USAGE = 'tinyvp run <image.srec|image.hex|program.elf> [options]';

/** Wall-clock time between yields to the host event loop (stdin, signals). */
const YIELD_MS = 20;

export async function runCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText(USAGE, SPECS));
    return 0;
  }
  const p = parseArgs('run', argv, SPECS);
  if (p.positional.length !== 1) throw new UserError(`run: expected one image file (usage: ${USAGE})`);
  const file = p.positional[0]!;
  const img = loadFirmware(readImage(file), file);
  const entryText = opt(p, 'entry');
  const entry = entryText !== undefined ? parseNumber(entryText, '--entry') : img.entry;
  const forText = opt(p, 'for');
  const limit = forText === undefined ? Infinity : parseDuration(forText);
  if (limit === null) throw new UserError(`run: bad --for '${forText}' (use e.g. 5s, 250ms, 1000us)`);
  const until = opt(p, 'until') ?? null;
  const inputText = opt(p, 'input');
  const traceList = opt(p, 'trace');
  if (traceList !== undefined) parseTraceList(traceList);
  const gdbText = opt(p, 'gdb');
  const gdbPort = gdbText === undefined ? null : parseNumber(gdbText, '--gdb port');
  if (gdbPort !== null && gdbPort > 65535) throw new UserError(`run: bad --gdb port ${gdbText}`);

  // An image with a tinyVP system table boots the hypervisor; anything else runs bare metal.
  const boardName = opt(p, 'board');
  const m = createMachineForImage(img, file, { ...(boardName !== undefined ? { board: boardName } : {}), until, keepConsole: false, entry });
  if (inputText !== undefined) m.scheduleInput(parseInputScript(inputText));

  let out = '';
  let atLineStart = true;
  m.console.onText = (s) => {
    out += s;
    atLineStart = lineStartAfter(s, atLineStart);
  };
  const stdout = process.stdout;
  const bar = flag(p, 'led-bar') && stdout.isTTY === true && gdbPort === null ? new LedBar(stdout, m.board.leds(), pc.isColorSupported) : null;
  let barDrawn = -Infinity, barDirty = true;
  if (bar !== null) {
    m.board.onLed = (name, on, cycle) => {
      bar.set(name, on, cycle);
      barDirty = true;
    };
  } else if (flag(p, 'leds') || flag(p, 'led-bar')) {
    m.board.onLed = (name, on, cycle) => {
      out += `${atLineStart ? '' : '\n'}LED ${name} ${on ? 'on' : 'off'} @${formatTime(cycle)}\n`;
      atLineStart = true;
    };
  }
  const flush = (): void => {
    if (out.length > 0) {
      process.stdout.write(out, 'latin1');
      out = '';
    }
    // The bar's clock ticks at most ten times a wall second; LED changes show at once.
    if (bar !== null && (barDirty || performance.now() - barDrawn > 100)) {
      bar.draw(m.clock.now);
      barDrawn = performance.now();
      barDirty = false;
    }
  };
  // Trace lines are many: collect them and write in chunks.
  let traceOut: string[] = [];
  const flushTrace = (): void => {
    if (traceOut.length > 0) {
      process.stderr.write(traceOut.join('\n') + '\n');
      traceOut = [];
    }
  };
  const tracer = traceList === undefined ? null : startTrace(m, traceList, (line) => {
    traceOut.push(line);
    if (traceOut.length >= 4096) flushTrace();
  });
  if (gdbPort !== null) {
    m.console.onText = (s) => process.stdout.write(s, 'latin1');
    const end = await runGdbSession(m, { port: gdbPort, onListening: (port) => process.stderr.write(`tinyvp: waiting for gdb on 127.0.0.1:${port}\n`) });
    if (end !== 'detached') {
      tracer?.detach();
      flushTrace();
      return 0;
    }
    m.console.onText = (s) => {
      out += s;
      atLineStart = lineStartAfter(s, atLineStart);
    };
  }
  const stdin = attachStdin(m);
  bar?.start();
  let stopped = false;
  const onSignal = (): void => {
    stopped = true;
  };
  // Ctrl-C, kill and a closed terminal all end the run through `finally`, which restores it.
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const sig of SIGNALS) process.on(sig, onSignal);
  stdin.onInterrupt = onSignal;

  const t0 = performance.now();
  const realtime = flag(p, 'realtime');
  let reason: string = 'time';
  try {
    while (!stopped) {
      const remaining = limit - m.clock.now;
      if (remaining <= 0) { reason = 'time'; break; }
      const sliceStart = performance.now();
      let r: string = 'time';
      // Run in bounded wall-time chunks so input and signals are served.
      while (performance.now() - sliceStart < YIELD_MS && m.clock.now < limit) {
        r = m.run(Math.min(limit - m.clock.now, realtime ? CPU_HZ / 1000 : 20 * CPU_HZ / 1000));
        if (r !== 'time') break;
        if (realtime) break;
      }
      flush();
      flushTrace();
      if (r === 'until') { reason = 'until'; break; }
      if (r === 'halt') { reason = 'halt'; break; }
      if (realtime) {
        const ahead = (m.clock.now / CPU_HZ) * 1000 - (performance.now() - t0);
        if (ahead > 1) await sleep(Math.min(ahead, 50));
        else await yieldToHost();
      } else await yieldToHost();
    }
  } finally {
    tracer?.detach();
    flushTrace();
    flush();
    bar?.stop();
    stdin.detach();
    for (const sig of SIGNALS) process.off(sig, onSignal);
  }
  if (flag(p, 'stats')) process.stderr.write(JSON.stringify(m.stats(performance.now() - t0)) + '\n');
  if (until !== null) return reason === 'until' ? 0 : 1;
  return 0;
}

/** Whether console output is at a line start after chunk `s` (guests end lines with "\n\r"). */
function lineStartAfter(s: string, before: boolean): boolean {
  const t = s.replace(/\r+$/, '');
  return t.length === 0 ? before : t.endsWith('\n');
}

function readImage(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`, file);
  }
}

interface StdinLink {
  onInterrupt: () => void;
  detach(): void;
}

/** Console input: raw keyboard on a terminal (Ctrl-C quits), otherwise the piped bytes. */
function attachStdin(m: Machine): StdinLink {
  const link: StdinLink = { onInterrupt: () => {}, detach: () => {} };
  const stdin = process.stdin;
  if (stdin.isTTY !== true && (process.env['CI'] !== undefined || stdin.readableEnded)) return link;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const onData = (buf: Buffer): void => {
    for (const b of buf) {
      if (raw && b === 3) { link.onInterrupt(); return; }
      m.type([b]);
    }
  };
  stdin.on('data', onData);
  stdin.on('error', () => {});
  stdin.resume();
  link.detach = () => {
    stdin.off('data', onData);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  };
  return link;
}

function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

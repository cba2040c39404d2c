/**
 * `--input` scripts: console input and button presses at virtual times, e.g.
 * `@1s:\x051=;@2s:\x050;@3s:!press BTN1;@3.2s:!release BTN1`. Each item is `@TIME:TEXT`;
 * items are separated by `;`. TEXT understands \xNN, \n, \r, \t, \\, \; and \! (a leading
 * `!` starts a board command: `!press NAME`, `!release NAME`).
 */
import { parseDuration } from '../sim/clock.ts';
import { UserError } from '../sim/errors.ts';

export interface InputEvent {
  /** Virtual time in cycles. */
  at: number;
  /** Console bytes (empty for a button event). */
  bytes: number[];
  /** A button to press (down) or release. */
  button?: { name: string; down: boolean };
}

export function parseInputScript(script: string): InputEvent[] {
  const events: InputEvent[] = [];
  let i = 0;
  while (i < script.length) {
    if (script[i] !== '@') throw new UserError(`--input: expected '@TIME:' at position ${i + 1} of '${script}'`);
    const colon = script.indexOf(':', i);
    if (colon < 0) throw new UserError(`--input: missing ':' after '${script.slice(i)}'`);
    const time = script.slice(i + 1, colon);
    const at = parseDuration(time);
    if (at === null) throw new UserError(`--input: bad time '${time}' (use e.g. 1s, 250ms)`);
    const bytes: number[] = [];
    let j = colon + 1;
    if (script[j] === '!') {
      const end = script.indexOf(';', j);
      const cmd = script.slice(j + 1, end < 0 ? script.length : end).trim();
      const m = /^(press|release)\s+(\S+)$/.exec(cmd);
      if (m === null) throw new UserError(`--input: unknown command '!${cmd}' (use !press NAME or !release NAME)`);
      events.push({ at, bytes, button: { name: m[2]!, down: m[1] === 'press' } });
      i = end < 0 ? script.length : end + 1;
      continue;
    }
    for (; j < script.length && script[j] !== ';'; j++) {
      const ch = script[j]!;
      if (ch !== '\\') { bytes.push(ch.charCodeAt(0) & 0xff); continue; }
      const e = script[++j];
      if (e === 'x') {
        const h = script.slice(j + 1, j + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new UserError(`--input: bad escape '\\x${h}'`);
        bytes.push(parseInt(h, 16));
        j += 2;
      } else if (e === 'n') bytes.push(10);
      else if (e === 'r') bytes.push(13);
      else if (e === 't') bytes.push(9);
      else if (e === '\\' || e === ';' || e === '@' || e === '!') bytes.push(e.charCodeAt(0));
      else throw new UserError(`--input: unknown escape '\\${e ?? ''}'`);
    }
    events.push({ at, bytes });
    i = j + 1;
  }
  for (let k = 1; k < events.length; k++) {
    if (events[k]!.at < events[k - 1]!.at) throw new UserError('--input: times must not go backwards');
  }
  return events;
}

/**
 * `--input` scripts: console input at virtual times, e.g. `@1s:\x051=;@2s:\x050`. Each item is
 * `@TIME:TEXT`; items are separated by `;`. TEXT understands \xNN, \n, \r, \t, \\ and \;.
 */
import { parseDuration } from '../sim/clock.ts';
import { UserError } from '../sim/errors.ts';

export interface InputEvent {
  /** Virtual time in cycles. */
  at: number;
  bytes: number[];
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
      else if (e === '\\' || e === ';' || e === '@') bytes.push(e.charCodeAt(0));
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

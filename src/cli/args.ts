/**
 * A small option parser for the subcommands: long options with or without a value, short
 * aliases, positional arguments. Mistakes become UserErrors (one line, exit 2).
 */
import { UserError } from '../sim/errors.ts';

export interface OptionSpec {
  /** Long name without dashes, e.g. `for`. */
  name: string;
  short?: string;
  /** Takes a value (`--for 5s` or `--for=5s`). */
  value?: boolean;
  /** May be given several times; values are collected. */
  repeat?: boolean;
  help: string;
}

export interface Parsed {
  positional: string[];
  options: Map<string, string[]>;
}

export function parseArgs(command: string, argv: string[], specs: OptionSpec[]): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]));
  const options = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (eq >= 0) inline = a.slice(eq + 1);
      spec = byName.get(name);
      if (spec === undefined) throw new UserError(`${command}: unknown option '--${name}' (try --help)`);
    } else if (a.startsWith('-') && a.length > 1) {
      spec = byShort.get(a.slice(1));
      if (spec === undefined) throw new UserError(`${command}: unknown option '${a}' (try --help)`);
    } else {
      positional.push(a);
      continue;
    }
    let value = '';
    if (spec.value) {
      if (inline !== undefined) value = inline;
      else {
        const next = argv[++i];
        if (next === undefined) throw new UserError(`${command}: option '--${spec.name}' needs a value`);
        value = next;
      }
    } else if (inline !== undefined) {
      throw new UserError(`${command}: option '--${spec.name}' takes no value`);
    }
    const list = options.get(spec.name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UserError(`${command}: option '--${spec.name}' given twice`);
    list.push(value);
    options.set(spec.name, list);
  }
  return { positional, options };
}

export function helpText(usage: string, specs: OptionSpec[]): string {
  const lines = [`usage: ${usage}`, '', 'options:'];
  for (const s of specs) {
    const flag = `${s.short !== undefined ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ' <value>' : ''}`;
    lines.push(`  ${flag.padEnd(26)} ${s.help}`);
  }
  lines.push(`  ${'    --help'.padEnd(26)} show this help`);
  return lines.join('\n') + '\n';
}

export function opt(p: Parsed, name: string): string | undefined {
  return p.options.get(name)?.[0];
}

export function flag(p: Parsed, name: string): boolean {
  return p.options.has(name);
}

/** Parses a number in C notation (0x.., 0b.., decimal). */
export function parseNumber(text: string, what: string): number {
  const t = text.trim().replace(/_/g, '');
  const v = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^0b[01]+$/i.test(t) ? parseInt(t.slice(2), 2) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v) || v > 0xffffffff) throw new UserError(`bad ${what} '${text}' (expected a number such as 0x9d000000)`);
  return v;
}

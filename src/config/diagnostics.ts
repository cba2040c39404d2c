/**
 * Warnings collected by the pure stages; the CLI prints them as
 * `tinyvp: warning: file:line: message`. Errors are UserErrors (one line, exit 2).
 */
import type { Warning } from './ast.ts';
import type { Pos } from './lexer.ts';

export class Diagnostics {
  readonly warnings: Warning[] = [];
  private readonly seen = new Set<string>();

  warn(message: string, pos?: Pos): void {
    const w: Warning = { message };
    if (pos) {
      w.file = pos.file;
      w.line = pos.line;
    }
    this.warnings.push(w);
  }

  /** A warning given at most once per key (e.g. one note per run). */
  once(key: string, message: string, pos?: Pos): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warn(message, pos);
  }
}

/** `file:line: message`, the text after `tinyvp: warning: `. */
export function formatWarning(w: Warning): string {
  if (w.file === undefined) return w.message;
  return w.line === undefined ? `${w.file}: ${w.message}` : `${w.file}:${w.line}: ${w.message}`;
}

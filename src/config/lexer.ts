/**
 * Line structure shared by the board file, device.lib, the config and .map files
 * (tinyvp-config-tool.md §0.3): a `#` cuts the line, lines are trimmed, a line with `=` is
 * split at the first `=` into a key and a value, values split on whitespace, and a line that
 * is exactly `.` closes a block. Every line keeps its file and 1-based line number.
 */

/** Where something was written. */
export interface Pos {
  file: string;
  line: number;
}

export interface SrcLine extends Pos {
  /** Comment removed, trimmed. */
  text: string;
  /** Set when the line contains '='. */
  key?: string;
  value?: string;
}

/** Splits text into lines (LF or CRLF), cutting comments and trimming. */
export function lexLines(text: string, file: string): SrcLine[] {
  const raw = text.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((s, i) => {
    if (i === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    const hash = s.indexOf('#');
    const t = (hash >= 0 ? s.slice(0, hash) : s).trim();
    const line: SrcLine = { file, line: i + 1, text: t };
    const eq = t.indexOf('=');
    if (eq >= 0) {
      line.key = t.slice(0, eq).trim();
      line.value = t.slice(eq + 1).trim();
    }
    return line;
  });
}

/** Whitespace-separated fields of a value ('' gives none). */
export function fields(value: string): string[] {
  return value === '' ? [] : value.split(/\s+/);
}

/** A cursor over lexed lines, for the block parsers. */
export class LineReader {
  private i = 0;

  constructor(
    private readonly lines: SrcLine[],
    /** Position used for "unexpected end of file" messages. */
    readonly file: string,
  ) {}

  next(): SrcLine | undefined {
    return this.lines[this.i++];
  }

  /** Position of the last line (or line 1 of an empty file). */
  endPos(): Pos {
    const last = this.lines[this.lines.length - 1];
    return { file: this.file, line: last ? last.line : 1 };
  }
}

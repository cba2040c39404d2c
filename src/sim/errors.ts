/**
 * A mistake in what the user gave us (a config, an image, a flag). The CLI prints it as one
 * line, `tinyvp: <file>:<line>: <message>`, and exits 2; it never shows a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'UserError';
  }

  /** The one-line form the CLI prints after `tinyvp: `. */
  format(): string {
    if (this.file === undefined) return this.message;
    return this.line === undefined ? `${this.file}: ${this.message}` : `${this.file}:${this.line}: ${this.message}`;
  }
}

/**
 * The console as the host sees it: bytes out of the console UART, bytes into it. A streaming
 * matcher implements `--until TEXT` without keeping the whole transcript.
 */
export class ConsoleTap {
  private readonly chunks: string[] = [];
  private tail = '';
  private matched = false;
  onText: ((s: string) => void) | null = null;
  onMatch: (() => void) | null = null;

  constructor(
    private readonly until: string | null = null,
    /** Keep the transcript (tests); off for long interactive runs. */
    private readonly keep = true,
  ) {}

  /** One byte from the UART transmitter. */
  byte(b: number): void {
    const ch = String.fromCharCode(b & 0xff);
    if (this.keep) this.chunks.push(ch);
    if (this.onText !== null) this.onText(ch);
    if (this.until !== null && !this.matched) {
      this.tail = (this.tail + ch).slice(-this.until.length);
      if (this.tail === this.until) {
        this.matched = true;
        if (this.onMatch !== null) this.onMatch();
      }
    }
  }

  get found(): boolean {
    return this.matched;
  }

  text(): string {
    const s = this.chunks.join('');
    this.chunks.length = 0;
    if (s.length > 0) this.chunks.push(s);
    return s;
  }
}

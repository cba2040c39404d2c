/**
 * The root console (tinyvp-runtime.md §8.2-§8.4): the monitor that reads console input while
 * the root owns it, and the root's periodic background print. Keys: a digit selects a thread,
 * then `s` stop, `c` continue, `r` restart, `q` query, `d` debug, `e`/`i`/`t` exception,
 * interrupt and time traces, `I` interrupt controller dump; `T` dumps the root TLB.
 *
 * Decisions: every pending root key is acted on at once (the original took one key per
 * wake-up and left the rest until the next keystroke); `\r` echoes as "\n\r"; the background
 * line's sp/ra are the interrupted context's registers; `c` re-arms the one-time fault report.
 */
import { x8, timeText } from './format.ts';
import { iecPa, ifsPa } from './evic-regs.ts';
import type { Hypervisor } from './hypervisor.ts';
import { tlbDump } from './diagnostics.ts';
import { restartThread } from './vm-init.ts';
import {
  G, TF_DEBUG, TF_EXCTRACE, TF_INTTRACE, TF_RUNNING, TF_STOPPED, TF_TIMETRACE, VIC_IEC, VIC_IFS, type Thread,
} from './thread.ts';
import { C0 } from '../mips/cp0.ts';

const TOGGLES: Record<string, [number, string]> = {
  d: [TF_DEBUG, 'debug'],
  e: [TF_EXCTRACE, 'exception trace'],
  i: [TF_INTTRACE, 'interrupt trace'],
  t: [TF_TIMETRACE, 'time trace'],
};

export class Monitor {
  /** The thread the commands act on (0 = none). */
  selected = 0;
  /** Keys acted on (for tests and stats). */
  keys = 0;

  constructor(private readonly hv: Hypervisor) {}

  /** A byte typed while the root owns the console. */
  key(b: number): void {
    const hv = this.hv;
    const c = b & 0x7f;
    if (c === 13) hv.out.putByte(10);
    else if (c & 0x60 || c === 9 || c === 7 || c === 8) hv.out.putByte(c);
    this.keys++;
    this.command(String.fromCharCode(c));
  }

  command(ch: string): void {
    const hv = this.hv;
    if (ch >= '0' && ch <= '9') {
      const n = ch.charCodeAt(0) - 48;
      this.selected = hv.thread(n) !== null && n !== 0 ? n : 0;
      return;
    }
    if (ch === 'T') { hv.print(tlbDump(hv)); return; }
    const t = this.selected !== 0 ? hv.thread(this.selected) : null;
    if (t === null) return;
    const tag = `\nThread${t.tid}: `;
    switch (ch) {
      case 'q': hv.print(this.query(t)); return;
      case 's':
        t.flags = (t.flags & ~TF_RUNNING) | TF_STOPPED;
        hv.print(`${tag}stopped\n`);
        return;
      case 'c':
        t.flags = (t.flags & ~TF_STOPPED) | TF_RUNNING;
        t.faulted = false;
        hv.print(`${tag}continued\n`);
        return;
      case 'r':
        restartThread(hv, t, t.flags & TF_DEBUG ? (t.flags & ~(TF_STOPPED)) | TF_RUNNING : 0);
        hv.print(`${tag}restarted\n`);
        return;
      case 'I': hv.print(this.icDump(t)); return;
      default: {
        const tog = TOGGLES[ch];
        if (tog === undefined) return;
        t.flags ^= tog[0];
        hv.print(`${tag}${tog[1]} ${t.flags & tog[0] ? 'on' : 'off'}\n`);
      }
    }
  }

  private query(t: Thread): string {
    const hv = this.hv;
    const gc2 = t.kind === 'vm' ? hv.guestCtl2(t) : 0;
    const b = (h: number): string => [0, 1, 2, 3].map((k) => (h >>> (8 * k)) & 0xff).join(' ');
    return `\nThread${t.tid}: EPC=${x8(t.epc)} SRSctl=${x8(t.srs << 6)} Context=${x8(t.context)} gc2=${x8(gc2)} Cause=${x8(t.cause)} BVA=${x8(t.badVAddr)} BI=${x8(t.badInstr)}; thread_flags=${x8(t.flags)}\n`
      + `Guest: EPC=${x8(t.g[G.EPC]!)} Status=${x8(t.g[G.STATUS]!)} Cause=${x8(t.g[G.CAUSE]!)} BVA=${x8(t.g[G.BADVADDR]!)} BI=${x8(t.g[G.BADINSTR]!)}; InjectedIRQ=${t.injectedIrq} TimeLateCnt=${t.timeLateCounter}\n`
      + `LastIRQ=${b(t.lastInterruptedIrq)}; Cause=${b(t.exceptionCause)}; GCause=${b(t.exceptionGcause)}\n`;
  }

  private icDump(t: Thread): string {
    const cpu = this.hv.cpu;
    const words = (f: (w: number) => number): string => [0, 1, 2, 3, 4, 5, 6].map((w) => ` ${x8(f(w))}`).join('');
    return `\nIFS:\n${words((w) => cpu.readPhys(ifsPa(32 * w), 4) ?? 0)}`
      + `\nIEC:\n${words((w) => cpu.readPhys(iecPa(32 * w), 4) ?? 0)}`
      + `\nvmic IFS:\n${words((w) => t.vic[VIC_IFS + w]!)}`
      + `\nvmic IEC:\n${words((w) => t.vic[VIC_IEC + w]!)}\n`;
  }

  /** The root print timer (§8.2). */
  backgroundPrint(): void {
    const hv = this.hv;
    const c = hv.cpu;
    hv.print(`\nStatus=0x${x8(c.mfc0(C0.STATUS))}, Cause=0x${x8(c.mfc0(C0.CAUSE))} sp=${x8(c.rdpgpr(29))} ra=${x8(c.rdpgpr(31))}\n`);
    hv.print(`|------- [${timeText(hv.time.wallNs())}] --------|\n`);
  }
}

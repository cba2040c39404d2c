/**
 * The console protocol of the test guests (guests/isa, guests/soc, guests/vz): one line per
 * check, `ok <group>.<case>` or `FAIL <group>.<case> <detail>`, then `DONE <group> pass=<n>
 * fail=<m>`. A suite may set some other lines aside (`extra`); the rest are `other`.
 */
export interface CaseResult {
  name: string;
  ok: boolean;
  line: string;
}

export interface Cases {
  cases: CaseResult[];
  done: { pass: number; fail: number } | null;
  /** Lines `isExtra` picked, in order. */
  extra: string[];
  /** Lines that are none of the above. */
  other: string[];
}

const CASE_RE = /^(ok|FAIL) ([a-z0-9]+)\.(\S+)(?: (.*))?$/;
const DONE_RE = /^DONE ([a-z0-9]+) pass=(\d+) fail=(\d+)$/;

export function parseCases(group: string, text: string, isExtra: (line: string) => boolean = () => false): Cases {
  const t: Cases = { cases: [], done: null, extra: [], other: [] };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const c = CASE_RE.exec(line);
    if (c !== null && c[2] === group) {
      t.cases.push({ name: c[3]!, ok: c[1] === 'ok', line });
      continue;
    }
    const d = DONE_RE.exec(line);
    if (d !== null && d[1] === group) {
      t.done = { pass: Number(d[2]), fail: Number(d[3]) };
      continue;
    }
    if (isExtra(line)) t.extra.push(line);
    else t.other.push(line);
  }
  return t;
}

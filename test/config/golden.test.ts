/**
 * Golden tests: the five reference configurations (byte for byte the original files) build, and
 * their warnings, report (with trees) and system table bytes match test/golden/config/.
 * Guests are in-memory ELFs shaped like the original guests, so the goldens do not move when
 * guests/prebuilt is rebuilt. Regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatWarning } from '../../src/config/diagnostics.ts';
import { formatReport } from '../../src/config/report.ts';
import { decodeSystemTable } from '../../src/config/systable.ts';
import { buildReference, guestElf, REFERENCE_CONFIGS } from './helpers.ts';

const GOLDEN = join(import.meta.dirname, '../golden/config');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** Entry points of the original guests as the spec describes them (§2.3, example-guests §0.1). */
const ELFS: Record<string, Uint8Array> = {
  'pic32mz-guest1/uart.elf': guestElf({ entry: 0x9fc00060, fill: 1 }),
  'pic32mz-guest2/uart.elf': guestElf({ entry: 0x9fc00060, textSize: 0x738, fill: 2 }),
  'pic32mz-dma-guest/uart.elf': guestElf({ entry: 0x9fc00030, textSize: 0x860, fill: 3 }),
  'pic32mz-DM320007/uart.elf': guestElf({ entry: 0x9fc00030, textSize: 0x7c8, fill: 4 }),
  'pic32mz-Olimex/uart.elf': guestElf({ entry: 0x9fc00030, textSize: 0x728, fill: 5 }),
};

function hexDump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = [...b.subarray(o, o + 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${o.toString(16).padStart(5, '0')}: ${row}`);
  }
  return lines.join('\n') + '\n';
}

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}; run UPDATE_GOLDEN=1 npx vitest run test/config/golden.test.ts`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(REFERENCE_CONFIGS)('%s on %s', (config, board) => {
  const r = buildReference(config, board, ELFS);
  const t = decodeSystemTable(r.table, config);

  it('report and warnings', () => {
    const warnings = r.warnings.map((w) => `warning: ${formatWarning(w)}`).join('\n');
    golden(`${config}.txt`, `${warnings}\n\n${formatReport(t, { trees: true })}`);
  });

  it('system table bytes', () => {
    golden(`${config}.table.hex`, hexDump(r.table));
  });

  it('the report of build --report is the inspect report without trees', () => {
    let inTree = false;
    const withoutTrees = formatReport(t, { trees: true }).split('\n').filter((l) => {
      if (l === '  tree:') inTree = true;
      else if (l === '') inTree = false;
      return !inTree;
    });
    expect(withoutTrees.join('\n')).toBe(formatReport(t));
  });
});

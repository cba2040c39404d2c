/**
 * Fuzzing: mutated reference configs, device.lib, board files, guest ELFs and system tables
 * must end in a clean UserError or a successful build, never in any other exception. A table
 * that decodes must also walk and print without crashing.
 */
import { describe, expect, it } from 'vitest';
import { mutate, rng } from '../../src/image/test-helpers.ts';
import { UserError } from '../../src/sim/errors.ts';
import { BUNDLED_BOARDS } from '../../src/config/bundled.ts';
import { crc32 } from '../../src/config/crc32.ts';
import { formatReport } from '../../src/config/report.ts';
import { decodeSystemTable } from '../../src/config/systable.ts';
import { lookupGpa, walkTree } from '../../src/config/walk.ts';
import { build, buildReference, guestElf, REFERENCE_CONFIGS, refText } from './helpers.ts';

type Rng = ReturnType<typeof rng>;
const pick = <T>(r: Rng, a: readonly T[]): T => a[r.int(a.length)]!;

const TOKENS = ['.', '.vm', '.thread', '.mmap', '.device', '.setup = 0x1f800000', '=', 'id = 1', 'id = 9', 'entry = loop', 'irq = 5 6', 'irq = 0', 'share = 0',
  'device = ic', 'device = uart1', 'dma = 0 0x10000', 'dma = 0x1000 0x3000', 'sp = 0x100', 'mode = user', 'gid = 7', 'srs = 3', 'regs =', 'ram = 0 0 rw 0', 'rom = 0x9fc00000 0x100 rx 0x1000',
  'code = 0x1fc00000 0x100 x', 'emulator = console', 'dma-cfgpg-position = 4', 'dma-set = 4', 'pmd5 = 3', 'elf = pic32mz-guest1/uart.elf', '# c', ''];
const NUMBERS = ['0', '-1', '0xffffffff', '0x100000000', '08', '0x', '99999999999999999999', '0b102', '1e3', '0x1000', '7', '0o777'];
const FLAGS = ['', 'q', 'rwxiIseunatd', 'e', 'x', 'I', 'i'];

/** Line and token level mutations of a text file. */
function mutateText(text: string, r: Rng): string {
  let lines = text.split('\n');
  for (let n = 1 + r.int(3); n > 0; n--) {
    if (lines.length === 0) lines = [''];
    const i = r.int(lines.length);
    switch (r.int(7)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, pick(r, TOKENS)); break;
      case 2: lines.splice(i, 0, lines[r.int(lines.length)]!); break;
      case 3:
        lines[i] = lines[i]!.replace(/0x[0-9a-fA-F]+|\b\d+\b/, pick(r, NUMBERS));
        break;
      case 4:
        lines[i] = lines[i]!.replace(/\b[rwxiIseunatd]{1,6}\b(?=\s|$)/, pick(r, FLAGS));
        break;
      case 5: lines = lines.slice(0, i); break;
      default: {
        const s = lines[i]!;
        const at = r.int(s.length + 1);
        lines[i] = s.slice(0, at) + pick(r, ['=', '#', ' ', '.', 'x', '\t']) + s.slice(at + (r.int(2)));
      }
    }
  }
  return lines.join('\n');
}

function cleanly(fn: () => unknown): 'ok' | 'error' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof UserError) {
      expect(e.message).not.toMatch(/\n/);
      return 'error';
    }
    throw e;
  }
}

describe('fuzz', () => {
  it('mutated configs, device.lib and board files', () => {
    const r = rng(7);
    const seen = { ok: 0, error: 0 };
    const lib = refText('device.lib');
    for (let n = 0; n < Number(process.env["FUZZ_N"] ?? 600); n++) {
      const [name, board] = pick(r, REFERENCE_CONFIGS);
      const what = r.int(4);
      const config = what <= 1 ? mutateText(refText(name), r) : refText(name);
      const libText = what === 2 ? mutateText(lib, r) : lib;
      const boardText = what === 3 ? mutateText(BUNDLED_BOARDS[board]!, r) : BUNDLED_BOARDS[board]!;
      seen[cleanly(() => build(config, { file: name, lib: libText, boardText }))]++;
    }
    // Both outcomes must occur, or the mutations are not reaching the checks.
    expect(seen.ok).toBeGreaterThan(50);
    expect(seen.error).toBeGreaterThan(100);
  });

  it('mutated guest ELFs', () => {
    const r = rng(11);
    const elf = guestElf();
    const hot = [0, 4, 5, 16, 18, 24, 28, 32, 42, 44, 46, 48, 50, 52, 56, 60, 64, 68, 72, 76, 80, 84];
    const seen = { ok: 0, error: 0 };
    for (let n = 0; n < Number(process.env["FUZZ_N"] ?? 400); n++) {
      const bytes = mutate(elf, r, hot);
      seen[cleanly(() => buildReference('config.file', 'wifire', { 'pic32mz-guest1/uart.elf': bytes }))]++;
    }
    expect(seen.error).toBeGreaterThan(50);
  });

  it('mutated system tables: decode, walk and report, or a clean error', () => {
    const r = rng(13);
    const table = buildReference('config-dma.file', 'wifire').table;
    const seen = { ok: 0, error: 0 };
    for (let n = 0; n < Number(process.env["FUZZ_N"] ?? 750) * 2; n++) {
      const b = mutate(table, r, [0, 4, 6, 8, 12, 16, 36, 40, 44]);
      // Most mutations should get past the CRC, to test the structural checks behind it.
      if (r.next() < 0.8 && b.length >= 16) {
        const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
        if (r.next() < 0.5) v.setUint32(8, b.length & ~3, true);
        const len = v.getUint32(8, true);
        if (len <= b.length && len >= 16) {
          v.setUint32(12, 0, true);
          v.setUint32(12, crc32(b.subarray(0, len)), true);
        }
      }
      seen[cleanly(() => {
        const t = decodeSystemTable(b);
        formatReport(t, { trees: true });
        for (const vm of t.vms) {
          if (!vm.tree) continue;
          for (let k = 0; k < 50; k++) {
            const a = r.int(2 ** 30) * 4;
            walkTree(vm.tree, a);
            lookupGpa(vm.tree, a);
          }
        }
      })]++;
    }
    expect(seen.error).toBeGreaterThan(500);
  });
});

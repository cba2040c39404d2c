/**
 * Board files (tinyvp-config-tool.md §1.1, §8): `KEY = value` lines giving the guest ROM and
 * RAM pools, the ERET page, the hypervisor's code/data addresses, its stack size and the PMD
 * base values. Keys that name MIPS assembly sources of the original (BOOT, DEVCFG, BOARDINIT)
 * are accepted; the board model supplies that initialisation. Also the bundled boards.
 */
import { UserError } from '../sim/errors.ts';
import { BUNDLED_BOARDS } from './bundled.ts';
import { fields, lexLines, type Pos } from './lexer.ts';
import { hex, kphys, u32 } from './numbers.ts';

/** The only platform the tool knows (the original's platforms/pic32mz2048efg100.py). */
export const PLATFORM = 'pic32mz2048efg100';

/** Physical memories of the PIC32MZ2048EF (pic32mz-ef.md §2). */
export const PROGRAM_FLASH = { start: 0x1d000000, end: 0x1d200000 };
export const BOOT_FLASH = { start: 0x1fc00000, end: 0x1fc74000 };
export const DATA_RAM = { start: 0x00000000, end: 0x00080000 };

export interface Range {
  start: number;
  end: number;
}

/** Keys naming assembly sources of the original build; accepted and not used. */
export const ASM_KEYS = ['BOOT', 'DEVCFG', 'BOARDINIT'] as const;

export interface Board {
  /** Bundled name, or the file name. */
  name: string;
  file: string;
  platform: string;
  /** Guest ROM pool, physical [start, end). */
  rom: Range;
  /** Guest RAM pool, physical [start, end). */
  ram: Range;
  /** Guest address of the LL-bit-clear ERET page. */
  eretPage: number;
  vzcode: number;
  vzentry: number;
  vzdata: number;
  vzstacksize: number;
  /** DEVCFGADDR, or null when absent. */
  devcfgAddr: number | null;
  /** PMD1..PMD7 base values, or null when the board has no pmd-registers-base. */
  pmdBase: number[] | null;
  /** BOOT/DEVCFG/BOARDINIT lines with a non-empty value. */
  asmKeys: { key: string; value: string; pos: Pos }[];
  /** Where each key was written. */
  pos: Record<string, Pos>;
}

const REQUIRED = ['PLATFORM', 'rom', 'ram', 'eret_page', 'vzcode', 'vzentry', 'vzdata', 'vzstacksize'];
const KNOWN = new Set([...REQUIRED, 'pmd-registers-base', 'DEVCFGADDR', ...ASM_KEYS]);

/** Short names accepted by --board. */
export const BOARD_ALIASES: Record<string, string> = {
  wifire: 'DigilentChipKitWiFire',
  dm320007: 'Microchip-DM320007+MEBII',
  emz64: 'OlimexPic32EMZ64',
};

/** The bundled board a --board argument names (full or short name, any case), or null. */
export function bundledBoardName(arg: string): string | null {
  const low = arg.toLowerCase();
  for (const name of Object.keys(BUNDLED_BOARDS)) if (name.toLowerCase() === low) return name;
  for (const [alias, name] of Object.entries(BOARD_ALIASES)) if (alias === low) return name;
  return null;
}

/** Text, display path and name of a bundled board: the `board` input of a build. */
export function bundledBoard(name: string): { text: string; file: string; name: string } {
  const text = BUNDLED_BOARDS[name];
  if (text === undefined) throw new UserError(`unknown board '${name}'`);
  return { text, file: `boards/${name}`, name };
}

/** Parses and checks a board file. */
export function parseBoard(text: string, file: string, name = file): Board {
  const values = new Map<string, { value: string; pos: Pos }>();
  for (const l of lexLines(text, file)) {
    if (l.text === '') continue;
    if (l.key === undefined) throw new UserError(`expected 'KEY = value', found '${l.text}'`, file, l.line);
    if (!KNOWN.has(l.key)) {
      throw new UserError(`unknown board key '${l.key}' (known: ${[...KNOWN].join(', ')})`, file, l.line);
    }
    const prev = values.get(l.key);
    if (prev) throw new UserError(`board key '${l.key}' is given twice (first at line ${prev.pos.line})`, file, l.line);
    values.set(l.key, { value: l.value!, pos: { file, line: l.line } });
  }
  const eof: Pos = { file, line: 1 };
  for (const k of REQUIRED) {
    if (!values.has(k)) throw new UserError(`board file has no '${k} =' line`, eof.file, eof.line);
  }
  const get = (k: string): { value: string; pos: Pos } => values.get(k)!;
  const num = (k: string): number => {
    const { value, pos } = get(k);
    const f = fields(value);
    if (f.length !== 1) throw new UserError(`${k} takes one number, found '${value}'`, pos.file, pos.line);
    return u32(f[0]!, k, pos);
  };
  const platform = get('PLATFORM');
  if (platform.value !== PLATFORM) {
    throw new UserError(`unsupported PLATFORM '${platform.value}' (only ${PLATFORM})`, platform.pos.file, platform.pos.line);
  }
  const pos: Record<string, Pos> = {};
  for (const [k, v] of values) pos[k] = v.pos;
  const board: Board = {
    name,
    file,
    platform: platform.value,
    rom: pool('rom', get('rom'), PROGRAM_FLASH, BOOT_FLASH),
    ram: pool('ram', get('ram'), DATA_RAM),
    eretPage: num('eret_page'),
    vzcode: num('vzcode'),
    vzentry: num('vzentry'),
    vzdata: num('vzdata'),
    vzstacksize: num('vzstacksize'),
    devcfgAddr: values.has('DEVCFGADDR') ? num('DEVCFGADDR') : null,
    pmdBase: values.has('pmd-registers-base') ? pmdBase(get('pmd-registers-base')) : null,
    asmKeys: ASM_KEYS.filter((k) => values.has(k) && get(k).value !== '').map((k) => ({ key: k, ...get(k) })),
    pos,
  };
  checkPage(board.eretPage, 'eret_page', pos);
  checkPage(board.vzcode, 'vzcode', pos);
  return board;
}

function pool(key: string, v: { value: string; pos: Pos }, ...within: Range[]): Range {
  const f = fields(v.value);
  if (f.length !== 2) throw new UserError(`${key} takes two numbers (start end), found '${v.value}'`, v.pos.file, v.pos.line);
  const start = u32(f[0]!, `${key} start`, v.pos), end = u32(f[1]!, `${key} end`, v.pos);
  if (end <= start) throw new UserError(`${key} pool is empty (end ${hex(end)} <= start ${hex(start)})`, v.pos.file, v.pos.line);
  if (!within.some((r) => start >= r.start && end <= r.end)) {
    const names = within.map((r) => `${hex(r.start)}..${hex(r.end)}`).join(' or ');
    throw new UserError(`${key} pool ${hex(start)}..${hex(end)} is not inside ${names} (physical addresses)`, v.pos.file, v.pos.line);
  }
  return { start, end };
}

function pmdBase(v: { value: string; pos: Pos }): number[] {
  const f = fields(v.value);
  if (f.length !== 7) throw new UserError(`pmd-registers-base takes 7 values (PMD1..PMD7), found ${f.length}`, v.pos.file, v.pos.line);
  return f.map((s, i) => u32(s, `PMD${i + 1} base`, v.pos));
}

function checkPage(a: number, key: string, pos: Record<string, Pos>): void {
  if (kphys(a) % 0x1000 !== 0) {
    const p = pos[key]!;
    throw new UserError(`${key} ${hex(a)} is not 4 KB aligned`, p.file, p.line);
  }
}

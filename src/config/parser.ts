/**
 * Parsers for device.lib, config files and .map files (tinyvp-config-tool.md §1.2-§1.6). They
 * check syntax, numbers and key names and keep positions; meaning comes in model.ts.
 * Decisions where the original crashed or was silent: blank and comment lines inside a region
 * block are skipped; unknown keys and stray text in device blocks are errors; a second
 * `setup =` appends one write (the original's list-extend bug); `share = 0` and
 * `irqpolling = 0` mean "off" (with a warning, the original counted any value).
 */
import { UserError } from '../sim/errors.ts';
import type { ConfigAst, DeviceAst, RegionAst, RegionKey, Valued, VmBlock, VmItem } from './ast.ts';
import type { Diagnostics } from './diagnostics.ts';
import { completeFlags, F_D, F_R, F_W, F_X, parseFlags } from './flags.ts';
import { fields, LineReader, lexLines, type Pos, type SrcLine } from './lexer.ts';
import { decimal, u32 } from './numbers.ts';

/** Default flags per region key (§1.5; `regs` defaults to rwd, `dma` to rw). */
export const DEFAULT_FLAGS: Record<RegionKey, number> = {
  code: F_R | F_X,
  rom: F_R | F_X,
  data: F_R | F_W,
  ram: F_R | F_W,
  rodata: F_R,
  regs: F_R | F_W | F_D,
  dma: F_R | F_W,
};

const MMAP_KEYS = new Set<string>(['code', 'rom', 'data', 'ram', 'rodata']);
/** Highest IRQ number the tables hold (216 slots, §8.1). */
export const IRQ_SLOTS = 216;
/** Thread ids fit Context bits 30:23 (tinyvp-runtime.md §4.2). */
export const MAX_ID = 255;

const fail = (message: string, pos: Pos): never => {
  throw new UserError(message, pos.file, pos.line);
};
const posOf = (l: SrcLine): Pos => ({ file: l.file, line: l.line });

/** device.lib: only `.device` blocks at top level (§1.2). */
export function parseDeviceLib(text: string, file: string, diag: Diagnostics): Map<string, DeviceAst> {
  const r = new LineReader(lexLines(text, file), file);
  const lib = new Map<string, DeviceAst>();
  for (let l = r.next(); l; l = r.next()) {
    if (l.text === '') continue;
    if (l.text !== '.device') fail(`expected '.device' at the top level of the device library, found '${l.text}'`, posOf(l));
    const dev = parseDevice(r, posOf(l), true, diag);
    if (dev.name === null) fail(`library device has no 'name ='`, dev.pos);
    const prev = lib.get(dev.name!);
    if (prev) diag.warn(`device '${dev.name}' is defined again; this definition replaces the one at line ${prev.pos.line}`, dev.pos);
    lib.set(dev.name!, dev);
  }
  return lib;
}

/** A config file: `.vm` and `.thread` blocks (§1.3). */
export function parseConfig(text: string, file: string, diag: Diagnostics): ConfigAst {
  const r = new LineReader(lexLines(text, file), file);
  const blocks: VmBlock[] = [];
  for (let l = r.next(); l; l = r.next()) {
    if (l.text === '') continue;
    if (l.text !== '.vm' && l.text !== '.thread') fail(`expected '.vm' or '.thread', found '${l.text}'`, posOf(l));
    const pos = posOf(l);
    const items = parseVmBody(r, diag, { closer: `.${l.text === '.vm' ? 'vm' : 'thread'} block at line ${pos.line}`, inMap: false });
    blocks.push({ kind: l.text === '.vm' ? 'vm' : 'thread', pos, items });
  }
  return { file, blocks };
}

/**
 * A .map file's lines, parsed as if they appeared at the `elf =` line (§2.1): the body of a VM
 * block, ending at EOF (or a `.`). `elf =` and `binary =` are not allowed inside.
 */
export function parseMapText(text: string, file: string, diag: Diagnostics): VmItem[] {
  return parseVmBody(new LineReader(lexLines(text, file), file), diag, { closer: null, inMap: true });
}

interface BodyOpts {
  /** Description for the "not closed" warning; null when EOF is the normal end. */
  closer: string | null;
  inMap: boolean;
}

function parseVmBody(r: LineReader, diag: Diagnostics, opts: BodyOpts): VmItem[] {
  const items: VmItem[] = [];
  for (let l = r.next(); l; l = r.next()) {
    const pos = posOf(l);
    if (l.text === '') continue;
    if (l.text === '.') return items;
    if (l.key === undefined) {
      if (l.text === '.mmap') items.push({ type: 'mmap', regions: parseMmap(r, pos), pos });
      else if (l.text === '.device') items.push({ type: 'device', device: parseDevice(r, pos, false, diag), pos });
      else fail(`unexpected '${l.text}' in a ${opts.inMap ? 'map file' : 'VM block'} (expected KEY = value, .mmap, .device or '.')`, pos);
      continue;
    }
    items.push(parseVmKey(l.key, l.value!, pos, r, diag, opts.inMap));
  }
  if (opts.closer) diag.warn(`${opts.closer} is not closed with '.'`, r.endPos());
  return items;
}

function parseVmKey(key: string, value: string, pos: Pos, r: LineReader, diag: Diagnostics, inMap: boolean): VmItem {
  const f = fields(value);
  const one = (): string => {
    if (f.length !== 1) fail(`${key} takes one value, found '${value}'`, pos);
    return f[0]!;
  };
  switch (key) {
    case 'id':
      return { type: 'id', id: decimal(one(), 'id', pos, 0, MAX_ID), pos };
    case 'entry':
      return { type: 'entry', text: one(), pos };
    case 'elf':
    case 'binary':
    case 'file':
      if (inMap) fail(`'${key} =' is not allowed inside a map file`, pos);
      return { type: 'file', kind: key === 'elf' ? 'elf' : 'binary', path: one(), key, pos };
    case 'device':
      return { type: 'include', name: one(), pos };
    case 'dma': {
      if (f.length < 2 || f.length > 3) fail(`dma takes 'address size [flags]', found '${value}'`, pos);
      return { type: 'dma', region: regionFromFields('dma', f, pos), pos };
    }
    case 'setup': {
      if (f.length !== 2) fail(`setup takes 'address value', found '${value}'`, pos);
      return { type: 'setup', addr: u32(f[0]!, 'setup address', pos), values: [{ value: u32(f[1]!, 'setup value', pos), pos }], pos };
    }
    case '.setup':
      return { type: 'setup', addr: u32(one(), '.setup address', pos), values: parseSetupBlock(r, pos), pos };
    case 'sp': {
      if (f.length < 1 || f.length > 3) fail(`sp takes 'size [address [initial-sp]]', found '${value}'`, pos);
      return {
        type: 'sp',
        size: u32(f[0]!, 'stack size', pos),
        addr: f.length > 1 ? u32(f[1]!, 'stack address', pos) : null,
        init: f.length > 2 ? u32(f[2]!, 'initial sp', pos) : null,
        pos,
      };
    }
    case 'irqpolling': {
      const on = value !== '0';
      if (!on) diag.warn(`irqpolling = 0 means "not polling" (the original tool treated any value as polling)`, pos);
      return { type: 'polling', on, text: value, pos };
    }
    case 'gid':
      return { type: 'gid', value: decimal(one(), 'gid', pos, 0, MAX_ID), pos };
    case 'srs':
      return { type: 'srs', value: decimal(one(), 'srs', pos, 0, MAX_ID), pos };
    case 'mode': {
      const m = one();
      if (m !== 'user' && m !== 'u' && m !== 'kernel' && m !== 'k') fail(`mode is 'kernel' or 'user', found '${m}'`, pos);
      return { type: 'mode', user: m === 'user' || m === 'u', pos };
    }
    case 'irq':
      return { type: 'irq', irqs: irqList(f, pos), pos };
    default:
      return fail(`unknown key '${key}' in a ${inMap ? 'map file' : 'VM block'}`, pos);
  }
}

function parseSetupBlock(r: LineReader, open: Pos): Valued<number>[] {
  const values: Valued<number>[] = [];
  for (let l = r.next(); l; l = r.next()) {
    if (l.text === '') continue;
    if (l.text === '.') return values;
    for (const t of fields(l.text)) values.push({ value: u32(t, '.setup value', posOf(l)), pos: posOf(l) });
  }
  return fail(`.setup block is not closed with '.'`, open);
}

function parseMmap(r: LineReader, open: Pos): RegionAst[] {
  const regions: RegionAst[] = [];
  for (let l = r.next(); l; l = r.next()) {
    const pos = posOf(l);
    if (l.text === '') continue;
    if (l.text === '.') return regions;
    if (l.key === undefined || !MMAP_KEYS.has(l.key)) {
      fail(l.key === undefined ? `unexpected '${l.text}' in .mmap (expected code/rom/data/ram/rodata = ...)` : `unknown .mmap key '${l.key}' (expected code, rom, data, ram or rodata)`, pos);
    }
    regions.push(...regionLines(l.key as RegionKey, l.value!, pos, r));
  }
  return fail(`.mmap block is not closed with '.'`, open);
}

/** One-line form `key = addr size [flags [fourth]]`, or the block form when the value is empty. */
function regionLines(key: RegionKey, value: string, pos: Pos, r: LineReader): RegionAst[] {
  if (value !== '') return [regionFromFields(key, fields(value), pos)];
  const out: RegionAst[] = [];
  for (let l = r.next(); l; l = r.next()) {
    if (l.text === '') continue;
    if (l.text === '.') return out;
    out.push(regionFromFields(key, fields(l.text), posOf(l)));
  }
  return fail(`'${key} =' block is not closed with '.'`, pos);
}

function regionFromFields(key: RegionKey, f: string[], pos: Pos): RegionAst {
  if (f.length < 2 || f.length > 4) fail(`${key} takes 'address size [flags [${key === 'rom' || key === 'ram' ? 'alignment' : 'physical'}]]', found '${f.join(' ')}'`, pos);
  const addr = u32(f[0]!, `${key} address`, pos);
  const size = u32(f[1]!, `${key} size`, pos);
  const flags = completeFlags(f.length > 2 ? parseFlags(f[2]!, pos) : 0, DEFAULT_FLAGS[key]);
  const fourth = f.length > 3 ? u32(f[3]!, key === 'rom' || key === 'ram' ? `${key} alignment` : `${key} physical address`, pos) : null;
  return { key, addr, size, flags, fourth, pos };
}

function irqList(f: string[], pos: Pos): number[] {
  return f.map((s) => decimal(s, 'irq', pos, 0, IRQ_SLOTS - 1));
}

function parseDevice(r: LineReader, open: Pos, library: boolean, diag: Diagnostics): DeviceAst {
  const dev: DeviceAst = { name: null, pos: open, irqs: null, share: null, emulator: null, dmaSet: null, cfgpgPosition: null, pmd: [], regs: [], library };
  const seen = new Map<string, number>();
  for (let l = r.next(); l; l = r.next()) {
    const pos = posOf(l);
    if (l.text === '') continue;
    if (l.text === '.') return dev;
    if (l.key === undefined) fail(`unexpected '${l.text}' in a .device block (expected KEY = value or '.')`, pos);
    const key = l.key!, value = l.value!;
    if (key !== 'regs' && key !== 'registers') {
      const first = seen.get(key);
      if (first !== undefined) fail(`device key '${key}' is given twice (first at line ${first})`, pos);
      seen.set(key, pos.line);
    }
    deviceKey(dev, key, value, pos, r, diag);
  }
  return fail(`.device block is not closed with '.'`, open);
}

function deviceKey(dev: DeviceAst, key: string, value: string, pos: Pos, r: LineReader, diag: Diagnostics): void {
  const f = fields(value);
  const one = (): string => {
    if (f.length !== 1) fail(`${key} takes one value, found '${value}'`, pos);
    return f[0]!;
  };
  const pmd = /^pmd([1-7])$/.exec(key);
  if (pmd) {
    dev.pmd.push({ reg: Number(pmd[1]), bit: u32(one(), `${key} bit`, pos, 31), pos });
    return;
  }
  switch (key) {
    case 'name':
      dev.name = one();
      return;
    case 'irq':
      dev.irqs = { value: irqList(f, pos), pos };
      return;
    case 'share':
      if (value === '0') diag.warn(`share = 0 means "not shared" (the original tool treated any value as shared)`, pos);
      else dev.share = { value, pos };
      return;
    case 'emulator':
      dev.emulator = { value: one(), pos };
      return;
    case 'dma-set':
      dev.dmaSet = { value: decimal(one(), 'dma-set', pos, 0, 255), pos };
      return;
    case 'dma-cfgpg-position':
      dev.cfgpgPosition = { value: decimal(one(), 'dma-cfgpg-position', pos, 0, 31), pos };
      return;
    case 'regs':
    case 'registers':
      dev.regs.push(...regionLines('regs', value, pos, r));
      return;
    default:
      fail(`unknown device key '${key}' (known: name, irq, share, emulator, regs, registers, dma-set, dma-cfgpg-position, pmd1..pmd7)`, pos);
  }
}

/**
 * `tinyvp maps | build | check | inspect` (DESIGN.md "Command line"; tinyvp-config-tool.md §0.1):
 * read the config, board, device library and guest files, call the pure pipeline in
 * src/config/, print warnings (`tinyvp: warning: file:line: ...`) and write outputs through a
 * temporary file renamed on success, so a failed build leaves nothing behind.
 */
import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseElf } from '../image/elf.ts';
import { parseSrec } from '../image/srec.ts';
import { UserError } from '../sim/errors.ts';
import type { Warning } from '../config/ast.ts';
import { BOARD_ALIASES, bundledBoard, bundledBoardName, parseBoard } from '../config/board.ts';
import { buildSystem, configGuestFiles, type BuildInputs, type BuildResult, type TextFile } from '../config/build.ts';
import { BUNDLED_BOARDS, BUNDLED_DEVICE_LIB } from '../config/bundled.ts';
import { Diagnostics, formatWarning } from '../config/diagnostics.ts';
import { SYSTEM_TABLE_PA } from '../config/layout.ts';
import { elfToMapText } from '../config/mapfile.ts';
import type { GuestInput } from '../config/model.ts';
import { hex, kphys } from '../config/numbers.ts';
import { parseConfig, parseDeviceLib } from '../config/parser.ts';
import { formatReport } from '../config/report.ts';
import { decodeSystemTable, readSystemTable } from '../config/systable.ts';
import type { Command } from './main.ts';

interface OptSpec {
  long: string;
  short?: string;
  /** Takes a value. */
  value: boolean;
}

interface Parsed {
  args: string[];
  opts: Map<string, string | true>;
}

const BOARD_HELP = `  --board NAME|FILE  a bundled board (${Object.keys(BUNDLED_BOARDS).join(', ')};\n                     short: ${Object.keys(BOARD_ALIASES).join(', ')}) or a board file\n  --lib FILE         device library (default: device.lib next to the config, else the bundled one)`;

/** A small option parser: errors are one line (exit 2 through the dispatcher). */
function parseOpts(cmd: string, argv: string[], specs: OptSpec[], nargs: number, usage: string): Parsed | null {
  const out: Parsed = { args: [], opts: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(usage);
      return null;
    }
    if (a.startsWith('-') && a !== '-') {
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const spec = specs.find((s) => `--${s.long}` === flag || (s.short && `-${s.short}` === flag));
      if (!spec) throw new UserError(`unknown option '${flag}' for ${cmd} (see 'tinyvp ${cmd} --help')`);
      if (out.opts.has(spec.long)) throw new UserError(`option --${spec.long} is given twice`);
      if (!spec.value) {
        if (inline !== undefined) throw new UserError(`option --${spec.long} takes no value`);
        out.opts.set(spec.long, true);
        continue;
      }
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UserError(`option --${spec.long} needs a value`);
      out.opts.set(spec.long, v);
      continue;
    }
    out.args.push(a);
  }
  if (out.args.length !== nargs) {
    throw new UserError(out.args.length < nargs ? `${cmd}: missing argument (see 'tinyvp ${cmd} --help')` : `${cmd}: unexpected argument '${out.args[nargs]}'`);
  }
  return out;
}

function readText(path: string, what: string, at?: { file: string; line: number }): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${what} '${path}': ${reason(e)}`, at?.file, at?.line);
  }
}

function readBytes(path: string, what: string, at?: { file: string; line: number }): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UserError(`cannot read ${what} '${path}': ${reason(e)}`, at?.file, at?.line);
  }
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return code ?? String(e);
}

/** Writes through `<out>.tmp-<pid>` and renames, so a failure leaves no partial file. */
function writeAtomic(out: string, data: string | Uint8Array): void {
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, out);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw new UserError(`cannot write '${out}': ${reason(e)}`);
  }
}

function printWarnings(ws: Warning[]): void {
  for (const w of ws) process.stderr.write(`tinyvp: warning: ${formatWarning(w)}\n`);
}

function loadBoard(arg: string | true | undefined): TextFile & { name: string } {
  if (typeof arg !== 'string') throw new UserError(`--board is required (a bundled board: ${Object.keys(BUNDLED_BOARDS).join(', ')}, or a board file)`);
  const name = bundledBoardName(arg);
  if (name && !existsSync(arg)) return bundledBoard(name);
  return { text: readText(arg, 'board file'), file: arg, name: basename(arg) };
}

function loadLib(configPath: string, arg: string | true | undefined): TextFile {
  if (typeof arg === 'string') return { text: readText(arg, 'device library'), file: arg };
  const near = join(dirname(configPath), 'device.lib');
  if (existsSync(near)) return { text: readText(near, 'device library'), file: near };
  return { text: BUNDLED_DEVICE_LIB, file: 'device.lib (bundled)' };
}

/** `p` with its extension replaced (or added). */
const withExt = (p: string, ext: string): string => (extname(p) ? p.slice(0, -extname(p).length) : p) + ext;
const mapPathOf = (p: string): string => withExt(p, '.map');

function mtime(p: string): number {
  return statSync(p).mtimeMs;
}

/** Loads every elf/binary the config names (paths relative to the config file). */
function loadGuests(config: TextFile, warnings: Warning[]): Map<string, GuestInput> {
  const guests = new Map<string, GuestInput>();
  const dir = dirname(config.file);
  for (const g of configGuestFiles(config)) {
    if (guests.has(g.path)) continue;
    const file = join(dir, g.path);
    const bytes = readBytes(file, g.kind === 'elf' ? 'ELF file' : 'binary file', g.pos);
    const input: GuestInput = { kind: g.kind, file, bytes };
    const mp = mapPathOf(file);
    if (existsSync(mp)) {
      // A map at least as new as the ELF keeps its hand edits (§2.1); a stale one is ignored.
      if (g.kind === 'binary' || mtime(mp) >= mtime(file)) input.map = { text: readText(mp, 'map file'), file: mp };
      else warnings.push({ message: `${mp} is older than ${file}; using the ELF's program headers (run 'tinyvp maps' to refresh it)`, file: g.pos.file, line: g.pos.line });
    }
    guests.set(g.path, input);
  }
  return guests;
}

function runBuild(p: Parsed): BuildResult {
  const configPath = p.args[0]!;
  const board = loadBoard(p.opts.get('board'));
  const config = { text: readText(configPath, 'config file'), file: configPath };
  const lib = loadLib(configPath, p.opts.get('lib'));
  const early: Warning[] = [];
  const inputs: BuildInputs = { config, lib, board, guests: loadGuests(config, early) };
  const r = buildSystem(inputs);
  r.warnings.unshift(...early);
  return r;
}

function summary(r: BuildResult): string {
  const vms = r.model.vms.filter((v) => v.kind === 'vm').length, threads = r.model.vms.filter((v) => v.kind === 'thread').length;
  return `${vms} VM${vms === 1 ? '' : 's'}, ${threads} thread${threads === 1 ? '' : 's'}, system table ${r.table.length} bytes at ${hex((SYSTEM_TABLE_PA | 0x80000000) >>> 0)}`;
}

const BUILD_USAGE = `usage: tinyvp build <config> --board <name|file> [-o image.srec] [--report] [--lib FILE]

Builds one S-record image: the guests at their allocated flash addresses and the system table
the hypervisor reads at boot (docs/system-table.md).

${BOARD_HELP}
  -o, --output FILE  image to write (default: the config's name with .srec, in this directory)
  --report           print per VM the memory map, TLB pairs, IRQs and DMA zone
`;

export const buildCommand: Command = async (argv) => {
  const p = parseOpts('build', argv, [{ long: 'board', value: true }, { long: 'lib', value: true }, { long: 'output', short: 'o', value: true }, { long: 'report', value: false }], 1, BUILD_USAGE);
  if (!p) return 0;
  const r = runBuild(p);
  printWarnings(r.warnings);
  const outOpt = p.opts.get('output');
  const out = typeof outOpt === 'string' ? outOpt : withExt(basename(p.args[0]!), '.srec');
  writeAtomic(out, r.srec);
  if (p.opts.has('report')) process.stdout.write(formatReport(decodeSystemTable(r.table, out)));
  process.stdout.write(`tinyvp: wrote ${out} (${summary(r)})\n`);
  return 0;
};

const CHECK_USAGE = `usage: tinyvp check <config> --board <name|file> [--lib FILE]

Runs every stage of 'tinyvp build' and its checks without writing anything.

${BOARD_HELP}
`;

export const checkCommand: Command = async (argv) => {
  const p = parseOpts('check', argv, [{ long: 'board', value: true }, { long: 'lib', value: true }], 1, CHECK_USAGE);
  if (!p) return 0;
  const r = runBuild(p);
  printWarnings(r.warnings);
  process.stdout.write(`${p.args[0]}: OK (${summary(r)})\n`);
  return 0;
};

const MAPS_USAGE = `usage: tinyvp maps <config> --board <name|file> [--lib FILE]

Writes a .map file next to every ELF the config names (its entry and rom/ram regions from the
program headers). 'tinyvp build' reads a map that is newer than its ELF, so edits survive.

${BOARD_HELP}
`;

export const mapsCommand: Command = async (argv) => {
  const p = parseOpts('maps', argv, [{ long: 'board', value: true }, { long: 'lib', value: true }], 1, MAPS_USAGE);
  if (!p) return 0;
  const configPath = p.args[0]!;
  const board = loadBoard(p.opts.get('board'));
  const config = { text: readText(configPath, 'config file'), file: configPath };
  parseBoard(board.text, board.file, board.name);
  const lib = loadLib(configPath, p.opts.get('lib'));
  const diag = new Diagnostics();
  parseDeviceLib(lib.text, lib.file, diag);
  parseConfig(config.text, config.file, diag);
  printWarnings(diag.warnings);
  const done = new Set<string>();
  const writes: { path: string; text: string }[] = [];
  for (const g of configGuestFiles(config)) {
    if (g.kind !== 'elf' || done.has(g.path)) continue;
    done.add(g.path);
    const file = join(dirname(configPath), g.path);
    writes.push({ path: mapPathOf(file), text: elfToMapText(parseElf(readBytes(file, 'ELF file', g.pos), file)) });
  }
  // Every ELF is read before any map is written, so a bad one leaves no maps behind.
  for (const w of writes) {
    writeAtomic(w.path, w.text);
    process.stdout.write(`tinyvp: wrote ${w.path}\n`);
  }
  return 0;
};

const INSPECT_USAGE = `usage: tinyvp inspect <image.srec>

Reads the system table of an image built by 'tinyvp build' and prints its VMs (memory maps,
TLB pairs, IRQs, DMA zones), the page-table trees, the IRQ routing and the set-up writes.
`;

export const inspectCommand: Command = async (argv) => {
  const p = parseOpts('inspect', argv, [], 1, INSPECT_USAGE);
  if (!p) return 0;
  const file = p.args[0]!;
  const img = parseSrec(readText(file, 'image'), file);
  // Reads physical memory as the image would fill it (erased flash reads 0xff).
  const read = (pa: number, n: number): Uint8Array => {
    const out = new Uint8Array(n).fill(0xff);
    for (const c of img.chunks) {
      const lo = Math.max(pa, kphys(c.addr)), hi = Math.min(pa + n, kphys(c.addr) + c.data.length);
      if (lo < hi) out.set(c.data.subarray(lo - kphys(c.addr), hi - kphys(c.addr)), lo - pa);
    }
    return out;
  };
  const table = readSystemTable(read, file);
  if (!table) throw new UserError(`no system table at ${hex((SYSTEM_TABLE_PA | 0x80000000) >>> 0)} (not an image written by 'tinyvp build')`, file);
  const missing = table.vms.filter((vm) => vm.image && !img.chunks.some((c) => kphys(c.addr) <= vm.image!.addr && vm.image!.addr + vm.image!.size <= kphys(c.addr) + c.data.length));
  for (const vm of missing) process.stderr.write(`tinyvp: warning: ${file}: the image has no data for VM ${vm.id}'s guest at ${hex(vm.image!.addr)}\n`);
  process.stdout.write(formatReport(table, { trees: true }));
  return 0;
};

/**
 * The model stage (tinyvp-config-tool.md §1.3-§1.8, §3.4, §3.5): parsed blocks become VMs with
 * their regions, devices, IRQs, DMA zone, set-up writes, stack and entry. `elf =` lines pull in
 * the ELF's map at their position, so the first `entry` wins and the last rom/ram wins; both
 * are kept from the original and warned about where they surprise. Then the normalisation of
 * §1.8: the ERET page in VM0, the last rom and ram, type-0 regions first.
 */
import { parseElf, type ElfImage } from '../image/elf.ts';
import { UserError } from '../sim/errors.ts';
import type { ConfigAst, DeviceAst, RegionAst, VmBlock, VmItem } from './ast.ts';
import type { Board } from './board.ts';
import type { Diagnostics } from './diagnostics.ts';
import { emulatorByName, EMULATORS, type EmulatorInfo } from './emulators.ts';
import { F_D, F_E, F_R, F_S, F_W, F_X } from './flags.ts';
import type { Pos } from './lexer.ts';
import { elfToMapText } from './mapfile.ts';
import { hex, kphys, pyInt } from './numbers.ts';
import { parseMapText } from './parser.ts';

export type RegionKind = 'code' | 'data' | 'rodata' | 'rom' | 'ram' | 'dma' | 'regs' | 'eret' | 'stack';

/** One mapped range of a VM: GPA (root VA for threads) to RPA. */
export interface Region {
  kind: RegionKind;
  vmId: number;
  /** The address as written (a guest kseg address for rom/ram of a VM). */
  gva: number;
  gpa: number;
  size: number;
  flags: number;
  /** Physical address; for rom/ram/stack set by allocation. */
  rpa: number;
  /** rom/ram/stack: the allocation alignment. */
  align: number;
  /** Allocated from the board's pools. */
  auto: boolean;
  device: Device | null;
  pos: Pos;
}

export interface Device {
  name: string;
  ast: DeviceAst;
  irqs: number[];
  shared: boolean;
  emulator: EmulatorInfo | null;
}

export interface GuestInput {
  kind: 'elf' | 'binary';
  /** Display path of the file (resolved against the config's directory). */
  file: string;
  bytes: Uint8Array;
  /** A .map file to use instead of the ELF's program headers (required for binaries). */
  map?: { text: string; file: string };
}

export interface GuestFile {
  kind: 'elf' | 'binary';
  path: string;
  input: GuestInput;
  elf: ElfImage | null;
  pos: Pos;
}

export interface Stack {
  size: number;
  /** Root VA of the stack, or null when the hypervisor provides it. */
  addr: number | null;
  /** Initial SP, 0 when the hypervisor provides the stack. */
  init: number;
  pos: Pos | null;
}

export interface Vm {
  id: number;
  /** `root` is the synthesized VM0 that holds the ERET page (§1.8). */
  kind: 'vm' | 'thread' | 'root';
  pos: Pos;
  gid: number;
  srs: number;
  user: boolean;
  polling: boolean;
  entry: number | null;
  /** Set when `entry` names a symbol the hypervisor resolves (root threads). */
  entrySymbol: string | null;
  entryPos: Pos | null;
  guest: GuestFile | null;
  regions: Region[];
  devices: Device[];
  /** Where each device was included (`device =` or `.device`). */
  devicePos: Map<Device, Pos>;
  /** VM-level `irq =`: hardware IRQs owned without a device. */
  vmIrqs: { irqs: number[]; pos: Pos } | null;
  dma: { addr: number; size: number; flags: number; pos: Pos } | null;
  setups: { addr: number; value: number; pos: Pos }[];
  stack: Stack | null;
  /** Where gid/srs/mode/irqpolling were written, for later checks. */
  keyPos: Partial<Record<'gid' | 'srs' | 'mode' | 'polling' | 'sp', Pos>>;
  gidGiven: number | null;
  srsGiven: number | null;
  modeGiven: boolean;
}

export interface SystemModel {
  file: string;
  board: Board;
  /** Ascending id; VM0 (kind root) first when present. */
  vms: Vm[];
}

export interface ModelInputs {
  ast: ConfigAst;
  lib: Map<string, DeviceAst>;
  board: Board;
  /** Guest files by the path written in the config. */
  guests: Map<string, GuestInput>;
}

/** Root VA of a user thread's stack when `sp` gives no address (§3.5). */
export const USER_STACK_VA = 0x7fff0000;
/** Stack the hypervisor provides to a root thread that has no `sp`. */
export const DEFAULT_THREAD_STACK = 0x1000;
/** Flags of the ERET page (§1.8): execute-only, legacy d, shared. */
export const ERET_FLAGS = F_X | F_D | F_S;

const fail = (message: string, pos: Pos): never => {
  throw new UserError(message, pos.file, pos.line);
};

interface EntrySeen {
  text: string;
  pos: Pos;
  /** The map file's `elf =` line when the entry came from a map. */
  viaElf: Pos | null;
}

interface Ctx {
  vm: Vm;
  entry: EntrySeen | null;
  roms: Region[];
  rams: Region[];
  fixed: Region[];
  includes: Map<Device, Pos>;
}

/** Builds the model; `diag` collects warnings. */
export function buildModel(inp: ModelInputs, diag: Diagnostics): SystemModel {
  const libDevices = new Map<DeviceAst, Device>();
  const vms: Vm[] = [];
  const byId = new Map<number, Vm>();
  for (const block of inp.ast.blocks) {
    const vm = buildVm(block, inp, libDevices, diag);
    const prev = byId.get(vm.id);
    if (prev) fail(`id ${vm.id} is used twice (first by the block at line ${prev.pos.line})`, vm.pos);
    byId.set(vm.id, vm);
    vms.push(vm);
  }
  vms.sort((a, b) => a.id - b.id);
  if (vms.some((v) => v.kind === 'vm')) vms.unshift(rootVm(inp.board, inp.ast.file));
  return { file: inp.ast.file, board: inp.board, vms };
}

/** VM0 with the ERET page (§1.8 step 1, §4.10). */
function rootVm(board: Board, file: string): Vm {
  const pos = board.pos['eret_page'] ?? { file, line: 1 };
  const vm = emptyVm(0, 'root', pos);
  vm.regions.push({
    kind: 'eret', vmId: 0, gva: board.eretPage, gpa: kphys(board.eretPage), size: 0x1000, flags: ERET_FLAGS,
    rpa: kphys(board.vzcode), align: 0x1000, auto: false, device: null, pos,
  });
  return vm;
}

function emptyVm(id: number, kind: Vm['kind'], pos: Pos): Vm {
  return {
    id, kind, pos, gid: 0, srs: 0, user: false, polling: false, entry: null, entrySymbol: null, entryPos: null,
    guest: null, regions: [], devices: [], devicePos: new Map(), vmIrqs: null, dma: null, setups: [], stack: null, keyPos: {},
    gidGiven: null, srsGiven: null, modeGiven: false,
  };
}

function buildVm(block: VmBlock, inp: ModelInputs, libDevices: Map<DeviceAst, Device>, diag: Diagnostics): Vm {
  const idItem = block.items.find((i) => i.type === 'id');
  if (!idItem || idItem.type !== 'id') return fail(`.${block.kind} block has no 'id ='`, block.pos);
  const vm = emptyVm(idItem.id, block.kind, block.pos);
  if (vm.id === 0) fail(`id 0 is the hypervisor's own thread; VMs and threads use ids 1..255`, idItem.pos);
  const ctx: Ctx = { vm, entry: null, roms: [], rams: [], fixed: [], includes: new Map() };
  let idSeen = false;
  for (const item of block.items) {
    if (item.type === 'id') {
      if (idSeen) fail(`'id =' is given twice in one block`, item.pos);
      idSeen = true;
      continue;
    }
    applyItem(item, ctx, inp, libDevices, diag, null);
  }
  finishVm(ctx, diag);
  return vm;
}

function applyItem(item: VmItem, ctx: Ctx, inp: ModelInputs, libDevices: Map<DeviceAst, Device>, diag: Diagnostics, viaElf: Pos | null): void {
  const { vm } = ctx;
  switch (item.type) {
    case 'id':
      return fail(`'id =' is not allowed in a map file`, item.pos);
    case 'entry':
      return applyEntry(ctx, { text: item.text, pos: item.pos, viaElf }, diag);
    case 'file':
      return applyFile(item, ctx, inp, libDevices, diag);
    case 'include': {
      const ast = inp.lib.get(item.name);
      if (!ast) return fail(`device '${item.name}' is not in the device library`, item.pos);
      let dev = libDevices.get(ast);
      if (!dev) {
        dev = makeDevice(ast);
        libDevices.set(ast, dev);
      }
      return addDevice(ctx, dev, item.pos);
    }
    case 'device':
      return addDevice(ctx, makeDevice(item.device), item.pos);
    case 'dma': {
      if (vm.dma) fail(`'dma =' is given twice in one VM (first at line ${vm.dma.pos.line})`, item.pos);
      const r = item.region;
      vm.dma = { addr: r.addr, size: r.size, flags: r.flags, pos: item.pos };
      ctx.fixed.push(region(vm, 'dma', r.addr, r.addr, r.size, r.flags, r.addr, item.pos));
      return;
    }
    case 'setup':
      item.values.forEach((v, i) => vm.setups.push({ addr: item.addr + 4 * i, value: v.value, pos: v.pos }));
      return;
    case 'sp':
      if (vm.keyPos.sp) fail(`'sp =' is given twice (first at line ${vm.keyPos.sp.line})`, item.pos);
      vm.keyPos.sp = item.pos;
      vm.stack = { size: item.size, addr: item.addr, init: item.init ?? 0, pos: item.pos };
      return;
    case 'polling':
      vm.polling = item.on;
      vm.keyPos.polling = item.pos;
      return;
    case 'gid':
      if (vm.gidGiven !== null) fail(`'gid =' is given twice`, item.pos);
      vm.gidGiven = item.value;
      vm.keyPos.gid = item.pos;
      return;
    case 'srs':
      if (vm.srsGiven !== null) fail(`'srs =' is given twice`, item.pos);
      vm.srsGiven = item.value;
      vm.keyPos.srs = item.pos;
      return;
    case 'mode':
      if (vm.modeGiven) fail(`'mode =' is given twice`, item.pos);
      vm.modeGiven = true;
      vm.user = item.user;
      vm.keyPos.mode = item.pos;
      return;
    case 'irq':
      if (vm.vmIrqs) fail(`'irq =' is given twice in one VM`, item.pos);
      vm.vmIrqs = { irqs: item.irqs, pos: item.pos };
      return;
    case 'mmap':
      for (const r of item.regions) addMmapRegion(ctx, r);
      return;
  }
}

/** First entry wins (§1.4); a later one is ignored with a warning. */
function applyEntry(ctx: Ctx, e: EntrySeen, diag: Diagnostics): void {
  const first = ctx.entry;
  if (!first) {
    ctx.entry = e;
    return;
  }
  if (first.text === e.text) return;
  const from = first.viaElf ? `the ELF's entry ${first.text} (elf = at line ${first.viaElf.line})` : `entry = ${first.text} at line ${first.pos.line}`;
  diag.warn(`entry = ${e.text} is ignored: ${from} comes first and wins`, e.pos);
}

function applyFile(item: Extract<VmItem, { type: 'file' }>, ctx: Ctx, inp: ModelInputs, libDevices: Map<DeviceAst, Device>, diag: Diagnostics): void {
  const { vm } = ctx;
  if (vm.guest) fail(`duplicate 'elf'/'binary': this VM already has ${vm.guest.path} (line ${vm.guest.pos.line})`, item.pos);
  const input = inp.guests.get(item.path);
  if (!input) return fail(`${item.key} file '${item.path}' was not provided`, item.pos);
  if (input.kind !== item.kind) fail(`internal: ${item.path} was loaded as ${input.kind}`, item.pos);
  const elf = item.kind === 'elf' ? parseElf(input.bytes, input.file) : null;
  vm.guest = { kind: item.kind, path: item.path, input, elf, pos: item.pos };
  let map = input.map;
  if (!map) {
    if (!elf) return fail(`binary '${item.path}' needs a hand-written map file next to it (${item.path.replace(/\.[^./]*$/, '')}.map)`, item.pos);
    map = { text: elfToMapText(elf), file: `${input.file} (program headers)` };
  }
  for (const mi of parseMapText(map.text, map.file, diag)) applyItem(mi, ctx, inp, libDevices, diag, item.pos);
}

function makeDevice(ast: DeviceAst): Device {
  let emulator: EmulatorInfo | null = null;
  if (ast.emulator) {
    const e = emulatorByName(ast.emulator.value);
    if (!e) {
      fail(`unknown emulator '${ast.emulator.value}' (known: ${EMULATORS.map((x) => x.name).join(', ')})`, ast.emulator.pos);
    }
    emulator = e!;
  }
  return { name: ast.name ?? `(inline device at line ${ast.pos.line})`, ast, irqs: ast.irqs?.value ?? [], shared: ast.share !== null, emulator };
}

function addDevice(ctx: Ctx, dev: Device, pos: Pos): void {
  const prev = ctx.includes.get(dev);
  if (prev) fail(`device '${dev.name}' is already in this VM (line ${prev.line})`, pos);
  ctx.includes.set(dev, pos);
  ctx.vm.devicePos.set(dev, pos);
  ctx.vm.devices.push(dev);
  for (const r of dev.ast.regs) {
    if (r.flags & F_E && !dev.emulator) {
      fail(`device '${dev.name}' has no emulator, but its register block ${hex(r.addr)}/${hex(r.size)} has the 'e' flag`, r.pos);
    }
    const flags = dev.shared ? r.flags | F_S : r.flags;
    const reg = region(ctx.vm, 'regs', r.addr, r.addr, r.size, flags, r.fourth ?? r.addr, r.pos);
    reg.device = dev;
    ctx.fixed.push(reg);
  }
}

function region(vm: Vm, kind: RegionKind, gva: number, gpa: number, size: number, flags: number, rpa: number, pos: Pos): Region {
  return { kind, vmId: vm.id, gva, gpa, size, flags, rpa, align: 0x1000, auto: false, device: null, pos };
}

function addMmapRegion(ctx: Ctx, r: RegionAst): void {
  const { vm } = ctx;
  if (r.key === 'rom' || r.key === 'ram') {
    const gpa = vm.kind === 'vm' ? kphys(r.addr) : r.addr;
    const reg = region(vm, r.key, r.addr, gpa, r.size, r.flags, 0, r.pos);
    reg.auto = true;
    reg.align = r.fourth ?? -1;
    (r.key === 'rom' ? ctx.roms : ctx.rams).push(reg);
  } else {
    ctx.fixed.push(region(vm, r.key, r.addr, r.addr, r.size, r.flags, r.fourth ?? r.addr, r.pos));
  }
}

/** §1.8 step 2 and the rest of the per-VM defaults. */
function finishVm(ctx: Ctx, diag: Diagnostics): void {
  const { vm } = ctx;
  const last = (list: Region[], what: string): Region[] => {
    if (list.length > 1) {
      const l = list[list.length - 1]!;
      const dropped = list.slice(0, -1).map((r) => `${r.pos.file}:${r.pos.line}`).join(', ');
      diag.warn(`VM ${vm.id} has ${list.length} ${what} definitions; the last one is used (dropped: ${dropped})`, l.pos);
    }
    return list.slice(-1);
  };
  const autos = [...last(ctx.roms, 'ROM'), ...last(ctx.rams, 'RAM')];
  for (const r of autos) {
    if (r.align === -1) {
      diag.warn(`${r.kind} has no ALIGNMENT (4th field); using 0x1000 (the original tool used the address as the alignment)`, r.pos);
      r.align = 0x1000;
    }
  }
  vm.regions = [...ctx.fixed, ...autos];
  resolveEntry(ctx);
  if (vm.kind === 'thread') threadStack(vm);
}

function resolveEntry(ctx: Ctx): void {
  const { vm } = ctx;
  const e = ctx.entry;
  if (!e) return;
  vm.entryPos = e.pos;
  const n = pyInt(e.text);
  if (n !== null) {
    if (n < 0 || n > 0xffffffff) fail(`entry ${e.text} is out of range`, e.pos);
    vm.entry = n;
    return;
  }
  if (!/^[A-Za-z_.$][\w.$]*$/.test(e.text)) fail(`entry '${e.text}' is neither a number nor a symbol name`, e.pos);
  const sym = vm.guest?.elf?.symbols.get(e.text);
  if (sym !== undefined) {
    vm.entry = sym;
    return;
  }
  if (vm.kind !== 'thread') {
    fail(vm.guest?.elf ? `entry symbol '${e.text}' is not defined in ${vm.guest.path}` : `entry '${e.text}' is a symbol, but this VM has no ELF to look it up in`, e.pos);
  }
  // A root thread's entry may name a function the hypervisor provides (config-thread.file: loop).
  vm.entrySymbol = e.text;
}

/** §3.5: kernel threads without an address get a hypervisor stack; user threads get RAM. */
function threadStack(vm: Vm): void {
  const sp = vm.stack;
  if (!sp) {
    vm.stack = { size: DEFAULT_THREAD_STACK, addr: null, init: 0, pos: null };
    if (!vm.user) return;
  }
  const st = vm.stack!;
  if (st.size === 0) fail(`stack size is 0`, st.pos ?? vm.pos);
  if (!vm.user) {
    if (st.addr !== null && st.init === 0) st.init = (st.addr + st.size) >>> 0;
    return;
  }
  const addr = st.addr ?? USER_STACK_VA;
  st.addr = addr;
  if (st.init === 0) st.init = (addr + st.size) >>> 0;
  const inside = vm.regions.some((r) => r.flags & F_W && addr >= r.gpa && addr + st.size <= r.gpa + r.size);
  if (!inside) {
    const pos = st.pos ?? vm.pos;
    const r = region(vm, 'stack', addr, addr, st.size, F_R | F_W, 0, pos);
    r.auto = true;
    vm.regions.push(r);
  }
}

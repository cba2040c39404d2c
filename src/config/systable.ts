/**
 * The binary system table the hypervisor reads at boot (docs/system-table.md): a header with
 * magic, version, length and CRC-32, a section directory, then sections (board, VMs, regions,
 * devices, page-table nodes and leaves, bitmasks, IC masks, IRQ routes, set-up writes, DMA,
 * PMD, emulators, strings). All integers are little-endian; references inside the table are
 * byte offsets from its start (0 = none). `encodeSystemTable` writes it, `decodeSystemTable`
 * validates and reads it back (used by the hypervisor and by `tinyvp inspect`).
 */
import { UserError } from '../sim/errors.ts';
import { crc32 } from './crc32.ts';
import type { DmaPlan, SetupWrite } from './dma.ts';
import { EMU_TIMER, EMU_TIMER_NAME, EMULATORS } from './emulators.ts';
import { attrOf } from './flags.ts';
import { IC_MASK_WORDS, type IrqPlan } from './irq.ts';
import { SYSTEM_TABLE_MAX, SYSTEM_TABLE_PA } from './layout.ts';
import type { RegionKind, SystemModel } from './model.ts';
import { hex, kphys, log2 } from './numbers.ts';
import { IRQ_SLOTS } from './parser.ts';
import { regionPages, ROOT_SLOTS, type LeafPlan, type TreeEntry, type VmTree } from './trees.ts';

export const TABLE_MAGIC = 0x54505654; // bytes 'T' 'V' 'P' 'T'
export const TABLE_VERSION = 1;
export const HEADER_SIZE = 32;
export const DIR_ENTRY_SIZE = 16;

export const SEC = {
  BOARD: 1, VMS: 2, REGIONS: 3, DEVICES: 4, IRQ_LIST: 5, NODES: 6, LEAVES: 7, BITMASKS: 8,
  IC_MASKS: 9, IRQ_ROUTES: 10, SETUP: 11, DMA: 12, PMD: 13, EMULATORS: 14, STRINGS: 15,
} as const;
const SECTION_IDS = Object.values(SEC);
const SECTION_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SEC).map(([k, v]) => [v, k]));

export const REC = { BOARD: 64, VM: 80, REGION: 32, DEVICE: 24, NODE: 16, LEAF: 40, SETUP: 12, DMA: 36, PMD: 32, EMULATOR: 8, ROUTE: 4 } as const;
export const IC_MASK_BYTES = IC_MASK_WORDS * 4;

/** Node entry kinds (word 0 bits 3:0). */
export const NODE_EMPTY = 0, NODE_NODE = 1, NODE_LEAF = 2, NODE_SOFT = 3;
/** VM kinds. */
export const KIND_ROOT = 0, KIND_VM = 1, KIND_THREAD = 2;
const KIND_NAMES = ['root', 'vm', 'thread'] as const;
/** VM flags. */
export const VMF_POLLING = 1, VMF_USER = 2, VMF_HV_STACK = 4, VMF_SYMBOL_ENTRY = 8, VMF_DMA = 16;
/** Leaf half info word. */
export const HALF_PRESENT = 0x80000000;
/** vm_options bits (tinyvp-config-tool.md §5.3). */
export const OPT_POLLING = 0x01, OPT_USER = 0x10;

export const REGION_KINDS: readonly RegionKind[] = ['code', 'data', 'rodata', 'rom', 'ram', 'dma', 'regs', 'eret', 'stack'];

// ------------------------------------------------------------------------------------------
// Decoded form

export interface BoardInfo {
  name: string;
  config: string;
  rom: { start: number; end: number };
  ram: { start: number; end: number };
  eretPage: number;
  vzcode: number;
  vzentry: number;
  vzdata: number;
  vzstacksize: number;
  devcfgAddr: number | null;
  maxId: number;
  eretGpa: number;
  eretRpa: number;
}

export interface RegionInfo {
  vmId: number;
  kind: RegionKind;
  auto: boolean;
  gva: number;
  gpa: number;
  rpa: number;
  size: number;
  /** Flag letters (flags.ts F_* bits). */
  flags: number;
  /** Index into `devices`, or -1. */
  device: number;
  emulator: number;
  /** Smallest and largest page size the tree uses for it (0 when unmapped). */
  minPage: number;
  maxPage: number;
}

export interface DeviceInfo {
  name: string;
  vmId: number;
  emulator: number;
  shared: boolean;
  library: boolean;
  dmaSet: number | null;
  cfgpgPosition: number | null;
  irqs: number[];
  firstRegion: number;
  regionCount: number;
}

/** A VM's page-table tree: the table's words and the byte offset of its 8-entry root array. */
export interface PageTree {
  words: Uint32Array;
  root: number;
}

export interface VmInfo {
  id: number;
  kind: (typeof KIND_NAMES)[number];
  gid: number;
  srs: number;
  /** vm_options word: srs << 24 | gid << 16 | 0x10 user | 0x01 polling. */
  options: number;
  polling: boolean;
  user: boolean;
  entry: number;
  /** Entry named by a symbol the hypervisor resolves (root threads), else null. */
  entrySymbol: string | null;
  stack: { size: number; addr: number | null; init: number } | null;
  tree: PageTree | null;
  icOwned: Uint32Array | null;
  icEmulated: Uint32Array | null;
  regions: RegionInfo[];
  devices: DeviceInfo[];
  dma: { group: number; addr: number; size: number } | null;
  tlbPairs: number;
  softEntries: number;
  leafCount: number;
  guestFile: string | null;
  /** Flash range (physical) holding the guest's image. */
  image: { addr: number; size: number } | null;
}

export interface IrqRoute {
  /** Owning VM id, 0 = none. */
  vm: number;
  /** Emulator id called when the real IRQ arrives, 0 = none. */
  emulator: number;
  /** Emulator id called when a guest writes the IRQ's IFS/IEC word; IRQ 0: the timer. */
  icWrite: number;
  /** Owned by more than one VM (shared devices); routed to `vm`. */
  shared: boolean;
}

export interface DmaInfo {
  cfgpg: number;
  /** Group of peripheral sets 2, 3, 4 (0 = not DMA-protected). */
  sets: { 2: number; 3: number; 4: number };
  groups: { group: number; vmId: number; addr: number; size: number }[];
}

export interface SystemTable {
  version: number;
  length: number;
  /** Physical address the table was built for. */
  tableAddr: number;
  board: BoardInfo;
  vms: VmInfo[];
  regions: RegionInfo[];
  devices: DeviceInfo[];
  emulators: Map<number, string>;
  routes: IrqRoute[];
  setup: SetupWrite[];
  dma: DmaInfo;
  pmd: number[] | null;
  /** The whole table as little-endian words, for the tree walker. */
  words: Uint32Array;
}

// ------------------------------------------------------------------------------------------
// Encoder

export interface TableSource {
  model: SystemModel;
  trees: Map<number, VmTree>;
  irq: IrqPlan;
  dma: DmaPlan;
  /** Flash range (physical) of each VM's guest image. */
  images: Map<number, { addr: number; size: number }>;
}

type Ref = { sec: number; index: number } | null;

interface FlatEntry {
  kind: number;
  a: number;
  b: number;
  mask: number;
  golden: number;
  target: Ref;
}

interface FlatHalf {
  rpa: number;
  attr: number;
  info: number;
  bitmask: Ref;
}

class Strings {
  private readonly map = new Map<string, number>([['', 0]]);
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  size = 1;

  add(s: string | null): number | null {
    if (s === null) return null;
    let at = this.map.get(s);
    if (at === undefined) {
      const b = new TextEncoder().encode(s + '\0');
      at = this.size;
      this.map.set(s, at);
      this.parts.push(b);
      this.size += b.length;
    }
    return at;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export function encodeSystemTable(src: TableSource): Uint8Array {
  const { model, trees, irq, dma } = src;
  const strings = new Strings();
  const nodes: FlatEntry[] = [];
  const leaves: { base: number; pageLog2: number; software: boolean; halves: (FlatHalf | null)[] }[] = [];
  const bitmaskWords: number[] = [];
  const leafIndex = new Map<LeafPlan, number>();

  const flatLeaf = (l: LeafPlan): number => {
    const known = leafIndex.get(l);
    if (known !== undefined) return known;
    const halves = l.halves.map((h): FlatHalf | null => {
      if (!h) return null;
      let bitmask: Ref = null;
      if (h.bitmask) {
        bitmask = { sec: SEC.BITMASKS, index: bitmaskWords.length };
        bitmaskWords.push(...h.bitmask);
      }
      return { rpa: h.rpa, attr: attrOf(h.flags), info: (HALF_PRESENT | (h.emu << 16) | (h.flags & 0xfff)) >>> 0, bitmask };
    });
    leaves.push({ base: l.base, pageLog2: log2(l.pageSize), software: l.software, halves });
    leafIndex.set(l, leaves.length - 1);
    return leaves.length - 1;
  };
  // Arrays are laid out parent first; a child array's index is known once it is reserved.
  const flatArray = (entries: (TreeEntry | null)[]): number => {
    const at = nodes.length;
    for (let i = 0; i < entries.length; i++) nodes.push({ kind: NODE_EMPTY, a: 0, b: 0, mask: 0, golden: 0, target: null });
    entries.forEach((e, i) => {
      if (e) nodes[at + i] = flatEntry(e);
    });
    return at;
  };
  const flatEntry = (e: TreeEntry): FlatEntry => {
    if (e.kind === 'node') return { kind: NODE_NODE, a: log2(e.area), b: log2(e.slot), mask: e.mask, golden: e.golden, target: { sec: SEC.NODES, index: flatArray(e.children) } };
    if (e.kind === 'leaf') return { kind: NODE_LEAF, a: log2(e.size), b: 0, mask: e.mask, golden: e.golden, target: { sec: SEC.LEAVES, index: flatLeaf(e.leaf) } };
    return { kind: NODE_SOFT, a: log2(e.size), b: 0, mask: e.mask, golden: e.golden, target: { sec: SEC.NODES, index: flatArray([e.target]) } };
  };

  // Regions and devices, grouped per VM in id order.
  const vmRows: { first: number; count: number; devFirst: number; devCount: number; root: number | null; leafCount: number }[] = [];
  const regionRows: { vmId: number; kind: number; auto: boolean; gva: number; gpa: number; rpa: number; size: number; flags: number; device: number; emu: number; minP: number; maxP: number }[] = [];
  const deviceRows: { name: number; vmId: number; emu: number; flags: number; dmaSet: number; cfgpg: number; irqs: number[]; first: number; count: number }[] = [];
  const irqList: number[] = [];
  const irqListAt: number[] = [];
  for (const vm of model.vms) {
    const tree = trees.get(vm.id);
    const pages = tree ? regionPages(tree) : new Map();
    const first = regionRows.length, devFirst = deviceRows.length;
    const devIndex = new Map<unknown, number>();
    for (const d of vm.devices) {
      devIndex.set(d, deviceRows.length);
      irqListAt.push(irqList.length);
      irqList.push(...d.irqs);
      deviceRows.push({
        name: strings.add(d.name)!, vmId: vm.id, emu: d.emulator?.id ?? 0, flags: (d.shared ? 1 : 0) | (d.ast.library ? 2 : 0),
        dmaSet: d.ast.dmaSet?.value ?? 0, cfgpg: d.ast.cfgpgPosition?.value ?? 0xff, irqs: d.irqs, first: 0, count: 0,
      });
    }
    for (const r of vm.regions) {
      const ps = [...(pages.get(r) ?? [])] as number[];
      const dev = r.device ? devIndex.get(r.device) ?? -1 : -1;
      if (dev >= 0) {
        const row = deviceRows[dev]!;
        if (row.count === 0) row.first = regionRows.length;
        row.count++;
      }
      regionRows.push({
        vmId: vm.id, kind: REGION_KINDS.indexOf(r.kind) + 1, auto: r.auto, gva: r.gva, gpa: r.gpa, rpa: r.rpa, size: r.size, flags: r.flags,
        device: dev, emu: r.device?.emulator?.id ?? 0, minP: ps.length ? log2(Math.min(...ps)) : 0, maxP: ps.length ? log2(Math.max(...ps)) : 0,
      });
    }
    const root = tree?.root ? flatArray(tree.root) : null;
    vmRows.push({ first, count: regionRows.length - first, devFirst, devCount: deviceRows.length - devFirst, root, leafCount: tree?.leaves.length ?? 0 });
  }
  const guests = model.vms.filter((v) => v.kind === 'vm');
  const emuRows = [...EMULATORS.map((e) => ({ id: e.id, name: strings.add(e.name)! })), { id: EMU_TIMER, name: strings.add(EMU_TIMER_NAME)! }];
  const vmStrings = model.vms.map((v) => ({ sym: strings.add(v.entrySymbol), file: strings.add(v.guest?.path ?? null) }));
  const boardName = strings.add(model.board.name)!, configName = strings.add(model.file)!;

  // Layout.
  const sizes: Record<number, number> = {
    [SEC.BOARD]: REC.BOARD,
    [SEC.VMS]: model.vms.length * REC.VM,
    [SEC.REGIONS]: regionRows.length * REC.REGION,
    [SEC.DEVICES]: deviceRows.length * REC.DEVICE,
    [SEC.IRQ_LIST]: irqList.length * 2,
    [SEC.NODES]: nodes.length * REC.NODE,
    [SEC.LEAVES]: leaves.length * REC.LEAF,
    [SEC.BITMASKS]: bitmaskWords.length * 4,
    [SEC.IC_MASKS]: guests.length * 2 * IC_MASK_BYTES,
    [SEC.IRQ_ROUTES]: IRQ_SLOTS * REC.ROUTE,
    [SEC.SETUP]: dma.writes.length * REC.SETUP,
    [SEC.DMA]: REC.DMA,
    [SEC.PMD]: REC.PMD,
    [SEC.EMULATORS]: emuRows.length * REC.EMULATOR,
    [SEC.STRINGS]: strings.size,
  };
  const counts: Record<number, number> = {
    [SEC.BOARD]: 1, [SEC.VMS]: model.vms.length, [SEC.REGIONS]: regionRows.length, [SEC.DEVICES]: deviceRows.length,
    [SEC.IRQ_LIST]: irqList.length, [SEC.NODES]: nodes.length, [SEC.LEAVES]: leaves.length, [SEC.BITMASKS]: bitmaskWords.length,
    [SEC.IC_MASKS]: guests.length * 2, [SEC.IRQ_ROUTES]: IRQ_SLOTS, [SEC.SETUP]: dma.writes.length, [SEC.DMA]: 1, [SEC.PMD]: 1,
    [SEC.EMULATORS]: emuRows.length, [SEC.STRINGS]: 0,
  };
  const offs: Record<number, number> = {};
  let at = HEADER_SIZE + SECTION_IDS.length * DIR_ENTRY_SIZE;
  for (const id of SECTION_IDS) {
    at = (at + 15) & ~15;
    offs[id] = at;
    at += sizes[id]!;
  }
  const length = (at + 15) & ~15;
  const out = new Uint8Array(length);
  const v = new DataView(out.buffer);
  const u8 = (o: number, x: number): void => v.setUint8(o, x);
  const u16 = (o: number, x: number): void => v.setUint16(o, x, true);
  const u32 = (o: number, x: number): void => v.setUint32(o, x >>> 0, true);
  const str = (s: number | null): number => (s === null || s === 0 ? 0 : offs[SEC.STRINGS]! + s);
  const ref = (r: Ref): number => {
    if (!r) return 0;
    const size = r.sec === SEC.NODES ? REC.NODE : r.sec === SEC.LEAVES ? REC.LEAF : 4;
    return offs[r.sec]! + r.index * size;
  };

  u32(0, TABLE_MAGIC);
  u16(4, TABLE_VERSION);
  u16(6, HEADER_SIZE);
  u32(8, length);
  u32(16, SECTION_IDS.length);
  u32(20, SYSTEM_TABLE_PA);
  SECTION_IDS.forEach((id, i) => {
    const d = HEADER_SIZE + i * DIR_ENTRY_SIZE;
    u32(d, id);
    u32(d + 4, offs[id]!);
    u32(d + 8, sizes[id]!);
    u32(d + 12, counts[id]!);
  });

  const b = model.board;
  const eret = model.vms[0]?.kind === 'root' ? model.vms[0].regions[0]! : null;
  let o = offs[SEC.BOARD]!;
  [str(boardName), str(configName), b.rom.start, b.rom.end, b.ram.start, b.ram.end, b.eretPage, b.vzcode, b.vzentry, b.vzdata, b.vzstacksize,
    b.devcfgAddr ?? 0xffffffff, Math.max(0, ...model.vms.map((x) => x.id)), eret ? eret.gpa : kphys(b.eretPage), eret ? eret.rpa : kphys(b.vzcode)].forEach((x, i) => u32(o + 4 * i, x));

  let icAt = offs[SEC.IC_MASKS]!;
  model.vms.forEach((vm, i) => {
    const row = vmRows[i]!;
    const tree = trees.get(vm.id);
    const g = dma.groups.find((x) => x.vmId === vm.id);
    const image = src.images.get(vm.id);
    o = offs[SEC.VMS]! + i * REC.VM;
    u16(o, vm.id);
    u8(o + 2, vm.kind === 'root' ? KIND_ROOT : vm.kind === 'vm' ? KIND_VM : KIND_THREAD);
    const hvStack = vm.kind === 'thread' && vm.stack !== null && vm.stack.addr === null;
    u8(o + 3, (vm.polling ? VMF_POLLING : 0) | (vm.user ? VMF_USER : 0) | (hvStack ? VMF_HV_STACK : 0) | (vm.entrySymbol ? VMF_SYMBOL_ENTRY : 0) | (g ? VMF_DMA : 0));
    u8(o + 4, vm.gid);
    u8(o + 5, vm.srs);
    u8(o + 6, g?.group ?? 0);
    u32(o + 8, optionsWord(vm.kind, vm.srs, vm.gid, vm.user, vm.polling));
    u32(o + 12, vm.entry ?? 0);
    u32(o + 16, str(vmStrings[i]!.sym));
    u32(o + 20, vm.stack?.size ?? 0);
    u32(o + 24, vm.stack?.addr ?? 0);
    u32(o + 28, vm.stack?.init ?? 0);
    u32(o + 32, row.root === null ? 0 : offs[SEC.NODES]! + row.root * REC.NODE);
    const ic = irq.vms.get(vm.id);
    if (ic) {
      u32(o + 36, icAt);
      for (let w = 0; w < IC_MASK_WORDS; w++) u32(icAt + 4 * w, ic.ownedMask[w]!);
      icAt += IC_MASK_BYTES;
      u32(o + 40, icAt);
      for (let w = 0; w < IC_MASK_WORDS; w++) u32(icAt + 4 * w, ic.emulatedMask[w]!);
      icAt += IC_MASK_BYTES;
    }
    u16(o + 44, row.first);
    u16(o + 46, row.count);
    u16(o + 48, row.devFirst);
    u16(o + 50, row.devCount);
    u32(o + 52, g?.addr ?? 0);
    u32(o + 56, g?.size ?? 0);
    u16(o + 60, tree?.tlbPairs ?? 0);
    u16(o + 62, tree?.softEntries ?? 0);
    u16(o + 64, row.leafCount);
    u32(o + 68, str(vmStrings[i]!.file));
    u32(o + 72, image?.addr ?? 0);
    u32(o + 76, image?.size ?? 0);
  });
  regionRows.forEach((r, i) => {
    o = offs[SEC.REGIONS]! + i * REC.REGION;
    u16(o, r.vmId);
    u8(o + 2, r.kind);
    u8(o + 3, r.auto ? 1 : 0);
    u32(o + 4, r.gva);
    u32(o + 8, r.gpa);
    u32(o + 12, r.rpa);
    u32(o + 16, r.size);
    u32(o + 20, r.flags);
    u16(o + 24, r.device < 0 ? 0xffff : r.device);
    u8(o + 26, r.emu);
    u8(o + 27, r.minP);
    u8(o + 28, r.maxP);
  });
  deviceRows.forEach((d, i) => {
    o = offs[SEC.DEVICES]! + i * REC.DEVICE;
    u32(o, str(d.name));
    u16(o + 4, d.vmId);
    u8(o + 6, d.emu);
    u8(o + 7, d.flags);
    u8(o + 8, d.dmaSet);
    u8(o + 9, d.cfgpg);
    u16(o + 10, d.irqs.length);
    u32(o + 12, d.irqs.length ? offs[SEC.IRQ_LIST]! + 2 * irqListAt[i]! : 0);
    u16(o + 16, d.first);
    u16(o + 18, d.count);
  });
  irqList.forEach((x, i) => u16(offs[SEC.IRQ_LIST]! + 2 * i, x));
  nodes.forEach((n, i) => {
    o = offs[SEC.NODES]! + i * REC.NODE;
    u32(o, n.kind | (n.a << 8) | (n.b << 16));
    u32(o + 4, n.mask);
    u32(o + 8, n.golden);
    u32(o + 12, ref(n.target));
  });
  leaves.forEach((l, i) => {
    o = offs[SEC.LEAVES]! + i * REC.LEAF;
    u32(o, l.base);
    u8(o + 4, l.pageLog2);
    u8(o + 5, l.software ? 1 : 0);
    l.halves.forEach((h, k) => {
      if (!h) return;
      const ho = o + 8 + 16 * k;
      u32(ho, h.rpa);
      u32(ho + 4, h.attr);
      u32(ho + 8, h.info);
      u32(ho + 12, ref(h.bitmask));
    });
  });
  bitmaskWords.forEach((w, i) => u32(offs[SEC.BITMASKS]! + 4 * i, w));
  for (let q = 0; q < IRQ_SLOTS; q++) {
    o = offs[SEC.IRQ_ROUTES]! + q * REC.ROUTE;
    u8(o, irq.irq2vm[q]!);
    u8(o + 1, irq.irq2emulator[q]!);
    u8(o + 2, irq.icWrite[q]!);
    u8(o + 3, irq.sharedOwned.has(q) ? 1 : 0);
  }
  dma.writes.forEach((w, i) => {
    o = offs[SEC.SETUP]! + i * REC.SETUP;
    u32(o, w.addr);
    u32(o + 4, w.value);
    u16(o + 8, w.kind);
    u16(o + 10, w.vmId);
  });
  o = offs[SEC.DMA]!;
  u32(o, dma.groups.length);
  u32(o + 4, dma.cfgpg);
  u8(o + 8, dma.sets.get(2) ?? 0);
  u8(o + 9, dma.sets.get(3) ?? 0);
  u8(o + 10, dma.sets.get(4) ?? 0);
  dma.groups.forEach((g, i) => {
    u32(o + 12 + 12 * i, g.vmId);
    u32(o + 16 + 12 * i, g.addr);
    u32(o + 20 + 12 * i, g.size);
  });
  o = offs[SEC.PMD]!;
  if (dma.pmd) {
    u32(o, 1);
    dma.pmd.forEach((x, i) => u32(o + 4 + 4 * i, x));
  }
  emuRows.forEach((e, i) => {
    u32(offs[SEC.EMULATORS]! + 8 * i, e.id);
    u32(offs[SEC.EMULATORS]! + 8 * i + 4, str(e.name));
  });
  out.set(strings.bytes(), offs[SEC.STRINGS]!);
  u32(12, crc32(out));
  return out;
}

/** The original's vm_options word (§5.3): 0 for VM0. */
export function optionsWord(kind: string, srs: number, gid: number, user: boolean, polling: boolean): number {
  if (kind === 'root') return 0;
  return ((srs << 24) | (kind === 'vm' ? gid << 16 : 0) | (kind === 'thread' && user ? OPT_USER : 0) | (polling ? OPT_POLLING : 0)) >>> 0;
}

// ------------------------------------------------------------------------------------------
// Decoder

class Reader {
  readonly v: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string): never {
    throw new UserError(`system table: ${message}`, this.file);
  }

  u8(o: number): number {
    return this.v.getUint8(o);
  }

  u16(o: number): number {
    return this.v.getUint16(o, true);
  }

  u32(o: number): number {
    return this.v.getUint32(o, true);
  }
}

interface Section {
  off: number;
  size: number;
  count: number;
}

/** Length a table declares, from its first 16 bytes (for readers that fetch it in two steps). */
export function systemTableLength(head: Uint8Array): number | null {
  if (head.length < 16) return null;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return v.getUint32(0, true) === TABLE_MAGIC ? v.getUint32(8, true) : null;
}

/**
 * Finds the table at its fixed address through `read(physicalAddress, length)` (e.g. over the
 * flash model) and decodes it. Returns null when the magic is not there: an image without a
 * table boots bare metal. A table that is there but damaged is a UserError.
 */
export function readSystemTable(read: (pa: number, length: number) => Uint8Array, file = 'system table'): SystemTable | null {
  const length = systemTableLength(read(SYSTEM_TABLE_PA, 16));
  if (length === null) return null;
  if (length < HEADER_SIZE || length > SYSTEM_TABLE_MAX) throw new UserError(`system table: length ${length} is outside ${HEADER_SIZE}..${SYSTEM_TABLE_MAX}`, file);
  return decodeSystemTable(read(SYSTEM_TABLE_PA, length), file);
}

/**
 * Validates and decodes a system table. `bytes` starts at the table and may run on past it
 * (e.g. the rest of flash). Every offset is checked, so a decoded table is safe to walk.
 */
export function decodeSystemTable(bytes: Uint8Array, file = 'system table'): SystemTable {
  const r = new Reader(bytes, file);
  if (bytes.length < HEADER_SIZE) r.fail(`only ${bytes.length} bytes, the header alone is ${HEADER_SIZE}`);
  const magic = r.u32(0);
  if (magic !== TABLE_MAGIC) r.fail(`bad magic ${hex(magic)} (expected ${hex(TABLE_MAGIC)}, 'TVPT')`);
  const version = r.u16(4);
  if (version !== TABLE_VERSION) r.fail(`version ${version} is not supported (this tool reads version ${TABLE_VERSION})`);
  if (r.u16(6) !== HEADER_SIZE) r.fail(`header size ${r.u16(6)} (expected ${HEADER_SIZE})`);
  const length = r.u32(8);
  if (length < HEADER_SIZE || length > bytes.length) r.fail(`length ${length} does not fit the ${bytes.length} bytes available`);
  if (length % 4) r.fail(`length ${length} is not a multiple of 4`);
  const body = bytes.slice(0, length);
  const want = r.u32(12);
  new DataView(body.buffer).setUint32(12, 0, true);
  const got = crc32(body);
  if (got !== want) r.fail(`CRC mismatch: the header says ${hex(want)}, the contents give ${hex(got)}`);
  return new Decoder(new Reader(bytes.subarray(0, length), file), version, length).decode();
}

class Decoder {
  private readonly sec = new Map<number, Section>();
  private readonly words: Uint32Array;

  constructor(
    private readonly r: Reader,
    private readonly version: number,
    private readonly length: number,
  ) {
    this.words = new Uint32Array(length / 4);
    for (let i = 0; i < this.words.length; i++) this.words[i] = r.u32(4 * i);
  }

  decode(): SystemTable {
    const { r } = this;
    const n = r.u32(16);
    if (n > 64 || HEADER_SIZE + n * DIR_ENTRY_SIZE > this.length) r.fail(`section directory of ${n} entries does not fit`);
    for (let i = 0; i < n; i++) {
      const d = HEADER_SIZE + i * DIR_ENTRY_SIZE;
      const id = r.u32(d), off = r.u32(d + 4), size = r.u32(d + 8), count = r.u32(d + 12);
      if (off % 4 || off < HEADER_SIZE || off + size > this.length) r.fail(`section ${SECTION_NAMES[id] ?? id} (${off}+${size}) is outside the table`);
      if (this.sec.has(id)) r.fail(`section ${SECTION_NAMES[id] ?? id} appears twice`);
      this.sec.set(id, { off, size, count });
    }
    for (const id of SECTION_IDS) if (!this.sec.has(id)) r.fail(`section ${SECTION_NAMES[id]} is missing`);
    const recs: [number, number][] = [[SEC.BOARD, REC.BOARD], [SEC.VMS, REC.VM], [SEC.REGIONS, REC.REGION], [SEC.DEVICES, REC.DEVICE], [SEC.IRQ_LIST, 2],
      [SEC.NODES, REC.NODE], [SEC.LEAVES, REC.LEAF], [SEC.BITMASKS, 4], [SEC.IC_MASKS, IC_MASK_BYTES], [SEC.IRQ_ROUTES, REC.ROUTE],
      [SEC.SETUP, REC.SETUP], [SEC.DMA, REC.DMA], [SEC.PMD, REC.PMD], [SEC.EMULATORS, REC.EMULATOR]];
    for (const [id, size] of recs) {
      const s = this.sec.get(id)!;
      if (s.count * size > s.size) r.fail(`section ${SECTION_NAMES[id]} holds ${s.count} records of ${size} bytes in ${s.size} bytes`);
    }
    for (const id of [SEC.BOARD, SEC.DMA, SEC.PMD]) if (this.sec.get(id)!.count !== 1) r.fail(`section ${SECTION_NAMES[id]} must hold one record`);
    if (this.sec.get(SEC.IRQ_ROUTES)!.count !== IRQ_SLOTS) r.fail(`IRQ_ROUTES must hold ${IRQ_SLOTS} entries`);

    const emulators = this.emulators();
    const devices = this.devices();
    const regions = this.regions(devices.length);
    const t: SystemTable = {
      version: this.version,
      length: this.length,
      tableAddr: r.u32(20),
      board: this.board(),
      vms: [],
      regions,
      devices,
      emulators,
      routes: this.routes(),
      setup: this.setup(),
      dma: this.dma(),
      pmd: this.pmd(),
      words: this.words,
    };
    t.vms = this.vms(t);
    return t;
  }

  private at(id: number, i: number, size: number): number {
    return this.sec.get(id)!.off + i * size;
  }

  private str(off: number): string | null {
    if (off === 0) return null;
    const s = this.sec.get(SEC.STRINGS)!;
    if (off < s.off || off >= s.off + s.size) this.r.fail(`string offset ${off} is outside the string section`);
    const end = this.r.bytes.indexOf(0, off);
    if (end < 0 || end >= s.off + s.size) this.r.fail(`string at ${off} is not terminated`);
    return new TextDecoder().decode(this.r.bytes.subarray(off, end));
  }

  /** An offset that must point at a record boundary inside a section. */
  private inSection(off: number, id: number, size: number, what: string, count = 1): number {
    const s = this.sec.get(id)!;
    const rel = off - s.off;
    if (rel < 0 || rel % size || rel / size + count > s.count) this.r.fail(`${what} offset ${off} is not a record of section ${SECTION_NAMES[id]}`);
    return rel / size;
  }

  private board(): BoardInfo {
    const o = this.at(SEC.BOARD, 0, REC.BOARD);
    const w = (i: number): number => this.r.u32(o + 4 * i);
    return {
      name: this.str(w(0)) ?? '', config: this.str(w(1)) ?? '', rom: { start: w(2), end: w(3) }, ram: { start: w(4), end: w(5) },
      eretPage: w(6), vzcode: w(7), vzentry: w(8), vzdata: w(9), vzstacksize: w(10), devcfgAddr: w(11) === 0xffffffff ? null : w(11),
      maxId: w(12), eretGpa: w(13), eretRpa: w(14),
    };
  }

  private emulators(): Map<number, string> {
    const m = new Map<number, string>();
    for (let i = 0; i < this.sec.get(SEC.EMULATORS)!.count; i++) {
      const o = this.at(SEC.EMULATORS, i, REC.EMULATOR);
      m.set(this.r.u32(o), this.str(this.r.u32(o + 4)) ?? '');
    }
    return m;
  }

  private devices(): DeviceInfo[] {
    const out: DeviceInfo[] = [];
    const nreg = this.sec.get(SEC.REGIONS)!.count;
    for (let i = 0; i < this.sec.get(SEC.DEVICES)!.count; i++) {
      const o = this.at(SEC.DEVICES, i, REC.DEVICE);
      const nirq = this.r.u16(o + 10);
      const irqs: number[] = [];
      if (nirq) {
        const first = this.inSection(this.r.u32(o + 12), SEC.IRQ_LIST, 2, 'device IRQ list', nirq);
        for (let k = 0; k < nirq; k++) irqs.push(this.r.u16(this.at(SEC.IRQ_LIST, first + k, 2)));
      }
      const firstRegion = this.r.u16(o + 16), regionCount = this.r.u16(o + 18);
      if (firstRegion + regionCount > nreg) this.r.fail(`device ${i} regions ${firstRegion}+${regionCount} are out of range`);
      const cfg = this.r.u8(o + 9), set = this.r.u8(o + 8), flags = this.r.u8(o + 7);
      out.push({
        name: this.str(this.r.u32(o)) ?? '', vmId: this.r.u16(o + 4), emulator: this.r.u8(o + 6), shared: (flags & 1) !== 0, library: (flags & 2) !== 0,
        dmaSet: set || null, cfgpgPosition: cfg === 0xff ? null : cfg, irqs, firstRegion, regionCount,
      });
    }
    return out;
  }

  private regions(ndev: number): RegionInfo[] {
    const out: RegionInfo[] = [];
    for (let i = 0; i < this.sec.get(SEC.REGIONS)!.count; i++) {
      const o = this.at(SEC.REGIONS, i, REC.REGION);
      const kind = REGION_KINDS[this.r.u8(o + 2) - 1];
      if (!kind) this.r.fail(`region ${i} has unknown kind ${this.r.u8(o + 2)}`);
      const dev = this.r.u16(o + 24);
      if (dev !== 0xffff && dev >= ndev) this.r.fail(`region ${i} names device ${dev}, beyond ${ndev}`);
      const minP = this.r.u8(o + 27), maxP = this.r.u8(o + 28);
      out.push({
        vmId: this.r.u16(o), kind: kind!, auto: (this.r.u8(o + 3) & 1) !== 0, gva: this.r.u32(o + 4), gpa: this.r.u32(o + 8), rpa: this.r.u32(o + 12),
        size: this.r.u32(o + 16), flags: this.r.u32(o + 20), device: dev === 0xffff ? -1 : dev, emulator: this.r.u8(o + 26),
        minPage: minP ? 2 ** minP : 0, maxPage: maxP ? 2 ** maxP : 0,
      });
    }
    return out;
  }

  private routes(): IrqRoute[] {
    const out: IrqRoute[] = [];
    for (let q = 0; q < IRQ_SLOTS; q++) {
      const o = this.at(SEC.IRQ_ROUTES, q, REC.ROUTE);
      out.push({ vm: this.r.u8(o), emulator: this.r.u8(o + 1), icWrite: this.r.u8(o + 2), shared: (this.r.u8(o + 3) & 1) !== 0 });
    }
    return out;
  }

  private setup(): SetupWrite[] {
    const out: SetupWrite[] = [];
    for (let i = 0; i < this.sec.get(SEC.SETUP)!.count; i++) {
      const o = this.at(SEC.SETUP, i, REC.SETUP);
      out.push({ addr: this.r.u32(o), value: this.r.u32(o + 4), kind: this.r.u16(o + 8), vmId: this.r.u16(o + 10) });
    }
    return out;
  }

  private dma(): DmaInfo {
    const o = this.at(SEC.DMA, 0, REC.DMA);
    const n = this.r.u32(o);
    if (n > 2) this.r.fail(`${n} DMA groups (at most 2)`);
    const groups = [];
    for (let i = 0; i < n; i++) groups.push({ group: i + 1, vmId: this.r.u32(o + 12 + 12 * i), addr: this.r.u32(o + 16 + 12 * i), size: this.r.u32(o + 20 + 12 * i) });
    return { cfgpg: this.r.u32(o + 4), sets: { 2: this.r.u8(o + 8), 3: this.r.u8(o + 9), 4: this.r.u8(o + 10) }, groups };
  }

  private pmd(): number[] | null {
    const o = this.at(SEC.PMD, 0, REC.PMD);
    if (this.r.u32(o) === 0) return null;
    return Array.from({ length: 7 }, (_, i) => this.r.u32(o + 4 + 4 * i));
  }

  private vms(t: SystemTable): VmInfo[] {
    const out: VmInfo[] = [];
    const nvm = this.sec.get(SEC.VMS)!.count;
    for (let i = 0; i < nvm; i++) {
      const o = this.at(SEC.VMS, i, REC.VM);
      const kind = KIND_NAMES[this.r.u8(o + 2)];
      if (!kind) this.r.fail(`VM record ${i} has unknown kind ${this.r.u8(o + 2)}`);
      const flags = this.r.u8(o + 3);
      const id = this.r.u16(o);
      const rFirst = this.r.u16(o + 44), rCount = this.r.u16(o + 46), dFirst = this.r.u16(o + 48), dCount = this.r.u16(o + 50);
      if (rFirst + rCount > t.regions.length || dFirst + dCount > t.devices.length) this.r.fail(`VM ${id} region/device ranges are out of range`);
      const rootOff = this.r.u32(o + 32);
      let tree: PageTree | null = null;
      if (rootOff) {
        this.inSection(rootOff, SEC.NODES, REC.NODE, `VM ${id} tree root`, ROOT_SLOTS);
        tree = { words: this.words, root: rootOff };
        this.checkTree(tree, id);
      }
      const mask = (off: number): Uint32Array | null => {
        if (!off) return null;
        this.inSection(off, SEC.IC_MASKS, IC_MASK_BYTES, `VM ${id} IC mask`);
        return this.words.slice(off / 4, off / 4 + IC_MASK_WORDS);
      };
      const dmaGroup = this.r.u8(o + 6);
      const stackSize = this.r.u32(o + 20), imageAddr = this.r.u32(o + 72), imageSize = this.r.u32(o + 76);
      out.push({
        id, kind: kind!, gid: this.r.u8(o + 4), srs: this.r.u8(o + 5), options: this.r.u32(o + 8),
        polling: (flags & VMF_POLLING) !== 0, user: (flags & VMF_USER) !== 0, entry: this.r.u32(o + 12),
        entrySymbol: flags & VMF_SYMBOL_ENTRY ? this.str(this.r.u32(o + 16)) : null,
        stack: stackSize ? { size: stackSize, addr: flags & VMF_HV_STACK ? null : this.r.u32(o + 24), init: this.r.u32(o + 28) } : null,
        tree, icOwned: mask(this.r.u32(o + 36)), icEmulated: mask(this.r.u32(o + 40)),
        regions: t.regions.slice(rFirst, rFirst + rCount), devices: t.devices.slice(dFirst, dFirst + dCount),
        dma: flags & VMF_DMA ? { group: dmaGroup, addr: this.r.u32(o + 52), size: this.r.u32(o + 56) } : null,
        tlbPairs: this.r.u16(o + 60), softEntries: this.r.u16(o + 62), leafCount: this.r.u16(o + 64),
        guestFile: this.str(this.r.u32(o + 68)), image: imageSize ? { addr: imageAddr, size: imageSize } : null,
      });
    }
    return out;
  }

  /** Every entry reachable from a root must be well formed, so walks cannot run wild. */
  private checkTree(tree: PageTree, id: number): void {
    const visit = (off: number, count: number, slotLog2: number, depth: number, soft: boolean): void => {
      if (depth > 24) this.r.fail(`VM ${id} tree is deeper than 24 levels`);
      for (let k = 0; k < count; k++) {
        const e = off + 16 * k;
        const w0 = this.words[e / 4]!, mask = this.words[e / 4 + 1]!, golden = this.words[e / 4 + 2]!, target = this.words[e / 4 + 3]!;
        const kind = w0 & 15, a = (w0 >>> 8) & 0xff, b = (w0 >>> 16) & 0xff;
        const bad = (why: string): never => this.r.fail(`VM ${id} tree entry at ${e}: ${why}`);
        if (kind === NODE_EMPTY) continue;
        if ((golden & ~mask) !== 0) bad('golden has bits outside the mask');
        if (a < 5 || a > slotLog2) bad(`size 2^${a} does not fit its 2^${slotLog2} slot`);
        if (kind === NODE_NODE) {
          if (b < 5 || a - b !== 2) bad(`node area 2^${a} with slots of 2^${b}`);
          const n = 2 ** (a - b);
          visit(this.inSection(target, SEC.NODES, REC.NODE, `VM ${id} node`, n) * 16 + this.sec.get(SEC.NODES)!.off, n, b, depth + 1, soft);
        } else if (kind === NODE_LEAF) {
          this.checkLeaf(this.inSection(target, SEC.LEAVES, REC.LEAF, `VM ${id} leaf`), a, id);
        } else if (kind === NODE_SOFT) {
          if (soft) bad('a software subtree inside a software subtree');
          visit(this.inSection(target, SEC.NODES, REC.NODE, `VM ${id} soft entry`) * 16 + this.sec.get(SEC.NODES)!.off, 1, a, depth + 1, true);
        } else bad(`unknown kind ${kind}`);
      }
    };
    visit(tree.root, ROOT_SLOTS, 29, 0, false);
  }

  private checkLeaf(index: number, pairLog2: number, id: number): void {
    const o = this.at(SEC.LEAVES, index, REC.LEAF);
    const base = this.r.u32(o), pageLog2 = this.r.u8(o + 4);
    if (pageLog2 + 1 !== pairLog2) this.r.fail(`VM ${id} leaf ${index}: page 2^${pageLog2} in a 2^${pairLog2} entry`);
    if (base % 2 ** pairLog2) this.r.fail(`VM ${id} leaf ${index}: base ${hex(base)} is not aligned to its pair`);
    for (let k = 0; k < 2; k++) {
      const bm = this.r.u32(o + 20 + 16 * k);
      if (bm) this.inSection(bm, SEC.BITMASKS, 4, `VM ${id} leaf ${index} bitmask`, Math.ceil(2 ** pageLog2 / 128));
    }
  }
}

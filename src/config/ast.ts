/**
 * Parsed form of device.lib, a config file and a .map file (tinyvp-config-tool.md §1.2-§1.6):
 * syntax only, numbers already parsed, every item with its source position. The model stage
 * (model.ts) gives it meaning.
 */
import type { Pos } from './lexer.ts';

/** Region keys of a .mmap block, plus device register blocks and the `dma =` zone. */
export type RegionKey = 'code' | 'data' | 'rodata' | 'rom' | 'ram' | 'regs' | 'dma';

export interface RegionAst {
  key: RegionKey;
  /** Address as written (a GVA for rom/ram, a GPA otherwise). */
  addr: number;
  size: number;
  /** Flag letters after completion with the key's defaults. */
  flags: number;
  /** rom/ram: the ALIGNMENT; others: the physical address. null when not given. */
  fourth: number | null;
  pos: Pos;
}

export interface Valued<T> {
  value: T;
  pos: Pos;
}

export interface DeviceAst {
  /** null for an inline device without `name =`. */
  name: string | null;
  /** The `.device` line. */
  pos: Pos;
  irqs: Valued<number[]> | null;
  /** Present when the device has a `share` key with a value other than 0. */
  share: Valued<string> | null;
  emulator: Valued<string> | null;
  dmaSet: Valued<number> | null;
  cfgpgPosition: Valued<number> | null;
  /** pmdN = bit: keep module bit `bit` of PMD register N powered. */
  pmd: { reg: number; bit: number; pos: Pos }[];
  regs: RegionAst[];
  /** Set for device.lib entries. */
  library: boolean;
}

export type VmItem =
  | { type: 'id'; id: number; pos: Pos }
  | { type: 'entry'; text: string; pos: Pos }
  | { type: 'file'; kind: 'elf' | 'binary'; path: string; key: string; pos: Pos }
  | { type: 'include'; name: string; pos: Pos }
  | { type: 'dma'; region: RegionAst; pos: Pos }
  | { type: 'setup'; addr: number; values: Valued<number>[]; pos: Pos }
  | { type: 'sp'; size: number; addr: number | null; init: number | null; pos: Pos }
  | { type: 'polling'; on: boolean; text: string; pos: Pos }
  | { type: 'gid'; value: number; pos: Pos }
  | { type: 'srs'; value: number; pos: Pos }
  | { type: 'mode'; user: boolean; pos: Pos }
  | { type: 'irq'; irqs: number[]; pos: Pos }
  | { type: 'mmap'; regions: RegionAst[]; pos: Pos }
  | { type: 'device'; device: DeviceAst; pos: Pos };

export interface VmBlock {
  kind: 'vm' | 'thread';
  /** The `.vm` / `.thread` line. */
  pos: Pos;
  items: VmItem[];
}

export interface ConfigAst {
  file: string;
  blocks: VmBlock[];
}

/** Notes that do not stop the build; printed as `tinyvp: warning: file:line: message`. */
export interface Warning {
  message: string;
  file?: string;
  line?: number;
}

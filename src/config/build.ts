/**
 * The whole configuration pipeline as one pure function (tinyvp-config-tool.md §0.1): board,
 * device library and config text plus the guest files in, system table and S-record image
 * out. Stages: parse → model → check → IRQs → allocate → placement checks → DMA/set-up →
 * trees → images → table → S-record. The CLI reads the files and writes the results.
 */
import { UserError } from '../sim/errors.ts';
import type { Warning } from './ast.ts';
import { allocate } from './allocate.ts';
import { parseBoard, type Board } from './board.ts';
import { Diagnostics } from './diagnostics.ts';
import { buildDma, type DmaPlan } from './dma.ts';
import { guestImages, imageSrec, type GuestImage } from './image.ts';
import { buildIrqs, type IrqPlan } from './irq.ts';
import { SYSTEM_TABLE_MAX, SYSTEM_TABLE_PA } from './layout.ts';
import { buildModel, type GuestInput, type SystemModel } from './model.ts';
import { hex, kseg0 } from './numbers.ts';
import { parseConfig, parseDeviceLib } from './parser.ts';
import { encodeSystemTable } from './systable.ts';
import { buildTree, type VmTree } from './trees.ts';
import { checkModel, checkPlacement } from './validate.ts';
import type { Pos } from './lexer.ts';

export interface TextFile {
  text: string;
  /** Display path, used in messages. */
  file: string;
}

export interface BuildInputs {
  config: TextFile;
  lib: TextFile;
  board: TextFile & { name?: string };
  /** Guest files by the path written in the config (see `configGuestFiles`). */
  guests: Map<string, GuestInput>;
}

export interface BuildResult {
  board: Board;
  model: SystemModel;
  irq: IrqPlan;
  dma: DmaPlan;
  trees: Map<number, VmTree>;
  images: Map<number, GuestImage>;
  table: Uint8Array;
  /** Physical address of the table. */
  tableAddr: number;
  srec: string;
  warnings: Warning[];
}

/** The elf/binary files a config names (to be loaded by the caller), in file order. */
export function configGuestFiles(config: TextFile): { path: string; kind: 'elf' | 'binary'; pos: Pos }[] {
  const ast = parseConfig(config.text, config.file, new Diagnostics());
  const out: { path: string; kind: 'elf' | 'binary'; pos: Pos }[] = [];
  for (const b of ast.blocks) for (const it of b.items) if (it.type === 'file') out.push({ path: it.path, kind: it.kind, pos: it.pos });
  return out;
}

/** Runs every stage up to the tables; throws UserError on the first problem. */
export function buildSystem(inp: BuildInputs): BuildResult {
  const diag = new Diagnostics();
  const board = parseBoard(inp.board.text, inp.board.file, inp.board.name);
  const asm = board.asmKeys[0];
  if (asm) {
    diag.once('board-asm', `${board.asmKeys.map((k) => k.key).join(', ')} name assembly sources of the original build; they are not used, the board's initialisation comes from the board model`, asm.pos);
  }
  const lib = parseDeviceLib(inp.lib.text, inp.lib.file, diag);
  const ast = parseConfig(inp.config.text, inp.config.file, diag);
  const model = buildModel({ ast, lib, board, guests: inp.guests }, diag);
  checkModel(model, diag);
  const irq = buildIrqs(model, diag);
  allocate(model);
  checkPlacement(model);
  const dma = buildDma(model, diag);
  const trees = new Map<number, VmTree>();
  for (const vm of model.vms) trees.set(vm.id, buildTree(vm, diag));
  const images = guestImages(model);
  const table = encodeSystemTable({ model, trees, irq, dma, images });
  if (table.length > SYSTEM_TABLE_MAX) {
    throw new UserError(`the system table is ${hex(table.length)} bytes, more than the ${hex(SYSTEM_TABLE_MAX)} reserved for it`, inp.config.file);
  }
  const srec = imageSrec(images, table, kseg0(board.vzentry), `tinyvp ${inp.config.file}`);
  return { board, model, irq, dma, trees, images, table, tableAddr: SYSTEM_TABLE_PA, srec, warnings: diag.warnings };
}

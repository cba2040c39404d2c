/**
 * The playground's model side, free of the DOM: the example systems it offers, building one
 * in the page with the configuration tool (the same pure pipeline as `tinyvp build`), and a
 * session that runs the machine in wall-clock frames. main.ts draws it.
 */
import { bundledBoard, bundledBoardName } from '../config/board.ts';
import { buildSystem, configGuestFiles } from '../config/build.ts';
import { BUNDLED_DEVICE_LIB } from '../config/bundled.ts';
import { formatWarning } from '../config/diagnostics.ts';
import type { GuestInput } from '../config/model.ts';
import { parseSrec } from '../image/srec.ts';
import { createMachineForImage, HvMachine } from '../machine/hv-machine.ts';
import type { Machine } from '../machine/machine.ts';
import { CPU_HZ } from '../sim/clock.ts';
import { UserError } from '../sim/errors.ts';

export interface SystemSpec {
  /** Folder under examples/ that holds config.file. */
  dir: string;
  board: string;
  title: string;
  about: string;
}

export const SYSTEMS: readonly SystemSpec[] = [
  { dir: 'wifire-two-guests', board: 'wifire', title: 'Wi-FIRE: two guests', about: 'guest1 polls (interrupts off, WAIT) and prints # with LD1 every second; guest2 takes interrupts and prints . with LD2-LD4' },
  { dir: 'wifire-dma', board: 'wifire', title: 'Wi-FIRE: DMA guest', about: 'guest1 beside a guest that copies memory to memory by DMA inside its protected zone' },
  { dir: 'wifire-thread', board: 'wifire', title: 'Wi-FIRE: root thread', about: 'the two guests beside a root kernel thread that never waits' },
  { dir: 'dm320007', board: 'dm320007', title: 'DM320007 + MEB-II', about: 'one guest2-style VM; console on the board\'s UART' },
  { dir: 'emz64', board: 'emz64', title: 'Olimex PIC32-EMZ64', about: 'one guest2-style VM; console on the board\'s UART' },
];

/** Reads a file of the site by its path from the site root (`examples/…`, `guests/…`). */
export type SiteReader = (path: string) => Promise<Uint8Array>;

/** `a/b/../c` → `a/c`; paths stay relative to the site root. */
export function joinPath(dir: string, rel: string): string {
  const out: string[] = [];
  for (const part of `${dir}/${rel}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

export interface BuildOptions {
  /** The configuration to build instead of the example's own config.file. */
  text?: string;
  /** Guest files the user supplied, by file name: they stand in for any config path ending so. */
  uploads?: ReadonlyMap<string, Uint8Array>;
}

export interface BuiltSystem {
  srec: string;
  /** The configuration text that was built. */
  text: string;
  warnings: string[];
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Builds an example system (or a configuration written in its place) into its S-record. Guest
 * files come from the uploads by name, else from the site next to the example's config. A
 * mistake in the configuration is a UserError naming `examples/<dir>/config.file` and the line.
 */
export async function buildExample(spec: SystemSpec, read: SiteReader, opts: BuildOptions = {}): Promise<BuiltSystem> {
  const dir = `examples/${spec.dir}`;
  const file = `${dir}/config.file`;
  const config = { text: opts.text ?? new TextDecoder().decode(await read(file)), file };
  const guests = new Map<string, GuestInput>();
  for (const g of configGuestFiles(config)) {
    const upload = opts.uploads?.get(baseName(g.path));
    const path = joinPath(dir, g.path);
    let bytes: Uint8Array;
    if (upload !== undefined) bytes = upload;
    else {
      try {
        bytes = await read(path);
      } catch {
        throw new UserError(`guest file '${g.path}' is not on the site: add it under "Guest files"`, g.pos.file, g.pos.line);
      }
    }
    guests.set(g.path, { kind: g.kind, file: upload !== undefined ? baseName(g.path) : path, bytes });
  }
  const name = bundledBoardName(spec.board);
  if (name === null) throw new Error(`no bundled board '${spec.board}'`);
  const r = buildSystem({ config, lib: { text: BUNDLED_DEVICE_LIB, file: 'device.lib (bundled)' }, board: bundledBoard(name), guests });
  return { srec: r.srec, text: config.text, warnings: r.warnings.map(formatWarning) };
}

/** One running system. `frame` advances it by the wall time given, at the chosen speed. */
export class Session {
  readonly m: Machine;
  /** Virtual seconds per wall second; Infinity runs as fast as the frame budget allows. */
  speed = 1;
  paused = false;
  private rate = { wall: 0, instructions: 0, cycles: 0, mips: 0, factor: 0 };

  constructor(srec: string, file: string) {
    this.m = createMachineForImage(parseSrec(srec, file), file, { keepConsole: false });
  }

  get hv(): HvMachine | null {
    return this.m instanceof HvMachine ? this.m : null;
  }

  /** Runs for `wallMs` of elapsed wall time, spending at most `budgetMs` of it computing. */
  frame(wallMs: number, budgetMs: number, now: () => number): void {
    if (this.paused) return;
    const start = now();
    const want = this.speed === Infinity ? Infinity : Math.round((Math.min(wallMs, 250) / 1000) * this.speed * CPU_HZ);
    const end = this.m.clock.now + want;
    const i0 = this.m.cpu.instret, c0 = this.m.clock.now;
    while (this.m.clock.now < end && now() - start < budgetMs) {
      this.m.run(Math.min(end - this.m.clock.now, CPU_HZ / 200));
    }
    this.account(this.m.cpu.instret - i0, this.m.clock.now - c0, wallMs);
  }

  /** Instructions per elapsed wall second, over the last half second or so (millions). */
  get mips(): number {
    return this.rate.mips;
  }

  /** Virtual seconds per wall second over the same window (below the speed asked: the host cannot keep up). */
  get realTimeFactor(): number {
    return this.rate.factor;
  }

  type(text: string): void {
    this.m.type(new TextEncoder().encode(text));
  }

  private account(instructions: number, cycles: number, wallMs: number): void {
    const r = this.rate;
    r.instructions += instructions;
    r.cycles += cycles;
    r.wall += wallMs;
    if (r.wall >= 500) {
      r.mips = r.instructions / r.wall / 1000;
      r.factor = r.cycles / CPU_HZ / (r.wall / 1000);
      r.instructions = 0;
      r.cycles = 0;
      r.wall = 0;
    }
  }
}

/**
 * The machine with the hypervisor (DESIGN.md: `tinyvp run image.srec` finds the system table
 * and boots the TypeScript hypervisor; an image without one boots bare metal). The image is
 * programmed into flash as a programmer would, together with the hypervisor's code page at the
 * board's `vzcode` (hv/code-page.ts), then the hypervisor boots from the table with the core at
 * its reset state. A chip reset reboots the hypervisor.
 */
import { decodeSystemTable, type SystemTable } from '../config/systable.ts';
import { SYSTEM_TABLE_PA } from '../config/layout.ts';
import type { LoadImage } from '../image/srec.ts';
import { UserError } from '../sim/errors.ts';
import type { ResetKind } from '../soc/pic32mz.ts';
import { codePageImage } from '../hv/code-page.ts';
import { GEXC_SLOT } from '../hv/exits.ts';
import { Hypervisor } from '../hv/hypervisor.ts';
import { EXC_NAMES } from '../mips/cp0.ts';
import { Machine, physical, type MachineOptions, type StopReason } from './machine.ts';

export interface ImageMachineOptions extends MachineOptions {
  /** Start address for a bare-metal image (ignored when the image has a system table). */
  entry?: number | null;
}

const GEXC_NAMES = ['GPSI', 'GSFC', 'HC', 'GRR', '4', '5', '6', '7', 'GVA', 'GHFC', 'GPA'];

/** The system table an image carries in flash, or null. Throws UserError for a damaged table. */
export function imageSystemTable(img: LoadImage, file: string): SystemTable | null {
  for (const c of img.chunks) {
    const pa = physical(c.addr);
    const at = SYSTEM_TABLE_PA - pa;
    if (at < 0 || at + 4 > c.data.length) continue;
    const bytes = c.data.subarray(at);
    if (bytes[0] !== 0x54 || bytes[1] !== 0x56 || bytes[2] !== 0x50 || bytes[3] !== 0x54) return null;
    return decodeSystemTable(bytes, file);
  }
  return null;
}

export class HvMachine extends Machine {
  hv: Hypervisor;
  private resetKind: ResetKind | null = null;

  constructor(
    readonly table: SystemTable,
    opts: MachineOptions = {},
  ) {
    super(opts);
    this.hv = new Hypervisor(this.cpu, { board: this.board.spec });
    this.soc.onReset = (kind) => {
      this.resetKind = kind;
      this.cpu.halt();
    };
  }

  /** Writes the image and the hypervisor's code page into memory. */
  override load(img: LoadImage, file: string): void {
    super.load(img, file);
    const code = codePageImage();
    if (!this.bus.poke(this.table.board.eretRpa + code.offset, code.data)) {
      throw new UserError(`the hypervisor's code page at RPA 0x${(this.table.board.eretRpa >>> 0).toString(16)} is not in flash or RAM`, file);
    }
  }

  /** The hypervisor boots from its table; a bare-metal entry does not apply. */
  override boot(_entry: number | null): void {
    this.bootHypervisor();
  }

  /** Resets the core and boots the hypervisor from the table in flash. */
  bootHypervisor(): void {
    this.cpu.reset();
    this.hv = new Hypervisor(this.cpu, { board: this.board.spec });
    this.hv.boot();
  }

  override run(cycles: number): StopReason {
    const end = this.clock.now + cycles;
    for (;;) {
      const r = super.run(end - this.clock.now);
      if (r !== 'halt' || this.resetKind === null) return r;
      this.soc.reset(this.resetKind);
      this.resetKind = null;
      this.bootHypervisor();
      if (this.clock.now >= end) return 'time';
    }
  }

  override stats(wallMs: number): ReturnType<Machine['stats']> & { hypervisor: object } {
    const base = super.stats(wallMs);
    const hv = this.hv;
    const vms = hv.others.map((t) => {
      const exits: Record<string, number> = {};
      t.exits.forEach((n, i) => {
        if (n === 0) return;
        exits[i >= GEXC_SLOT ? `GE.${GEXC_NAMES[i - GEXC_SLOT] ?? i - GEXC_SLOT}` : (EXC_NAMES[i] ?? String(i))] = n;
      });
      return { id: t.tid, kind: t.kind, instructions: hv.instructionsOf(t), exits, tlbRefills: t.refills, interruptsInjected: t.injected, emulatedAccesses: t.emulated, state: t.faulted ? 'faulted' : t.flags & 2 ? 'stopped' : 'running' };
    });
    return { ...base, hypervisor: { ...hv.counters, outputDropped: hv.out?.dropped ?? 0 }, vms } as ReturnType<Machine['stats']> & { hypervisor: object };
  }
}

/**
 * The machine for an image, loaded and started: with the hypervisor when the image holds a
 * system table, else bare metal at `entry` (default: the image's entry, else the reset vector).
 * The board defaults to the table's board for hypervisor images.
 */
export function createMachineForImage(img: LoadImage, file: string, opts: ImageMachineOptions = {}): Machine {
  const table = imageSystemTable(img, file);
  const { entry, ...mopts } = opts;
  if (table === null) {
    const m = new Machine(mopts);
    m.load(img, file);
    m.boot(entry !== undefined ? entry : img.entry);
    return m;
  }
  const m = new HvMachine(table, { ...mopts, board: mopts.board ?? table.board.name });
  m.load(img, file);
  m.bootHypervisor();
  return m;
}

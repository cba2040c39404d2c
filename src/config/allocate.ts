/**
 * Automatic rom/ram allocation (tinyvp-config-tool.md §3.2): two bump pointers over the
 * board's pools, advanced in ascending VM id and, within a VM, in normalised region order
 * (fixed regions first, then rom, then ram, then a user thread's stack). Sizes round up to
 * 4 KB; the ALIGNMENT (at least 4 KB) aligns the start.
 *
 * Fixes of the original: filling a pool exactly to its end is allowed (the original rejected
 * `ptr >= end`); the pointer steps over ranges it must not hand out (the hypervisor's code and
 * data, the system table, and every fixed region of any VM, e.g. a `dma =` zone), where the
 * original allocated on top of them and failed later in the overlap check.
 */
import { UserError } from '../sim/errors.ts';
import type { Range } from './board.ts';
import { alignUp, HV_CODE_SIZE, HV_DATA_SIZE, overlaps, PAGE, SYSTEM_TABLE_MAX, SYSTEM_TABLE_PA } from './layout.ts';
import type { Region, SystemModel } from './model.ts';
import { hex, kphys } from './numbers.ts';
import { regionText } from './validate.ts';

interface Busy {
  lo: number;
  hi: number;
}

/** Sets rpa (and the rounded size) of every auto region. */
export function allocate(m: SystemModel): void {
  const busy = reservedRanges(m);
  const pools = { rom: { ptr: m.board.rom.start, pool: m.board.rom }, ram: { ptr: m.board.ram.start, pool: m.board.ram } };
  for (const vm of m.vms) {
    for (const r of vm.regions) {
      if (!r.auto) continue;
      const p = r.kind === 'rom' ? pools.rom : pools.ram;
      // A map's rom may start inside a page (an ELF segment at 0x9fc00030): cover the page.
      const lead = r.gpa % PAGE;
      r.gpa -= lead;
      r.gva -= lead;
      r.size = alignUp(r.size + lead, PAGE);
      r.rpa = place(p.ptr, r, busy, p.pool, r.kind === 'rom' ? 'ROM' : 'RAM');
      p.ptr = r.rpa + r.size;
    }
  }
}

function reservedRanges(m: SystemModel): Busy[] {
  const b = m.board;
  const busy: Busy[] = [
    { lo: kphys(b.vzcode), hi: kphys(b.vzcode) + HV_CODE_SIZE },
    { lo: SYSTEM_TABLE_PA, hi: SYSTEM_TABLE_PA + SYSTEM_TABLE_MAX },
    { lo: kphys(b.vzdata), hi: kphys(b.vzdata) + HV_DATA_SIZE },
  ];
  for (const vm of m.vms) for (const r of vm.regions) if (!r.auto && r.size > 0) busy.push({ lo: r.rpa, hi: r.rpa + r.size });
  return busy.sort((x, y) => x.lo - y.lo);
}

function place(ptr: number, r: Region, busy: Busy[], pool: Range, what: string): number {
  const align = Math.max(r.align, PAGE);
  let at = alignUp(ptr, align);
  for (let moved = true; moved;) {
    moved = false;
    for (const z of busy) {
      if (r.size > 0 ? overlaps(at, at + r.size, z.lo, z.hi) : at > z.lo && at < z.hi) {
        at = alignUp(z.hi, align);
        moved = true;
      }
    }
  }
  if (at + r.size > pool.end) {
    const note = at + r.size > SYSTEM_TABLE_PA && pool.end > SYSTEM_TABLE_PA && what === 'ROM' ? ` (${hex(SYSTEM_TABLE_PA)}.. holds the system table)` : '';
    throw new UserError(
      `${what} pool exhausted: ${regionText(r)} needs ${hex(r.size)} bytes at ${hex(at)}, past the board's ${what.toLowerCase()} end ${hex(pool.end)}${note}`,
      r.pos.file,
      r.pos.line,
    );
  }
  return at;
}

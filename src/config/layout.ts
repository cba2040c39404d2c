/**
 * Fixed places in the SoC's memory that the tool keeps guests away from (tinyvp-config-tool.md
 * §3.2, §8.2; docs/system-table.md). Decisions, each a named constant:
 * - the system table lives at a fixed physical address, the last 64 KB of program flash, so
 *   the hypervisor finds it without knowing the board;
 * - the hypervisor's code area is 64 KB from `vzcode` (Digilent: exactly the flash below the
 *   guest ROM pool) and its data area 32 KB from `vzdata` (Digilent: the top of the RAM pool).
 */

/** Physical address of the system table (KSEG0 0x9D1F0000). */
export const SYSTEM_TABLE_PA = 0x1d1f0000;
/** Flash reserved for the table; a larger table is an error. */
export const SYSTEM_TABLE_MAX = 0x10000;
/** Flash reserved for the hypervisor's code from kphys(vzcode). */
export const HV_CODE_SIZE = 0x10000;
/** RAM reserved for the hypervisor's data from kphys(vzdata). */
export const HV_DATA_SIZE = 0x8000;

export const PAGE = 0x1000;

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function overlaps(a0: number, a1: number, b0: number, b1: number): boolean {
  return a0 < b1 && b0 < a1;
}

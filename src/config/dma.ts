/**
 * DMA protection, PMD values and the board set-up writes (tinyvp-config-tool.md §6;
 * tinyvp-runtime.md §2.4; pic32mz-ef.md §12). A guest with a DMA-capable device
 * (`dma-cfgpg-position`) and a `dma =` zone gets permission group 1 or 2: the System Bus
 * Arbiter region of its RAM bank is set to the zone, the peripheral sets its devices name
 * (`dma-set`) open for the group, and CFGPG puts the devices in the group. The write list is
 * the original's board_setup_tbl: per-VM `setup` writes, the fixed CPU rules, the groups, the
 * peripheral sets, CFGPG, PMD1..PMD7. Addresses here are physical.
 *
 * Checks the original documented but did not make: the zone is a power of two of 1..256 KB,
 * aligned to its size, inside RAM; dma-set is 2..4; the CFGPG position is a known module.
 */
import { UserError } from '../sim/errors.ts';
import { DATA_RAM } from './board.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { Pos } from './lexer.ts';
import type { SystemModel, Vm } from './model.ts';
import { hex, isPowerOfTwo, log2 } from './numbers.ts';

/** At most two DMA permission groups besides the CPU's group 0 (§8.1). */
export const MAX_DMA_GROUPS = 2;
/** Bank boundary of the two RAM targets SBT2 (0-256 KB) and SBT3 (256-512 KB). */
export const RAM_BANK = 0x40000;
export const MIN_DMA_ZONE = 0x400;
/** CFGPG field positions of the DMA-capable modules (§6.2). */
export const CFGPG_MODULES: Record<number, string> = {
  4: 'generic DMA', 8: 'USB', 12: 'CAN1', 14: 'CAN2', 16: 'Ethernet', 20: 'SQI', 22: 'flash control', 24: 'crypto',
};
/** Peripheral set k to its SBA target and base (§6.2 item 4). */
export const PERIPHERAL_SETS: Record<number, { target: number; base: number; what: string }> = {
  2: { target: 6, base: 0x1f820000, what: 'SPI, I2C, UART, PMP' },
  3: { target: 7, base: 0x1f840000, what: 'timers, IC, OC, ADC, comparators' },
  4: { target: 8, base: 0x1f860000, what: 'PORTA-PORTK' },
};

export const CFGPG_PA = 0x1f8000e0;
export const pmdPa = (n: number): number => 0x1f800040 + 0x10 * (n - 1);
const sbtBase = (t: number): number => 0x1f8f8000 + 0x400 * t;
export const sbtReg = (t: number, y: number): number => sbtBase(t) + 0x40 + 0x20 * y;
export const sbtRd = (t: number, y: number): number => sbtBase(t) + 0x50 + 0x20 * y;
export const sbtWr = (t: number, y: number): number => sbtBase(t) + 0x58 + 0x20 * y;

export const SETUP_USER = 0, SETUP_SBA = 1, SETUP_CFGPG = 2, SETUP_PMD = 3;

export interface SetupWrite {
  /** Physical address. */
  addr: number;
  value: number;
  kind: number;
  /** VM of a user `setup`, else 0. */
  vmId: number;
}

export interface DmaGroup {
  group: number;
  vmId: number;
  addr: number;
  size: number;
}

export interface DmaPlan {
  groups: DmaGroup[];
  /** Peripheral set (2..4) to the group that may use it. */
  sets: Map<number, number>;
  cfgpg: number;
  /** PMD1..PMD7 after the devices' pmdN bits are cleared, or null (board has no base). */
  pmd: number[] | null;
  writes: SetupWrite[];
}

const fail = (message: string, pos: Pos): never => {
  throw new UserError(message, pos.file, pos.line);
};

export function buildDma(m: SystemModel, diag: Diagnostics): DmaPlan {
  const plan: DmaPlan = { groups: [], sets: new Map(), cfgpg: 0, pmd: m.board.pmdBase ? [...m.board.pmdBase] : null, writes: [] };
  const setOwner = new Map<number, Vm>();
  let required = 0;
  for (const vm of m.vms) {
    for (const d of vm.devices) {
      if (d.ast.dmaSet) {
        const k = d.ast.dmaSet.value;
        if (!PERIPHERAL_SETS[k]) fail(`dma-set ${k} is not a DMA-protectable peripheral set (2: ${PERIPHERAL_SETS[2]!.what}; 3: ${PERIPHERAL_SETS[3]!.what}; 4: ${PERIPHERAL_SETS[4]!.what})`, d.ast.dmaSet.pos);
      }
      if (d.ast.cfgpgPosition && !CFGPG_MODULES[d.ast.cfgpgPosition.value]) {
        const known = Object.entries(CFGPG_MODULES).map(([p, n]) => `${p} ${n}`).join(', ');
        fail(`dma-cfgpg-position ${d.ast.cfgpgPosition.value} is not a CFGPG module field (${known})`, d.ast.cfgpgPosition.pos);
      }
    }
    const dmaDevs = vm.devices.filter((d) => d.ast.cfgpgPosition);
    if (dmaDevs.length) required++;
    if (required > MAX_DMA_GROUPS && dmaDevs.length) {
      fail(`more than ${MAX_DMA_GROUPS} VMs have DMA-capable devices; the PIC32MZ-EF has only ${MAX_DMA_GROUPS} permission groups for them`, dmaDevs[0]!.ast.cfgpgPosition!.pos);
    }
    if (vm.dma) {
      checkZone(vm.dma);
      for (const d of vm.devices) {
        if (!d.ast.dmaSet) continue;
        const k = d.ast.dmaSet.value;
        const o = setOwner.get(k);
        if (o && o !== vm) fail(`peripheral set ${k} (device '${d.name}') is already DMA-protected for VM ${o.id}; the PIC32MZ-EF cannot protect one set for two VMs`, d.ast.dmaSet.pos);
        setOwner.set(k, vm);
      }
    }
    if (dmaDevs.length && !vm.dma) {
      diag.warn(`VM ${vm.id} has DMA-capable device '${dmaDevs[0]!.name}' but no 'dma =' zone; its DMA stays unrestricted (group 0)`, dmaDevs[0]!.ast.cfgpgPosition!.pos);
    }
    if (!dmaDevs.length && vm.dma) {
      diag.warn(`'dma =' zone of VM ${vm.id} sets up no protection: the VM has no device with dma-cfgpg-position (the zone stays mapped)`, vm.dma.pos);
    }
    if (dmaDevs.length && vm.dma) {
      const group = plan.groups.length + 1;
      plan.groups.push({ group, vmId: vm.id, addr: vm.dma.addr, size: vm.dma.size });
      for (const d of dmaDevs) plan.cfgpg = (plan.cfgpg | (group << d.ast.cfgpgPosition!.value)) >>> 0;
      for (const d of vm.devices) if (d.ast.dmaSet) plan.sets.set(d.ast.dmaSet.value, group);
    }
    for (const d of vm.devices) {
      for (const p of d.ast.pmd) {
        if (!plan.pmd) return fail(`device '${d.name}' sets pmd${p.reg}, but the board file has no pmd-registers-base`, p.pos);
        plan.pmd[p.reg - 1] = (plan.pmd[p.reg - 1]! & ~(1 << p.bit)) >>> 0;
      }
    }
  }
  plan.writes = setupWrites(m, plan);
  return plan;
}

function checkZone(z: { addr: number; size: number; pos: Pos }): void {
  const what = `dma zone ${hex(z.addr)}/${hex(z.size)}`;
  if (!isPowerOfTwo(z.size) || z.size < MIN_DMA_ZONE || z.size > RAM_BANK) fail(`${what}: the size must be a power of two from 1 KB to 256 KB`, z.pos);
  if (z.addr % z.size) fail(`${what}: the address must be aligned to the size`, z.pos);
  if (z.addr + z.size > DATA_RAM.end) fail(`${what}: the zone must be in RAM (physical 0..${hex(DATA_RAM.end)}, with VA = PA)`, z.pos);
}

/** board_setup_tbl order (§6.2). */
function setupWrites(m: SystemModel, plan: DmaPlan): SetupWrite[] {
  const w: SetupWrite[] = [];
  const sba = (addr: number, value: number): void => {
    w.push({ addr, value: value >>> 0, kind: SETUP_SBA, vmId: 0 });
  };
  const region = (t: number, y: number, reg: number, perm: number): void => {
    sba(sbtReg(t, y), reg);
    sba(sbtRd(t, y), perm);
    sba(sbtWr(t, y), perm);
  };
  for (const vm of m.vms) for (const s of vm.setups) w.push({ addr: s.addr, value: s.value, kind: SETUP_USER, vmId: vm.id });
  region(2, 0, 0x00000048, 1);
  region(3, 0, 0x00040048, 1);
  region(6, 0, 0x1f820038, 1);
  region(7, 0, 0x1f840038, 1);
  region(8, 0, 0x1f860038, 1);
  for (const g of plan.groups) {
    const val = g.addr | ((log2(g.size) - 9) << 3);
    const perm = g.group === 1 ? 3 : 5;
    if (g.addr < RAM_BANK) {
      region(2, g.group, val, perm);
      region(3, g.group, RAM_BANK, 1);
    } else {
      region(2, g.group, 0, 1);
      region(3, g.group, val, perm);
    }
  }
  for (const k of [2, 3, 4]) {
    const ps = PERIPHERAL_SETS[k]!;
    const g = plan.sets.get(k);
    if (g) region(ps.target, 1, ps.base | 0x38, (1 << g) | 1);
    else region(ps.target, 1, ps.base, 1);
  }
  w.push({ addr: CFGPG_PA, value: plan.cfgpg, kind: SETUP_CFGPG, vmId: 0 });
  plan.pmd?.forEach((v, i) => w.push({ addr: pmdPa(i + 1), value: v, kind: SETUP_PMD, vmId: 0 }));
  return w;
}

/** Register name of a set-up address, for reports. */
export function setupName(addr: number): string {
  if (addr === CFGPG_PA) return 'CFGPG';
  for (let n = 1; n <= 7; n++) if (addr === pmdPa(n)) return `PMD${n}`;
  for (const t of [2, 3, 6, 7, 8]) {
    for (let y = 0; y < 8; y++) {
      if (addr === sbtReg(t, y)) return `SBT${t}REG${y}`;
      if (addr === sbtRd(t, y)) return `SBT${t}RD${y}`;
      if (addr === sbtWr(t, y)) return `SBT${t}WR${y}`;
    }
  }
  return '';
}

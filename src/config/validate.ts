/**
 * Sanity checks (tinyvp-config-tool.md §1.9, §3.3, §4.1, §4.3, §5.4, §13 TODOs of the
 * runtime spec), split in two: `checkModel` before allocation (ids, GuestIDs, shadow sets,
 * entries, region shapes) and `checkPlacement` after it (physical overlaps, the hypervisor's
 * own areas). Every error names the file and line of what is wrong.
 */
import { UserError } from '../sim/errors.ts';
import type { Diagnostics } from './diagnostics.ts';
import { F_I, F_IL, F_S, F_W, F_X, flagsText, traps } from './flags.ts';
import { alignUp, HV_CODE_SIZE, HV_DATA_SIZE, overlaps, PAGE, SYSTEM_TABLE_MAX, SYSTEM_TABLE_PA } from './layout.ts';
import type { Pos } from './lexer.ts';
import type { Device, Region, SystemModel, Vm } from './model.ts';
import { hex, kphys } from './numbers.ts';

/** GuestIDs and shadow sets a guest may use: 1..7 (0 is root; the M5150 has 8 sets). */
export const MAX_GUESTS = 7;
export const MAX_SRS = 7;

const fail = (message: string, pos: Pos): never => {
  throw new UserError(message, pos.file, pos.line);
};

export const at = (p: Pos): string => `${p.file}:${p.line}`;

export function regionText(r: Region): string {
  const what = r.device ? `device '${r.device.name}' registers` : r.kind;
  return `VM ${r.vmId} ${what} ${hex(r.gpa)}/${hex(r.size)} ${flagsText(r.flags)} (${at(r.pos)})`;
}

/** Writable for the overlap rules: 'w' without a write-ignore flag. */
export function writable(f: number): boolean {
  return (f & F_W) !== 0 && (f & (F_I | F_IL)) === 0;
}

export function checkModel(m: SystemModel, diag: Diagnostics): void {
  const guests = m.vms.filter((v) => v.kind === 'vm');
  if (guests.length > MAX_GUESTS) {
    fail(`${guests.length} VMs are configured, but there are only ${MAX_GUESTS} GuestIDs and shadow sets for guests`, guests[MAX_GUESTS]!.pos);
  }
  for (const vm of m.vms) assignIds(vm, diag);
  unique(guests, (v) => v.gid, 'GuestID', (v) => v.keyPos.gid ?? v.pos);
  unique(guests, (v) => v.srs, 'shadow set', (v) => v.keyPos.srs ?? v.pos);
  const vmSets = new Map(guests.map((v) => [v.srs, v]));
  const threadSets = new Map<number, Vm>();
  for (const t of m.vms.filter((v) => v.kind === 'thread' && v.srs !== 0)) {
    const g = vmSets.get(t.srs);
    if (g) fail(`shadow set ${t.srs} belongs to VM ${g.id}; a root thread may not share a guest's set`, t.keyPos.srs!);
    const o = threadSets.get(t.srs);
    if (o) fail(`shadow set ${t.srs} is already used by thread ${o.id}; only set 0 may be shared`, t.keyPos.srs!);
    threadSets.set(t.srs, t);
  }
  checkDeviceSharing(m);
  for (const vm of m.vms) {
    if (vm.kind !== 'root' && vm.entry === null && vm.entrySymbol === null) {
      fail(`${vm.kind === 'vm' ? 'VM' : 'thread'} ${vm.id} has no entry (no 'entry =' and no 'elf =')`, vm.pos);
    }
    for (const r of vm.regions) checkRegion(r);
    checkEntryMapped(vm);
    checkEretPage(vm, m);
    checkSetups(vm);
  }
}

/** A device with writable, unshared registers in two VMs needs `share` (IRQs: irq.ts). */
function checkDeviceSharing(m: SystemModel): void {
  const users = new Map<Device, Vm>();
  for (const vm of m.vms) {
    for (const d of vm.devices) {
      if (d.shared || !d.ast.regs.some((r) => writable(r.flags) && !(r.flags & F_S))) continue;
      const o = users.get(d);
      if (o) fail(`device '${d.name}' is used by VM ${o.id} (${at(o.devicePos.get(d)!)}) and VM ${vm.id}, but it has writable registers and no 'share'`, vm.devicePos.get(d)!);
      users.set(d, vm);
    }
  }
}

function assignIds(vm: Vm, diag: Diagnostics): void {
  if (vm.kind === 'root') return;
  if (vm.kind === 'vm') {
    const gid = vm.gidGiven ?? vm.id;
    if (gid < 1 || gid > MAX_GUESTS) {
      fail(vm.gidGiven === null ? `VM id ${vm.id} is above ${MAX_GUESTS}: give it a 'gid = 1..${MAX_GUESTS}'` : `gid ${gid} is out of range (1..${MAX_GUESTS})`, vm.keyPos.gid ?? vm.pos);
    }
    vm.gid = gid;
    const srs = vm.srsGiven ?? gid;
    if (srs < 1 || srs > MAX_SRS) fail(`a VM's shadow set is 1..${MAX_SRS}, found ${srs}`, vm.keyPos.srs!);
    vm.srs = srs;
    if (vm.srsGiven !== null && vm.srsGiven !== vm.id) diag.warn(`srs = ${srs} is honoured (the original tool forced a VM's shadow set to its id)`, vm.keyPos.srs);
    if (vm.gidGiven !== null && vm.gidGiven !== vm.id) diag.warn(`gid = ${gid} is honoured (the original tool ignored 'gid' and used the id)`, vm.keyPos.gid);
    if (vm.modeGiven) diag.warn(`'mode' has no effect on a .vm (guests start in guest kernel mode)`, vm.keyPos.mode);
    if (vm.keyPos.sp) diag.warn(`'sp' has no effect on a .vm (a guest sets up its own stack)`, vm.keyPos.sp);
    return;
  }
  if (vm.gidGiven !== null && vm.gidGiven !== 0) fail(`a root thread has GuestID 0; 'gid = ${vm.gidGiven}' is not allowed`, vm.keyPos.gid!);
  vm.gid = 0;
  const srs = vm.srsGiven ?? 0;
  if (srs > MAX_SRS) fail(`shadow set ${srs} is out of range (0..${MAX_SRS})`, vm.keyPos.srs!);
  vm.srs = srs;
  if (vm.keyPos.polling) diag.warn(`'irqpolling' has no effect on a .thread`, vm.keyPos.polling);
  if (vm.devices.some((d) => d.irqs.length) || vm.vmIrqs) {
    fail(`thread ${vm.id} claims IRQs; only a .vm can own interrupts`, (vm.vmIrqs?.pos ?? vm.devices.find((d) => d.irqs.length)!.ast.irqs!.pos));
  }
  if (vm.dma) fail(`'dma =' needs a .vm (DMA permission groups protect guests)`, vm.dma.pos);
}

function unique(vms: Vm[], key: (v: Vm) => number, what: string, pos: (v: Vm) => Pos): void {
  const seen = new Map<number, Vm>();
  for (const v of vms) {
    const k = key(v);
    const o = seen.get(k);
    if (o) fail(`${what} ${k} is used by VM ${o.id} and VM ${v.id}`, pos(v));
    seen.set(k, v);
  }
}

function checkRegion(r: Region): void {
  const what = regionText(r);
  if (r.gpa + r.size > 2 ** 32) fail(`${what} runs past the end of the 32-bit address space`, r.pos);
  if (!r.auto && r.rpa + r.size > 2 ** 32) fail(`${what}: physical ${hex(r.rpa)} + size runs past 4 GB`, r.pos);
  if (r.size === 0) return;
  if (!r.auto && (r.gpa % 4 || r.size % 4 || r.rpa % 4)) fail(`${what}: address, size and physical address must be multiples of 4 (access checks work on 32-bit words)`, r.pos);
  if (r.flags & F_X && !r.auto) {
    // rom/ram sizes are rounded up to 4 KB pages, so only fixed regions can be too small.
    if (r.size < PAGE) fail(`${what}: an executable region must be at least 4 KB (instructions cannot be emulated)`, r.pos);
    if (r.gpa % PAGE || r.size % PAGE) fail(`${what}: an executable region must start and end on 4 KB pages`, r.pos);
  }
  if (r.auto) {
    if (!Number.isInteger(Math.log2(r.align)) || r.align < 1) fail(`${what}: alignment ${hex(r.align)} is not a power of two`, r.pos);
  } else if (r.size >= PAGE && !traps(r.flags) && (r.rpa - r.gpa) % PAGE !== 0) {
    // Direct pages map whole 4 KB frames; emulated ones are reached by software at any offset.
    fail(`${what}: physical ${hex(r.rpa)} and GPA ${hex(r.gpa)} must have the same offset within a 4 KB page`, r.pos);
  }
}

/** A guest entry in kseg0/kseg1 must fall in one of its executable regions. */
function checkEntryMapped(vm: Vm): void {
  if (vm.kind !== 'vm' || vm.entry === null) return;
  if (vm.entry < 0x80000000 || vm.entry >= 0xc0000000) return;
  const gpa = kphys(vm.entry);
  // rom/ram are not allocated yet: they will cover whole pages from their first one.
  const end = (r: Region): number => (r.auto ? alignUp(r.gpa + r.size, PAGE) : r.gpa + r.size);
  const start = (r: Region): number => (r.auto ? r.gpa - (r.gpa % PAGE) : r.gpa);
  const ok = vm.regions.some((r) => r.flags & F_X && gpa >= start(r) && gpa < end(r));
  if (!ok) fail(`entry ${hex(vm.entry)} (GPA ${hex(gpa)}) is not inside an executable region of VM ${vm.id}`, vm.entryPos ?? vm.pos);
}

/** GuestID 7 runs the ERET excursion through tree 0; that VM must leave the page alone. */
function checkEretPage(vm: Vm, m: SystemModel): void {
  if (vm.kind !== 'vm' || vm.gid !== MAX_GUESTS) return;
  const page = kphys(m.board.eretPage);
  const r = vm.regions.find((x) => x.size && overlaps(page, page + PAGE, x.gpa, x.gpa + x.size));
  if (r) fail(`${regionText(r)} covers the ERET page GPA ${hex(page)}, which GuestID ${MAX_GUESTS} uses for the hypervisor's LL-bit excursion`, r.pos);
}

function checkSetups(vm: Vm): void {
  for (const s of vm.setups) if (s.addr % 4) fail(`setup address ${hex(s.addr)} is not word aligned`, s.pos);
}

/** After allocation: physical overlaps between all regions and with the hypervisor's areas. */
export function checkPlacement(m: SystemModel): void {
  const all = m.vms.flatMap((v) => v.regions.filter((r) => r.size > 0));
  checkReserved(m, all);
  for (let i = 0; i < all.length; i++) {
    const a = all[i]!;
    for (let j = i + 1; j < all.length; j++) {
      const b = all[j]!;
      if (!overlaps(a.rpa, a.rpa + a.size, b.rpa, b.rpa + b.size)) continue;
      const bad = (writable(a.flags) && !(a.flags & F_S)) || (writable(b.flags) && !(b.flags & F_S));
      if (!bad) continue;
      const lo = Math.max(a.rpa, b.rpa), hi = Math.min(a.rpa + a.size, b.rpa + b.size);
      // Report at the region the user wrote last (never at the synthesized ERET page).
      const later = a.kind === 'eret' || (b.kind !== 'eret' && b.pos.file === a.pos.file && b.pos.line >= a.pos.line) ? b : a;
      fail(`${regionText(a)} and ${regionText(b)} overlap at RPA ${hex(lo)}..${hex(hi)}; a writable region may overlap another only if both are shared ('s')`, later.pos);
    }
  }
}

/** Guests stay out of the hypervisor's code and the table (writes) and its data (any access). */
function checkReserved(m: SystemModel, all: Region[]): void {
  const b = m.board;
  const reserved = [
    { lo: kphys(b.vzcode), hi: kphys(b.vzcode) + HV_CODE_SIZE, what: `the hypervisor's code (vzcode ${hex(b.vzcode)})`, anyAccess: false },
    { lo: SYSTEM_TABLE_PA, hi: SYSTEM_TABLE_PA + SYSTEM_TABLE_MAX, what: 'the system table', anyAccess: false },
    { lo: kphys(b.vzdata), hi: kphys(b.vzdata) + HV_DATA_SIZE, what: `the hypervisor's data (vzdata ${hex(b.vzdata)})`, anyAccess: true },
  ];
  for (const r of all) {
    if (r.kind === 'eret') continue;
    for (const z of reserved) {
      if (!overlaps(r.rpa, r.rpa + r.size, z.lo, z.hi)) continue;
      if (z.anyAccess || writable(r.flags)) fail(`${regionText(r)} at RPA ${hex(r.rpa)} overlaps ${z.what} (${hex(z.lo)}..${hex(z.hi)})`, r.pos);
    }
  }
}

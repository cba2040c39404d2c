/**
 * Interrupt tables (tinyvp-config-tool.md §5; tinyvp-runtime.md §10, §11.2): per guest the
 * IRQs it owns (hardware, pass-through) and the IRQs emulated for it, as 70-word masks laid
 * out like the EVIC's IFS/IEC/IPC registers; globally the owner, emulator and ic-write hook
 * of each of the 216 IRQ slots. Checks: unavailable IRQ numbers, IRQ 0, emulators without IRQ
 * support, and an IRQ claimed by two VMs where neither device is shared (§5.4; reported once,
 * not once per direction as the original did).
 */
import { UserError } from '../sim/errors.ts';
import type { Diagnostics } from './diagnostics.ts';
import { EMU_TIMER } from './emulators.ts';
import type { Pos } from './lexer.ts';
import type { Device, SystemModel, Vm } from './model.ts';
import { IRQ_SLOTS } from './parser.ts';
import { at } from './validate.ts';

/** Words per IC mask: IFS0-6, pad, IEC0-6, pad, IPC0-53 (§5.2). */
export const IC_MASK_WORDS = 70;
/** IRQs the runtime handles (IC_INT_NUM) and those it treats as unavailable (§8.4). */
export const IC_INT_NUM = 214;
export const UNAVAILABLE_IRQS: readonly number[] = [108, 191, 195, 197, 203, 204, 211, 212];

export interface VmIrqs {
  /** Hardware IRQs owned by the VM, ascending. */
  owned: number[];
  /** Emulated IRQ to emulator id (IRQ 0 is the timer). */
  emulated: Map<number, number>;
  ownedMask: Uint32Array;
  emulatedMask: Uint32Array;
}

export interface IrqPlan {
  /** Per guest (kind vm) id. */
  vms: Map<number, VmIrqs>;
  /** Owning VM of each IRQ (0 = none): the lowest id that owns it. */
  irq2vm: Uint8Array;
  /** Emulator id called when the real IRQ arrives (0 = none). */
  irq2emulator: Uint8Array;
  /** Emulator id called when a guest writes the IRQ's IFS/IEC word; entry 0 is the timer. */
  icWrite: Uint8Array;
  /** IRQs owned by more than one VM (shared devices). */
  sharedOwned: Set<number>;
}

interface Claim {
  vm: Vm;
  device: Device | null;
  irq: number;
  shared: boolean;
  emulator: number;
  pos: Pos;
}

const fail = (message: string, pos: Pos): never => {
  throw new UserError(message, pos.file, pos.line);
};

/** Sets IRQ bit `irq` (and its IPC byte) in a 70-word mask. */
export function maskSet(mask: Uint32Array, irq: number): void {
  const w = irq >>> 5, b = irq & 31;
  mask[w] = (mask[w]! | (1 << b)) >>> 0;
  mask[8 + w] = (mask[8 + w]! | (1 << b)) >>> 0;
  const ipc = 16 + (irq >>> 2);
  mask[ipc] = (mask[ipc]! | (0x1f << (8 * (irq & 3)))) >>> 0;
}

/** IRQs present in a 70-word mask (from its IFS words). */
export function maskIrqs(mask: Uint32Array): number[] {
  const out: number[] = [];
  for (let irq = 0; irq < IRQ_SLOTS; irq++) if ((mask[irq >>> 5]! >>> (irq & 31)) & 1) out.push(irq);
  return out;
}

export function buildIrqs(m: SystemModel, diag: Diagnostics): IrqPlan {
  const claims: Claim[] = [];
  for (const vm of m.vms) {
    if (vm.kind !== 'vm') continue;
    if (vm.vmIrqs) for (const irq of vm.vmIrqs.irqs) claims.push({ vm, device: null, irq, shared: false, emulator: 0, pos: vm.vmIrqs.pos });
    for (const d of vm.devices) {
      const pos = d.ast.irqs?.pos ?? d.ast.pos;
      if (d.irqs.length && d.emulator && !d.emulator.irqs) fail(`emulator '${d.emulator.name}' does not handle IRQs; device '${d.name}' lists some`, pos);
      for (const irq of d.irqs) claims.push({ vm, device: d, irq, shared: d.shared, emulator: d.emulator?.id ?? 0, pos });
    }
  }
  for (const c of claims) checkNumber(c);
  checkConflicts(claims);

  const plan: IrqPlan = {
    vms: new Map(),
    irq2vm: new Uint8Array(IRQ_SLOTS),
    irq2emulator: new Uint8Array(IRQ_SLOTS),
    icWrite: new Uint8Array(IRQ_SLOTS),
    sharedOwned: new Set(),
  };
  plan.icWrite[0] = EMU_TIMER;
  for (const vm of m.vms) {
    if (vm.kind !== 'vm') continue;
    const v: VmIrqs = { owned: [], emulated: new Map([[0, EMU_TIMER]]), ownedMask: new Uint32Array(IC_MASK_WORDS), emulatedMask: new Uint32Array(IC_MASK_WORDS) };
    for (const c of claims.filter((x) => x.vm === vm)) {
      if (c.emulator) v.emulated.set(c.irq, c.emulator);
      else if (!v.owned.includes(c.irq)) v.owned.push(c.irq);
    }
    v.owned.sort((a, b) => a - b);
    for (const irq of v.owned) maskSet(v.ownedMask, irq);
    for (const irq of v.emulated.keys()) maskSet(v.emulatedMask, irq);
    plan.vms.set(vm.id, v);
  }
  // Lowest id first, like the original's iteration order (§5.2 items 7-9).
  for (const [id, v] of [...plan.vms].sort((a, b) => a[0] - b[0])) {
    for (const irq of v.owned) {
      if (plan.irq2vm[irq]) {
        plan.sharedOwned.add(irq);
        diag.once(`shared-irq-${irq}`, `IRQ ${irq} is owned by shared devices in VM ${plan.irq2vm[irq]} and VM ${id}; it is routed to VM ${plan.irq2vm[irq]} only`);
      } else plan.irq2vm[irq] = id;
    }
    for (const [irq, emu] of v.emulated) {
      if (irq === 0) continue;
      if (!plan.irq2emulator[irq]) plan.irq2emulator[irq] = emu;
      if (!plan.icWrite[irq]) plan.icWrite[irq] = emu;
    }
  }
  return plan;
}

function checkNumber(c: Claim): void {
  if (c.irq === 0) fail(`IRQ 0 is the core timer; the hypervisor always emulates it`, c.pos);
  if (c.irq >= IC_INT_NUM || UNAVAILABLE_IRQS.includes(c.irq)) {
    fail(`IRQ ${c.irq} does not exist on the PIC32MZ-EF (IRQs 1..${IC_INT_NUM - 1}, except ${UNAVAILABLE_IRQS.join(', ')})`, c.pos);
  }
}

function claimText(c: Claim): string {
  return `VM ${c.vm.id} (${c.device ? `device '${c.device.name}'` : "'irq ='"}, ${at(c.pos)})`;
}

function checkConflicts(claims: Claim[]): void {
  const byIrq = new Map<number, Claim[]>();
  for (const c of claims) {
    const list = byIrq.get(c.irq) ?? [];
    list.push(c);
    byIrq.set(c.irq, list);
  }
  for (const [irq, list] of byIrq) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!, b = list[j]!;
        if (a.vm === b.vm) continue;
        if (!a.shared && !b.shared) fail(`IRQ ${irq} is claimed by ${claimText(a)} and ${claimText(b)}, and neither device has 'share'`, b.pos);
        if (a.emulator && b.emulator && a.emulator !== b.emulator) fail(`IRQ ${irq} is emulated by different emulators in ${claimText(a)} and ${claimText(b)}`, b.pos);
      }
    }
  }
}

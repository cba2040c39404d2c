/**
 * Root TLB faults and access emulation (tinyvp-runtime.md §9.2-§9.3). A fault with no matching
 * TLB entry is a refill; a fault on an entry that is there (invalid page, write-ignore page,
 * read-only page) or a refill that loaded a trapping page goes to emulation: the faulting load
 * or store is decoded from BadInstr, performed for the guest with readPhys/writePhys or by the
 * page's device emulator, its result written with WRPGPR and EPC advanced past it (the branch
 * re-evaluated from BadInstrP in a delay slot).
 *
 * Fixes of §13 item 14: a store to a page without 'w' and an access to an empty half or slot
 * are bad addresses (the original emulated them against physical 0 or panicked in root); the
 * word bitmask applies to emulated devices too (item 28).
 */
import { F_IL, F_R, F_W, ELO_V, ELO_WI } from '../config/flags.ts';
import { EXC } from '../mips/cp0.ts';
import { BRANCH_FAIL, branchError, nextPc } from './branch.ts';
import { panicThread } from './diagnostics.ts';
import { x, x8 } from './format.ts';
import type { Hypervisor } from './hypervisor.ts';
import { refill, tlbMiss } from './refill.ts';
import type { Thread } from './thread.ts';
import type { AccessSize } from './emulators/emulator.ts';

export const BAD_ADDRESS = 'TLB exception - bad address\n';

/** Decoded load/store: size | STORE | SIGNED | rt << 8, or -1 for anything else. */
export const ACC_STORE = 0x10;
export const ACC_SIGNED = 0x20;

export function decodeAccess(w: number): number {
  const rt = (w >>> 16) & 31;
  switch (w >>> 26) {
    case 0x20: return 1 | ACC_SIGNED | (rt << 8); // LB
    case 0x21: return 2 | ACC_SIGNED | (rt << 8); // LH
    case 0x23: return 4 | (rt << 8); // LW
    case 0x24: return 1 | (rt << 8); // LBU
    case 0x25: return 2 | (rt << 8); // LHU
    case 0x28: return 1 | ACC_STORE | (rt << 8); // SB
    case 0x29: return 2 | ACC_STORE | (rt << 8); // SH
    case 0x2b: return 4 | ACC_STORE | (rt << 8); // SW
    default: return -1; // LWL/LWR/SWL/SWR/LL/SC/FPU loads and stores are not emulated (§13 item 5)
  }
}

/** Sign or zero extension of a loaded value. */
export function extend(v: number, size: number, signed: boolean): number {
  if (size === 4) return v | 0;
  if (size === 2) return signed ? (v << 16) >> 16 : v & 0xffff;
  return signed ? (v << 24) >> 24 : v & 0xff;
}

/** do_TLB: ExcCode 1/2/3 (and 19/20/6/7, which are always bad addresses). */
export function tlbFault(hv: Hypervisor, t: Thread, code: number): void {
  if (code !== EXC.MOD && code !== EXC.TLBL && code !== EXC.TLBS) { badAddress(hv, t); return; }
  const tree = t.info?.tree ?? null;
  if (tree === null) { badAddress(hv, t); return; }
  const addr = t.badVAddr;
  if (code !== EXC.MOD && tlbMiss(hv)) {
    const r = refill(hv, t, tree, addr);
    if (r === 'valid') return; // ERET retries the access
    if (r === 'none') { badAddress(hv, t); return; }
  }
  emulateAccess(hv, t, addr);
}

function badAddress(hv: Hypervisor, t: Thread): void {
  panicThread(hv, t, BAD_ADDRESS);
}

/** Performs the trapped access of thread `t` to `addr`. */
export function emulateAccess(hv: Hypervisor, t: Thread, addr: number): void {
  const cpu = hv.cpu;
  const page = hv.pageCaches[t.tid]!.lookup(addr);
  const op = decodeAccess(t.badInstr);
  if (page === null || op < 0) { badAddress(hv, t); return; }
  const size = (op & 7) as AccessSize;
  const store = (op & ACC_STORE) !== 0;
  const rt = op >>> 8;
  const h = page.half;
  const off = (addr >>> 0) - page.base;
  const rpa = (h.rpa + off) >>> 0;
  let value = 0;
  if (store) value = size === 4 ? cpu.rdpgpr(rt) >>> 0 : cpu.rdpgpr(rt) & (size === 2 ? 0xffff : 0xff);
  let loaded = 0;
  if (h.emulator !== 0) {
    const emu = hv.emulators.get(h.emulator);
    const base = emulatorBase(hv, t, addr, h.emulator);
    if (emu === undefined || base < 0 || !emu.access(hv, t, (addr >>> 0) - base, rpa, size, store, value)) {
      if (!hv.dead && !(t.faulted)) badAddress(hv, t);
      return;
    }
    loaded = hv.emuValue;
  } else if (store && h.attr & ELO_WI) {
    if (h.flags & F_IL) hv.print(`Thread${t.tid}: write ${x(value)} (${size} bytes) to ${x8(rpa)} ignored\n`);
  } else if (h.attr & ELO_V) {
    badAddress(hv, t); // a valid page faulted: a store without 'w', or RI/XI
    return;
  } else if (store) {
    if (!(h.flags & F_W) || !cpu.writePhys(rpa, size, value)) { badAddress(hv, t); return; }
  } else {
    if (!(h.flags & F_R)) { badAddress(hv, t); return; }
    const v = cpu.readPhys(rpa, size);
    if (v === undefined) { badAddress(hv, t); return; }
    loaded = v;
  }
  const next = nextPc(cpu, t.epc, (t.cause >>> 31) !== 0, t.badInstrP);
  if (next === BRANCH_FAIL) { panicThread(hv, t, branchError); return; }
  if (!store && rt !== 0) cpu.wrpgpr(rt, extend(loaded, size, (op & ACC_SIGNED) !== 0));
  t.epc = next;
  hv.counters.emulated++;
  t.emulated++;
}

/** GPA of the emulated device region of emulator `id` that holds `addr`, or -1. */
function emulatorBase(hv: Hypervisor, t: Thread, addr: number, id: number): number {
  const r = hv.emuRegions[t.tid]!;
  const a = addr >>> 0;
  for (let i = 0; i < r.length; i += 3) if (r[i + 2] === id && a >= r[i]! && a < r[i + 1]!) return r[i]!;
  return -1;
}

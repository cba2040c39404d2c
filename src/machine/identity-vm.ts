/**
 * A minimal native root handler that runs one bare-metal program as a VZ guest with an
 * identity GPA→RPA map of 2 × 256 MB pages (GuestID 1). It is the guest-mode half of the
 * benchmark and a harness for VZ tests; it touches the core only through root CP0, TLB and
 * MTGC0 operations, as root firmware would.
 */
import type { Cpu } from '../mips/cpu.ts';
import { C0, EXC, ST_EXL, ST_ERL, ST_BEV, ST_IE, ST_CU1, ST_FR } from '../mips/cp0.ts';
import { GC0_CP0, GC0_CG, GC0_CF, GC0_GM, GC0_GT, GC0_AT_SHIFT, GEXC } from '../mips/vz.ts';

const WAIT_MASK = 0xfe00003f | 0;
const WAIT_MATCH = 0x42000020;
/** PageMask for 256 MB pages. */
const PM_256M = 0x1fffe000;

export interface IdentityVmStats {
  exits: Record<string, number>;
  unexpected: string | null;
}

/** Boots `entry` as guest 1 and installs the handler; returns live exit counters. */
export function startIdentityGuest(cpu: Cpu, entry: number): IdentityVmStats {
  const stats: IdentityVmStats = { exits: {}, unexpected: null };
  const gid = 1;
  // Root TLB: GPA 0..512 MB → RPA 0..512 MB, written with RID = 1 (forced global).
  cpu.mtc0(C0.GUESTCTL1, gid | (gid << 16));
  cpu.mtc0(C0.PAGEMASK, PM_256M);
  cpu.mtc0(C0.ENTRYHI, 0);
  cpu.mtc0(C0.ENTRYLO0, (0 << 6) | (3 << 3) | 0x6); // PFN 0, cacheable, D, V
  cpu.mtc0(C0.ENTRYLO1, ((0x10000000 >>> 12) << 6) | (3 << 3) | 0x6);
  cpu.mtc0(C0.INDEX, 0);
  cpu.tlbwi();
  cpu.mtc0(C0.GUESTCTL1, gid); // RID back to root
  // The guest owns its CP0, TLB and timer; FPU enabled at root so guest CU1 decides.
  cpu.mtc0(C0.GUESTCTL0, GC0_GM | GC0_CP0 | (3 << GC0_AT_SHIFT) | GC0_GT | GC0_CG | GC0_CF);
  const st = cpu.mfc0(C0.STATUS);
  cpu.mtc0(C0.STATUS, ((st & ~(ST_ERL | ST_BEV | ST_IE)) | ST_EXL | (cpu.hasFpu ? ST_CU1 | ST_FR : 0)) >>> 0);
  cpu.mtc0(C0.EPC, entry);
  cpu.rootHandler = (c, code) => handle(c, code, stats);
  cpu.eret();
  return stats;
}

function handle(cpu: Cpu, code: number, stats: IdentityVmStats): boolean {
  const gexc = (cpu.mfc0(C0.GUESTCTL0) >>> 2) & 0x1f;
  const key = code === EXC.GE ? `GE.${gexc}` : `exc.${code}`;
  stats.exits[key] = (stats.exits[key] ?? 0) + 1;
  const bad = cpu.mfc0(C0.BADINSTR);
  if (code === EXC.GE && gexc === GEXC.GSFC && (bad & 0xffe007f8) === 0x40800000) {
    // A guest MTC0 that changes a root-sensitive field (Status.FR, CU1 ...): complete it.
    const rt = (bad >>> 16) & 31, rd = (bad >>> 11) & 31, sel = bad & 7;
    cpu.mtgc0(rd, sel, cpu.rdpgpr(rt));
    cpu.mtc0(C0.EPC, (cpu.mfc0(C0.EPC) + 4) | 0);
    cpu.eret();
    return true;
  }
  if (code === EXC.GE && gexc === GEXC.GPSI && (bad & WAIT_MASK) === WAIT_MATCH) {
    // Emulate the guest's WAIT: sleep in root, then resume the guest after it.
    cpu.mtc0(C0.EPC, (cpu.mfc0(C0.EPC) + 4) | 0);
    cpu.eret();
    cpu.waiting = true;
    return true;
  }
  stats.unexpected = `${key} at EPC 0x${(cpu.mfc0(C0.EPC) >>> 0).toString(16)} BadInstr 0x${(bad >>> 0).toString(16)}`;
  cpu.halt();
  return true;
}

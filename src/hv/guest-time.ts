/**
 * Guest Count/Compare virtualization (tinyvp-runtime.md §5.1 Count/Compare, §5.3, §6.3, §6.4).
 * Guest Count is the hardware's: root Count + GTOffset. The PIC32MZ does not turn a guest
 * Compare match into an interrupt, so each VM's Compare is a record in the root timer list at
 * the root count where the guest count reaches it; when it expires the hypervisor sets guest
 * Cause.TI and the virtual IFS0 bit 0 and injects IRQ 0. Guest time is kept as 64-bit counts:
 * guest count = root count + gtoff64, Compare deadlines `lcompare` are extended from the last
 * count the guest read. A guest whose timer was delivered more than 2^31 counts late reads
 * Counts that advance by at most 2^31 per timer interrupt ("chronic" catch-up, §6.4).
 *
 * Fixes and decisions: MTC0 Count re-arms the timer at the guest's Compare (§13 item 16; the
 * original armed it at "now"); the late check runs only while a Compare deadline is armed
 * (LATE_CHECK_ONLY_WHEN_ARMED), so a guest that reads Count without using Compare is never
 * handed a timer interrupt or an artificial Count.
 */
import { C0, CA_TI } from '../mips/cp0.ts';
import { x8 } from './format.ts';
import type { Hypervisor } from './hypervisor.ts';
import { cancelInject, enforceIrq, insertIrq } from './inject.ts';
import { TimeKeeper, TWO32 } from './time.ts';
import { TF_CHRONIC, TF_TIMETRACE, VIC_IFS, VIC_IEC, VIC_IPC, type Thread } from './thread.ts';

export const LATE_CHECK_ONLY_WHEN_ARMED = true;
const MAX_LATE = 0x7fffffff;

/** Guest 64-bit count of `t` now. */
function guestNow(hv: Hypervisor, t: Thread): number {
  return hv.time.update() + t.gtoff64;
}

/**
 * §6.4: is guest time `g` already past? Sets CHRONIC when it is more than 2^31 counts past.
 */
function late(hv: Hypervisor, t: Thread, g: number): boolean {
  const d = guestNow(hv, t) - g;
  if (d <= 0) return false;
  if (d > MAX_LATE) {
    t.lcount2read = t.lastUsedLcount + MAX_LATE;
    t.flags |= TF_CHRONIC;
    t.timeLateCounter++;
  }
  return true;
}

/** Arms (or delivers now, if late) the guest timer of `t` at guest time `lcompare`. */
function armGuestTimer(hv: Hypervisor, t: Thread): void {
  const rec = hv.guestTimers[t.tid]!;
  if (late(hv, t, t.lcompare)) {
    hv.time.remove(rec);
    executeTimerIrq(hv, t);
    return;
  }
  t.timerArmed = true;
  hv.time.insert(rec, t.lcompare - t.gtoff64);
}

/** MFC0 Count. */
export function mfc0Count(hv: Hypervisor, t: Thread): number {
  let v: number;
  if (t.flags & TF_CHRONIC) {
    t.flags &= ~TF_CHRONIC;
    v = t.lcount2read;
  } else {
    // The hardware guest Count is the low half of this (GTOffset = low half of gtoff64).
    v = guestNow(hv, t);
  }
  t.lastUsedLcount = v;
  if (hv.tracing(t, TF_TIMETRACE)) hv.print(`MFC0 COUNT: ${x8(v % TWO32)}\n`);
  if ((!LATE_CHECK_ONLY_WHEN_ARMED || t.timerArmed) && late(hv, t, t.lcompare)) {
    hv.time.remove(hv.guestTimers[t.tid]!);
    executeTimerIrq(hv, t);
  }
  return v % TWO32 | 0;
}

/** MTC0 Count v: GTOffset ← v − root Count; the timer re-arms at the guest's Compare. */
export function mtc0Count(hv: Hypervisor, t: Thread, v: number): void {
  const cpu = hv.cpu;
  const rootL = hv.time.update();
  const gtoff = (v - cpu.mfc0(C0.COUNT)) | 0;
  hv.setGtOffset(t, gtoff);
  t.lastUsedLcount = TimeKeeper.extend(rootL, v);
  t.gtoff64 = t.lastUsedLcount - rootL;
  t.flags &= ~TF_CHRONIC;
  if (hv.tracing(t, TF_TIMETRACE)) hv.print(`MTC0 COUNT: ${x8(v)}, GTOffset: ${x8(gtoff)}\nMTC0 COUNT: gcount=${hex64(t.lastUsedLcount)} diff=${hex64(t.gtoff64)}x\n`);
  if (t.timerArmed) {
    t.lcompare = TimeKeeper.extend(t.lastUsedLcount, hv.guestCompare(t));
    armGuestTimer(hv, t);
  }
}

/** MTC0 Compare v: acknowledges the timer and arms the next deadline. */
export function mtc0Compare(hv: Hypervisor, t: Thread, v: number): void {
  hv.setGuestCause(t, hv.guestCause(t) & ~CA_TI);
  t.vic[VIC_IFS] = t.vic[VIC_IFS]! & ~1;
  if (t.injectedIrq === 0) cancelInject(hv, t);
  hv.setGuestCompare(t, v);
  t.lcompare = TimeKeeper.extend(t.lastUsedLcount, v);
  t.flags &= ~TF_CHRONIC;
  if (hv.tracing(t, TF_TIMETRACE)) {
    const diff = t.lcompare - guestNow(hv, t);
    const tag = diff <= 0 ? 'MTC0 COMPARE' : 'MTC0 COMPARE2';
    hv.print(`${tag}: ${x8(v)}\n${tag}: gcount=${hex64(t.lastUsedLcount)} diff=${hex64(diff)}\n`);
  }
  armGuestTimer(hv, t);
}

/** `%llx` of a 64-bit count (two's complement for negative values). */
function hex64(v: number): string {
  const n = v < 0 ? 2 ** 64 + v : v;
  return BigInt(Math.round(n)).toString(16);
}

/** GHFC accepted IRQ 0: the next natural match is 2^32 counts on. */
export function timerAccepted(hv: Hypervisor, t: Thread): void {
  t.lastUsedLcount = t.lcompare;
  t.lcompare += TWO32;
  t.flags &= ~TF_CHRONIC;
  armGuestTimer(hv, t);
}

/** `execute_timer_IRQ`: the guest timer of `t` expired. */
export function executeTimerIrq(hv: Hypervisor, t: Thread): void {
  if (t.kind !== 'vm') {
    hv.print(`execute_timer_IRQ: tries a non-guest thread ${t.tid}\n`);
    return;
  }
  t.timerArmed = false;
  t.vic[VIC_IFS] = t.vic[VIC_IFS]! | 1;
  hv.setGuestCause(t, hv.guestCause(t) | CA_TI);
  t.waitingIrqs++;
  enforceIrq(hv, t, 0);
}

/** The ic-write hook of IRQ 0 (a guest wrote IFS0/IEC0). */
export function timerIcWrite(hv: Hypervisor, t: Thread): void {
  if (!hv.guestTimerFlag(t) || !(t.vic[VIC_IEC]! & 1)) return;
  t.vic[VIC_IFS] = t.vic[VIC_IFS]! | 1;
  insertIrq(hv, t, 0, virtualPriority(t, 0));
}

/** Priority (0..7) of IRQ `irq` in the virtual IPC of `t`. */
export function virtualPriority(t: Thread, irq: number): number {
  return (t.vic[VIC_IPC + (irq >>> 2)]! >>> (8 * (irq & 3) + 2)) & 7;
}

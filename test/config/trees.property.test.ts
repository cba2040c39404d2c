/**
 * Property test: random valid configurations are built, the table is decoded and every VM's
 * tree is walked with the hypervisor's walker (src/config/walk.ts). Every configured region
 * must map word for word to its RPA with its permissions, emulator and bitmask, direct pages
 * must reach the hardware TLB, and no address outside the regions may map.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../src/image/test-helpers.ts';
import { attrOf, F_D, F_E, F_S, F_X, flagsText, traps } from '../../src/config/flags.ts';
import type { Region } from '../../src/config/model.ts';
import { decodeSystemTable, type PageTree } from '../../src/config/systable.ts';
import { leafEntryLo, lookupGpa, readLeaf, walkTree } from '../../src/config/walk.ts';
import { build } from './helpers.ts';

type Rng = ReturnType<typeof rng>;
const pick = <T>(r: Rng, a: readonly T[]): T => a[r.int(a.length)]!;
const hx = (n: number): string => '0x' + n.toString(16);

const SMALL_FLAGS = ['rw', 'r', 'ri', 'rI', 'rwu', 'rwn', 'rwt', 'rwa', 'rws'];
const BIG_FLAGS = ['rw', 'r', 'ri', 'rwu', 'rwe', 'rI', 'rws'];
const SIZES_SMALL = [0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x300, 0x400, 0x800, 0xc00, 0xff0];
const SIZES_BIG = [0x1000, 0x2000, 0x3000, 0x5000, 0x8000, 0x10000, 0x18000, 0x40000, 0x100000, 0x400000];

interface Gen {
  text: string;
}

/** Non-overlapping GPA ranges inside [lo, hi), starts aligned to `align`. */
class Space {
  private used: [number, number][] = [];
  constructor(private readonly r: Rng, private readonly lo: number, private readonly hi: number) {}

  reserve(at: number, size: number): void {
    this.used.push([at, at + size]);
  }

  take(size: number, align: number): number | null {
    for (let tries = 0; tries < 40; tries++) {
      const slots = Math.floor((this.hi - this.lo - size) / align);
      if (slots <= 0) return null;
      const at = this.lo + this.r.int(slots) * align;
      if (this.used.every(([a, b]) => at + size <= a || at >= b)) {
        this.used.push([at, at + size]);
        return at;
      }
    }
    return null;
  }
}

function genConfig(r: Rng): Gen {
  const nvm = 1 + r.int(3);
  let text = '';
  for (let id = 1; id <= nvm; id++) {
    // Each VM gets its own physical window, so writable regions never overlap between VMs.
    let rpa = 0x40000000 + id * 0x10000000;
    const rpaFor = (size: number, gpa: number, big: boolean): number => {
      const align = big ? pick(r, [0x1000, 0x10000, 0x100000]) : 0x1000;
      rpa = Math.ceil(rpa / align) * align;
      const at = rpa + (big ? 0 : gpa % 0x1000);
      rpa += Math.ceil((size + 0x1000) / 0x1000) * 0x1000;
      return at;
    };
    const gpaSpace = new Space(r, 0x10000000, 0x10000000 + (r.next() < 0.5 ? 0x40000 : 0x2000000));
    const codeSpace = new Space(r, 0x1fc00000, 0x1fc40000);
    const lines: string[] = [` id = ${id}`, ` entry = 0x9fc00000`, ' .mmap', `  code = 0x1fc00000 0x1000 rx ${hx(0x1d100000 + id * 0x10000)}`];
    codeSpace.reserve(0x1fc00000, 0x1000);
    for (let k = r.int(3); k > 0; k--) {
      const size = pick(r, [0x1000, 0x2000, 0x4000, 0x10000]);
      const g = codeSpace.take(size, 0x1000);
      if (g !== null) lines.push(`  code = ${hx(g)} ${hx(size)} ${pick(r, ['rx', 'x', 'rxs', 'rwx'])} ${hx(rpaFor(size, g, true))}`);
    }
    for (let k = r.int(4); k > 0; k--) {
      const big = r.next() < 0.6;
      const size = big ? pick(r, SIZES_BIG) : pick(r, SIZES_SMALL);
      const g = gpaSpace.take(size, big ? pick(r, [0x1000, 0x4000, 0x10000]) : 0x10);
      if (g === null) continue;
      const key = pick(r, ['data', 'rodata']);
      lines.push(`  ${key} = ${hx(g)} ${hx(size)} ${pick(r, big ? BIG_FLAGS : SMALL_FLAGS)} ${hx(rpaFor(size, g, big))}`);
    }
    if (r.next() < 0.5) lines.push(`  ram = ${hx(0x80000000 + 0x20000000 * 0)} ${hx(pick(r, [0x800, 0x1000, 0x4000, 0x10000]))} rw ${pick(r, ['0x1000', '0x4000', '0x10000'])}`);
    lines.push(' .');
    for (let d = r.int(3); d > 0; d--) {
      const emu = r.next() < 0.3 ? pick(r, ['console', 'ic_emulator']) : null;
      const blocks: string[] = [];
      for (let b = 1 + r.int(3); b > 0; b--) {
        const big = r.next() < 0.25;
        const size = big ? 0x1000 : pick(r, SIZES_SMALL);
        const g = gpaSpace.take(size, big ? 0x1000 : 0x10);
        if (g === null) continue;
        blocks.push(`   ${hx(g)} ${hx(size)} ${emu ? 'erw' : pick(r, big ? BIG_FLAGS.filter((f) => !f.includes('e')) : SMALL_FLAGS)} ${hx(rpaFor(size, g, big))}`);
      }
      if (!blocks.length) continue;
      lines.push(' .device', `  name = dev${id}_${d}`, ...(emu ? [`  emulator = ${emu}`] : []), '  regs =', ...blocks, '  .', ' .');
    }
    text += `.vm\n${lines.join('\n')}\n.\n`;
  }
  return { text };
}

/** Permission-relevant letters: everything but s, d and the automatic e. */
const PERM = ~(F_S | F_D | F_E);

/** Throws with `what` when `ok` is false (cheaper than expect() in hot loops). */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

function checkRegion(tree: PageTree, r: Region, rand: Rng, softOk: boolean): void {
  const offsets = new Set<number>([0, r.size - 4]);
  if (r.size <= 0x400) for (let o = 0; o < r.size; o += 4) offsets.add(o);
  for (let k = 0; k < 40; k++) offsets.add(rand.int(r.size / 4) * 4);
  const step = Math.max(0x1000, Math.floor(r.size / 0x1000 / 32) * 0x1000);
  for (let p = 0x1000 - (r.gpa % 0x1000); p < r.size; p += step) offsets.add(p);
  for (const off of offsets) {
    const a = r.gpa + off;
    const m = lookupGpa(tree, a);
    const where = `${flagsText(r.flags)} region ${hx(r.gpa)}/${hx(r.size)} at ${hx(a)}`;
    if (!m) throw new Error(`${where}: not mapped`);
    checkRefill(tree, a, [r]);
    check(m.rpa === (r.rpa + off) >>> 0, `${where}: RPA ${hx(m.rpa)}`);
    check((m.page.flags & PERM) === (r.flags & PERM), `${where}: flags ${flagsText(m.page.flags)}`);
    check(m.page.emulator === (r.device?.emulator?.id ?? 0), `${where}: emulator ${m.page.emulator}`);
    check(m.page.attr === attrOf(m.page.flags), `${where}: attr ${hx(m.page.attr)}`);
    check(m.pageBase % m.pageSize === 0, `${where}: page ${hx(m.pageBase)} not aligned to ${hx(m.pageSize)}`);
    // A page that does not trap is a hardware page: whole, aligned, loaded by the refill.
    const pageInRegion = m.pageBase >= r.gpa && m.pageBase + m.pageSize <= r.gpa + r.size;
    if (r.flags & F_X || (!traps(r.flags) && pageInRegion && m.pageSize >= 0x1000 && !softOk)) {
      check((m.page.flags & F_E) === 0 && !m.software && m.page.bitmask === null, `${where}: direct page is emulated`);
      check(walkTree(tree, a)?.kind === 'leaf', `${where}: refill finds no hardware leaf`);
      check((leafEntryLo(m.leaf, m.half) & 0x3fffffc0) >>> 6 === (m.rpa - (a - m.pageBase)) >>> 12, `${where}: EntryLo PFN`);
    }
  }
}

function checkNothingElse(tree: PageTree, regions: Region[], rand: Rng): void {
  const inside = (a: number): boolean => regions.some((r) => a >= r.gpa && a < r.gpa + r.size);
  const probes: number[] = [];
  for (const r of regions) probes.push(r.gpa - 4, r.gpa + r.size, r.gpa + r.size + 12, r.gpa - 0x1000);
  for (let k = 0; k < 300; k++) probes.push(0x10000000 + rand.int(0x2000000 / 4) * 4, rand.int(2 ** 30) * 4);
  for (const a of probes) {
    if (a < 0 || a >= 2 ** 32) continue;
    checkRefill(tree, a, regions);
    if (inside(a)) continue;
    check(lookupGpa(tree, a) === null, `nothing is configured at ${hx(a)}, but it maps`);
  }
}

/** What the refill finds for `a` must be about `a`: its own pair, or a block with regions. */
function checkRefill(tree: PageTree, a: number, regions: Region[]): void {
  const w = walkTree(tree, a);
  if (!w) return;
  if (w.kind === 'leaf') {
    const l = readLeaf(tree, w.target);
    check(l.base <= a && a < l.base + 2 * l.pageSize, `refill at ${hx(a)} found the pair at ${hx(l.base)}`);
  } else {
    check(regions.some((r) => r.gpa < w.blockBase + w.blockSize && w.blockBase < r.gpa + r.size), `refill at ${hx(a)} found an empty software block`);
  }
}

describe('random configurations walk exactly as configured', () => {
  it('200 configurations', () => {
    const r = rng(20240607);
    let regionsChecked = 0;
    for (let n = 0; n < 200; n++) {
      const g = genConfig(r);
      const built = build(g.text);
      const t = decodeSystemTable(built.table);
      const fallback = built.warnings.some((w) => /emulated in software/.test(w.message));
      for (const vm of built.model.vms) {
        const info = t.vms.find((v) => v.id === vm.id)!;
        const regions = vm.regions.filter((x) => x.size > 0);
        if (!regions.length) continue;
        for (const reg of regions) checkRegion(info.tree!, reg, r, fallback);
        checkNothingElse(info.tree!, regions, r);
        regionsChecked += regions.length;
      }
    }
    expect(regionsChecked).toBeGreaterThan(1000);
  });
});

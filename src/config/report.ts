/**
 * Human-readable reports of a decoded system table: `tinyvp build --report` and `tinyvp inspect`
 * print the same text, because both format what the hypervisor will read (the build decodes
 * the table it just encoded). Per VM: memory map (GVA, GPA, RPA, size, flags, page sizes), TLB
 * pairs, devices, IRQs owned and emulated, DMA zone; then IRQ routing and set-up writes;
 * `inspect` adds the page-table trees.
 */
import { SETUP_USER, setupName } from './dma.ts';
import { emulatorName } from './emulators.ts';
import { flagsText } from './flags.ts';
import { maskIrqs } from './irq.ts';
import { hex, hex8, kseg0, sizeText } from './numbers.ts';
import { NODE_EMPTY, NODE_LEAF, NODE_NODE, NODE_SOFT, REC, type PageTree, type SystemTable, type VmInfo } from './systable.ts';
import { ROOT_SLOTS } from './trees.ts';
import { readLeaf, type Leaf, type LeafHalf } from './walk.ts';

export interface ReportOptions {
  trees?: boolean;
}

const pad = (s: string, n: number): string => s.padEnd(n);

/** Compact IRQ list: 112-114 170. */
export function irqRanges(irqs: number[]): string {
  const s = [...irqs].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j;
  }
  return out.join(' ');
}

function pages(min: number, max: number): string {
  if (!min) return '-';
  return min === max ? sizeText(min) : `${sizeText(min)}-${sizeText(max)}`;
}

function vmTitle(vm: VmInfo): string {
  if (vm.kind === 'root') return `VM 0 (root: holds the ERET page for the LL-bit excursion)`;
  const parts = vm.kind === 'vm' ? [`vm, GuestID ${vm.gid}, shadow set ${vm.srs}`] : [`thread, ${vm.user ? 'user' : 'kernel'} mode, shadow set ${vm.srs}`];
  if (vm.polling) parts.push('irqpolling');
  parts.push(vm.entrySymbol ? `entry ${vm.entrySymbol} (hypervisor symbol)` : `entry ${hex8(vm.entry)}`);
  parts.push(`options ${hex8(vm.options)}`);
  return `${vm.kind === 'vm' ? 'VM' : 'thread'} ${vm.id} (${parts.join(', ')})`;
}

function vmSection(t: SystemTable, vm: VmInfo): string[] {
  const L: string[] = [vmTitle(vm)];
  if (vm.guestFile) L.push(`  guest: ${vm.guestFile}${vm.image ? `, flash ${hex8(vm.image.addr)}..${hex8(vm.image.addr + vm.image.size)} (${vm.image.size} bytes)` : ''}`);
  if (vm.stack) L.push(`  stack: ${hex(vm.stack.size)} bytes${vm.stack.addr === null ? ' provided by the hypervisor' : ` at ${hex8(vm.stack.addr)}, initial sp ${hex8(vm.stack.init)}`}`);
  L.push('  memory map:');
  L.push(`    ${pad('kind', 7)}${pad('GVA', 12)}${pad('GPA', 12)}${pad('RPA', 12)}${pad('size', 11)}${pad('flags', 8)}${pad('pages', 9)}device`);
  for (const r of vm.regions) {
    const dev = r.device >= 0 ? t.devices[r.device]!.name : '';
    L.push(`    ${pad(r.kind, 7)}${pad(hex8(r.gva), 12)}${pad(hex8(r.gpa), 12)}${pad(hex8(r.rpa), 12)}${pad(hex(r.size), 11)}${pad(flagsText(r.flags), 8)}${pad(pages(r.minPage, r.maxPage), 9)}${dev}`.trimEnd());
  }
  const hwLeaves = vm.tlbPairs - vm.softEntries;
  const swLeaves = vm.leafCount - hwLeaves;
  const n = (k: number, one: string, many: string): string => `${k} ${k === 1 ? one : many}`;
  L.push(`  TLB pairs: ${vm.tlbPairs} (${n(hwLeaves, 'leaf', 'leaves')}${vm.softEntries ? `, ${n(vm.softEntries, 'transient entry', 'transient entries')} in front of ${n(swLeaves, 'software leaf', 'software leaves')}` : ''})`);
  if (vm.devices.length) {
    L.push('  devices:');
    for (const d of vm.devices) {
      const bits = [d.emulator ? `emulator ${emulatorName(d.emulator)}` : '', d.shared ? 'shared' : '', d.irqs.length ? `IRQ ${irqRanges(d.irqs)}` : '',
        d.dmaSet ? `dma-set ${d.dmaSet}` : '', d.cfgpgPosition !== null ? `cfgpg ${d.cfgpgPosition}` : ''].filter(Boolean);
      L.push(`    ${d.name}${bits.length ? ` (${bits.join(', ')})` : ''}`);
    }
  }
  if (vm.kind === 'vm') {
    const owned = vm.icOwned ? maskIrqs(vm.icOwned) : [];
    const emulated = vm.icEmulated ? maskIrqs(vm.icEmulated) : [];
    L.push(`  IRQs owned: ${owned.length ? irqRanges(owned) : 'none'}`);
    const byEmu = new Map<string, number[]>();
    for (const irq of emulated) {
      const name = emulatorName(irq === 0 ? t.routes[0]!.icWrite : t.routes[irq]!.icWrite || t.routes[irq]!.emulator);
      byEmu.set(name, [...(byEmu.get(name) ?? []), irq]);
    }
    L.push(`  IRQs emulated: ${[...byEmu].map(([n, l]) => `${irqRanges(l)} ${n}`).join(', ') || 'none'}`);
    L.push(`  DMA zone: ${vm.dma ? `${hex8(vm.dma.addr)}..${hex8(vm.dma.addr + vm.dma.size)} (${sizeText(vm.dma.size)}), permission group ${vm.dma.group}` : 'none'}`);
  }
  return L;
}

function routing(t: SystemTable): string[] {
  const L = ['IRQ routing (IRQ: owner, emulator on arrival, hook on guest IFS/IEC write):'];
  t.routes.forEach((r, irq) => {
    if (!r.vm && !r.emulator && !r.icWrite) return;
    L.push(`  ${pad(String(irq), 5)}${pad(r.vm ? `VM ${r.vm}${r.shared ? ' (shared)' : ''}` : '-', 16)}${pad(r.emulator ? emulatorName(r.emulator) : '-', 13)}${r.icWrite ? emulatorName(r.icWrite) : '-'}`);
  });
  return L;
}

function setupSection(t: SystemTable): string[] {
  const L = [`board set-up writes (${t.setup.length}, physical address = value):`];
  for (const w of t.setup) {
    const name = w.kind === SETUP_USER ? `setup VM ${w.vmId}` : setupName(w.addr) || '?';
    L.push(`  ${pad(name, 14)}${hex8(w.addr)} = ${hex8(w.value)}`);
  }
  const d = t.dma;
  L.push(`DMA: CFGPG ${hex8(d.cfgpg)}; groups: ${d.groups.map((g) => `${g.group} = VM ${g.vmId} zone ${hex8(g.addr)}/${sizeText(g.size)}`).join('; ') || 'none'}; peripheral sets: ${[2, 3, 4].map((k) => `${k}:${d.sets[k as 2 | 3 | 4] || '-'}`).join(' ')}`);
  L.push(`PMD: ${t.pmd ? t.pmd.map((x, i) => `PMD${i + 1}=${hex8(x)}`).join(' ') : 'none (the board has no pmd-registers-base)'}`);
  return L;
}

function halfText(h: LeafHalf | null, pageSize: number): string {
  if (!h) return '-';
  const bm = h.bitmask ? ` bitmask ${h.bitmask.reduce((n, w) => n + popcount(w), 0)}/${Math.max(1, pageSize / 4)} words` : '';
  return `${hex8(h.rpa)} ${flagsText(h.flags)} attr ${hex8(h.attr)}${h.emulator ? ` emulator ${emulatorName(h.emulator)}` : ''}${bm}`;
}

function popcount(w: number): number {
  let n = 0;
  for (; w; w >>>= 1) n += w & 1;
  return n;
}

function leafText(l: Leaf): string {
  return `${l.software ? 'sw ' : ''}leaf ${hex8(l.base)} pages ${sizeText(l.pageSize)}: even ${halfText(l.halves[0], l.pageSize)} | odd ${halfText(l.halves[1], l.pageSize)}`;
}

function treeLines(tree: PageTree): string[] {
  const L: string[] = [];
  const w = tree.words;
  // A slotted entry's block starts at its slot base plus the golden bits it checks.
  const entry = (e: number, slotBase: number, label: string, depth: number): void => {
    const i = e >>> 2, w0 = w[i]!, kind = w0 & 15, a = (w0 >>> 8) & 0xff, b = (w0 >>> 16) & 0xff;
    if (kind === NODE_EMPTY) return;
    const base = (slotBase | w[i + 2]!) >>> 0;
    const ind = '  '.repeat(depth + 2);
    const chk = w[i + 1] ? ` [mask ${hex8(w[i + 1]!)} golden ${hex8(w[i + 2]!)}]` : '';
    if (kind === NODE_NODE) {
      L.push(`${ind}${label} node ${hex8(base)} area ${sizeText(2 ** a)}, 4 slots of ${sizeText(2 ** b)}${chk}`);
      for (let k = 0; k < 4; k++) entry(w[i + 3]! + k * REC.NODE, base + k * 2 ** b, `[${k}]`, depth + 1);
    } else if (kind === NODE_LEAF) {
      L.push(`${ind}${label} ${leafText(readLeaf(tree, w[i + 3]!))}${chk}`);
    } else if (kind === NODE_SOFT) {
      L.push(`${ind}${label} transient ${hex8(base)} block ${sizeText(2 ** a)}: software subtree${chk}`);
      entry(w[i + 3]!, base, '->', depth + 1);
    }
  };
  for (let k = 0; k < ROOT_SLOTS; k++) entry(tree.root + k * REC.NODE, k * 0x20000000, `[${k}]`, 0);
  return L;
}

export function formatReport(t: SystemTable, opts: ReportOptions = {}): string {
  const b = t.board;
  const L: string[] = [
    `system table v${t.version}: ${t.length} bytes at ${hex8(kseg0(t.tableAddr))} (config ${b.config}, board ${b.name})`,
    `board: rom ${hex8(b.rom.start)}..${hex8(b.rom.end)}, ram ${hex8(b.ram.start)}..${hex8(b.ram.end)}, vzcode ${hex8(b.vzcode)}, vzentry ${hex8(b.vzentry)}, vzdata ${hex8(b.vzdata)}, stack ${b.vzstacksize}, ERET page GPA ${hex8(b.eretGpa)} -> RPA ${hex8(b.eretRpa)}`,
    '',
  ];
  for (const vm of t.vms) {
    L.push(...vmSection(t, vm));
    if (opts.trees && vm.tree) {
      L.push('  tree:');
      L.push(...treeLines(vm.tree));
    }
    L.push('');
  }
  L.push(...routing(t), '', ...setupSection(t));
  return L.join('\n') + '\n';
}

/**
 * The configuration pipeline stage by stage through `buildSystem`: model semantics (entry
 * precedence, last rom/ram, ERET page, threads), every sanity check, allocation, IRQ and DMA
 * tables, and guest image placement (tinyvp-config-tool.md §1-§7).
 */
import { describe, expect, it } from 'vitest';
import { buildElf } from '../../src/image/test-helpers.ts';
import { F_E, F_R, F_W, F_X, attrOf } from '../../src/config/flags.ts';
import { maskIrqs } from '../../src/config/irq.ts';
import { decodeSystemTable } from '../../src/config/systable.ts';
import { lookupGpa } from '../../src/config/walk.ts';
import { build, buildReference, guestElf, userError } from './helpers.ts';

/** A VM with its code in a fixed flash region, so it needs no ELF. */
const vm = (id: number, body = '', code = 0x1d100000 + id * 0x10000): string =>
  `.vm\n id = ${id}\n entry = 0x9fc00000\n .mmap\n  code = 0x1fc00000 0x1000 rx ${code}\n .\n${body}\n.\n`;
const err = (text: string, opts = {}): string => userError(() => build(text, opts)).format();
const msgs = (r: { warnings: { message: string }[] }): string[] => r.warnings.map((w) => w.message);

describe('model', () => {
  it('the first entry wins; a later one is ignored with a warning (config.file VM2)', () => {
    const r = build('.vm\n id = 2\n elf = g.elf\n entry = 0x9fc00020\n .mmap\n  ram = 0 0x10000 rw 0x1000\n .\n.\n');
    expect(r.model.vms[1]!.entry).toBe(0x9fc00060);
    expect(r.warnings).toContainEqual({ file: 'test.cfg', line: 4, message: "entry = 0x9fc00020 is ignored: the ELF's entry 0x9fc00060 (elf = at line 3) comes first and wins" });
    const before = build('.vm\n id = 2\n entry = 0x9fc00100\n elf = g.elf\n.\n');
    expect(before.model.vms[1]!.entry).toBe(0x9fc00100);
    expect(msgs(before)).toContain('entry = 0x9fc00060 is ignored: entry = 0x9fc00100 at line 3 comes first and wins');
  });

  it('a symbolic entry resolves through the ELF, or stays a hypervisor symbol for threads', () => {
    expect(build('.vm\n id = 1\n entry = main\n elf = g.elf\n.\n').model.vms[1]!.entry).toBe(0x9fc00100);
    const t = build('.thread\n id = 8\n entry = loop\n.\n').model.vms[0]!;
    expect(t).toMatchObject({ kind: 'thread', entrySymbol: 'loop', gid: 0, srs: 0, user: false, stack: { size: 0x1000, addr: null } });
    expect(err('.vm\n id = 1\n entry = nothere\n elf = g.elf\n.\n')).toBe("test.cfg:3: entry symbol 'nothere' is not defined in g.elf");
  });

  it('the last rom and ram win, with warnings; the map comes in at the elf line', () => {
    const r = build('.vm\n id = 1\n elf = g.elf\n .mmap\n  ram = 0 0x8000 rw 0x1000\n  ram = 0 0x10000 rw 0x1000\n .\n.\n');
    const regs = r.model.vms[1]!.regions;
    expect(regs.map((x) => [x.kind, x.gpa, x.size])).toEqual([['rom', 0x1fc00000, 0x1000], ['ram', 0, 0x10000]]);
    expect(msgs(r)).toContain('VM 1 has 3 RAM definitions; the last one is used (dropped: g.elf (program headers):4, test.cfg:5)');
  });

  it('VM0 holds the ERET page when a .vm exists; a thread-only config has none', () => {
    const r = build(vm(1));
    expect(r.model.vms[0]).toMatchObject({ id: 0, kind: 'root' });
    expect(r.model.vms[0]!.regions[0]).toMatchObject({ kind: 'eret', gpa: 0x1ffff000, rpa: 0x1d000000, size: 0x1000 });
    const dm = build(vm(1), { board: 'dm320007' });
    expect(dm.model.vms[0]!.regions[0]!.rpa).toBe(0x1fc00000);
    expect(build('.thread\n id = 1\n entry = loop\n.\n').model.vms.map((v) => v.id)).toEqual([1]);
  });

  it('thread stacks (§3.5): hypervisor, given address, user-mode allocation', () => {
    const r = build('.thread\n id = 1\n entry = loop\n sp = 0x800\n.\n.thread\n id = 2\n entry = loop\n sp = 0x800 0x80010000\n.\n.thread\n id = 3\n entry = 0x400000\n mode = user\n sp = 0x2000\n.\n.thread\n id = 4\n entry = loop\n sp = 0x100 0x80020000 0x80020080\n.\n');
    const [t1, t2, t3, t4] = r.model.vms;
    expect(t1!.stack).toMatchObject({ size: 0x800, addr: null, init: 0 });
    expect(t2!.stack).toMatchObject({ addr: 0x80010000, init: 0x80010800 });
    expect(t3!.stack).toMatchObject({ addr: 0x7fff0000, init: 0x7fff2000 });
    expect(t3!.regions[0]).toMatchObject({ kind: 'stack', gpa: 0x7fff0000, size: 0x2000, rpa: 0 });
    expect(t4!.stack).toMatchObject({ init: 0x80020080 });
    const t = decodeSystemTable(r.table).vms.find((v) => v.id === 3)!;
    expect(t.options).toBe(0x10);
    expect(lookupGpa(t.tree!, 0x7fff1ffc)!.rpa).toBe(0x1ffc);
  });

  it('GuestIDs, shadow sets and options words (§5.3)', () => {
    const r = build(vm(1, ' irqpolling = 1') + vm(2) + '.thread\n id = 8\n entry = loop\n srs = 3\n.\n');
    const t = decodeSystemTable(r.table);
    expect(t.vms.map((v) => [v.id, v.gid, v.srs, v.options])).toEqual([[0, 0, 0, 0], [1, 1, 1, 0x01010001], [2, 2, 2, 0x02020000], [8, 0, 3, 0x03000000]]);
    const g = build(vm(1, ' gid = 5\n srs = 5'));
    expect(g.model.vms[1]).toMatchObject({ gid: 5, srs: 5 });
    expect(msgs(g)).toEqual(expect.arrayContaining(['srs = 5 is honoured (the original tool forced a VM\'s shadow set to its id)']));
  });
});

describe('sanity checks', () => {
  it.each([
    ['duplicate id', vm(1) + vm(1), /^test\.cfg:9: id 1 is used twice \(first by the block at line 1\)$/],
    ['id 0', '.vm\n id = 0\n.\n', /^test\.cfg:2: id 0 is the hypervisor's own thread/],
    ['missing id', '.vm\n entry = 1\n.\n', /^test\.cfg:1: \.vm block has no 'id ='$/],
    ['missing entry', '.vm\n id = 1\n.\n', /^test\.cfg:1: VM 1 has no entry/],
    ['VM id above 7 without gid', vm(9), /^test\.cfg:1: VM id 9 is above 7: give it a 'gid = 1\.\.7'$/],
    ['two VMs, one GuestID', vm(1) + vm(9, ' gid = 1'), /^test\.cfg:\d+: GuestID 1 is used by VM 1 and VM 9$/],
    ['more VMs than GuestIDs', [1, 2, 3, 4, 5, 6, 7, 8].map((i) => vm(i, i === 8 ? ' gid = 1' : '')).join(''), /8 VMs are configured, but there are only 7 GuestIDs and shadow sets for guests/],
    ['thread srs of a guest', vm(1) + '.thread\n id = 2\n entry = loop\n srs = 1\n.\n', /shadow set 1 belongs to VM 1; a root thread may not share a guest's set/],
    ['thread with a gid', '.thread\n id = 2\n entry = loop\n gid = 2\n.\n', /a root thread has GuestID 0/],
    ['unknown device', vm(1, ' device = nope'), /^test\.cfg:7: device 'nope' is not in the device library$/],
    ['device twice', vm(1, ' device = ic\n device = ic'), /device 'ic' is already in this VM \(line 7\)/],
    ['unknown emulator', vm(1, ' .device\n  emulator = floppy\n .'), /unknown emulator 'floppy' \(known: console, ic_emulator, interrupt\)/],
    ['e without emulator', vm(1, ' .device\n  regs = 0x1f808000 0x100 erw\n .'), /has no emulator, but its register block 0x1f808000\/0x100 has the 'e' flag/],
    ['small executable', vm(1, ' .mmap\n  data = 0x1000 0x100 rwx\n .'), /an executable region must be at least 4 KB/],
    ['misaligned executable', vm(1, ' .mmap\n  data = 0x1800 0x1000 rwx\n .'), /an executable region must start and end on 4 KB pages/],
    ['unaligned word', vm(1, ' .mmap\n  data = 0x1002 0x10\n .'), /must be multiples of 4/],
    ['RPA offset in page', vm(1, ' .mmap\n  data = 0x0 0x2000 rw 0x100\n .'), /must have the same offset within a 4 KB page/],
    ['overlap in a VM', vm(1, ' .mmap\n  data = 0x0 0x2000\n  rodata = 0x1000 0x1000 r 0x5000\n .'), /overlaps VM 1 data 0x0\/0x2000 rw .* in GPA with different flags/],
    ['writable RPA overlap', vm(1, ' .mmap\n  data = 0x0 0x2000 rw 0x40000\n .') + vm(2, ' .mmap\n  data = 0x0 0x1000 rw 0x41000\n .'),
      /VM 1 data 0x0\/0x2000 rw .* and VM 2 data 0x0\/0x1000 rw .* overlap at RPA 0x41000\.\.0x42000; a writable region may overlap another only if both are shared/],
    ['unshared writable device in two VMs', vm(1, ' device = uart1') + vm(2, ' device = uart1'), /device 'uart1' is used by VM 1 \(test\.cfg:7\) and VM 2, but it has writable registers and no 'share'/],
    ['IRQ claimed twice', vm(1, ' irq = 50') + vm(2, ' .device\n  irq = 50\n .'), /IRQ 50 is claimed by VM 1 \('irq =', test\.cfg:7\) and VM 2 \(device '\(inline device at line 15\)', test\.cfg:16\), and neither device has 'share'/],
    ['IRQ 0', vm(1, ' irq = 0'), /IRQ 0 is the core timer/],
    ['unavailable IRQ', vm(1, ' irq = 108'), /IRQ 108 does not exist on the PIC32MZ-EF/],
    ['emulator without IRQs', vm(1, ' .device\n  irq = 5\n  emulator = ic_emulator\n .'), /emulator 'ic_emulator' does not handle IRQs/],
    ['thread IRQs', '.thread\n id = 2\n entry = loop\n irq = 5\n.\n', /thread 2 claims IRQs; only a \.vm can own interrupts/],
    ['hypervisor data', vm(1, ' .mmap\n  data = 0x0 0x1000 r 0x70000\n .'), /overlaps the hypervisor's data \(vzdata 0x80070000\)/],
    ['hypervisor code', vm(1, ' .mmap\n  data = 0x0 0x1000 rw 0x1d000000\n .'), /overlaps the hypervisor's code/],
    ['system table', vm(1, ' .mmap\n  data = 0x0 0x1000 rw 0x1d1f0000\n .'), /overlaps the system table/],
    ['entry outside code', '.vm\n id = 1\n entry = 0x9fc02000\n .mmap\n  code = 0x1fc00000 0x1000 rx 0x1d100000\n .\n.\n', /entry 0x9fc02000 \(GPA 0x1fc02000\) is not inside an executable region of VM 1/],
    ['GuestID 7 maps the ERET page', vm(7, ' .mmap\n  data = 0x1ffff000 0x1000 rw 0x40000\n .'), /covers the ERET page GPA 0x1ffff000/],
    ['rom alignment', vm(1, ' .mmap\n  rom = 0x1000 0x100 r 0x3000\n .'), /alignment 0x3000 is not a power of two/],
    ['duplicate elf', '.vm\n id = 1\n elf = a.elf\n binary = b.bin\n.\n', /duplicate 'elf'\/'binary': this VM already has a\.elf \(line 3\)/],
    ['duplicate dma', vm(1, ' dma = 0 0x1000\n dma = 0 0x1000'), /'dma =' is given twice in one VM \(first at line 7\)/],
    ['setup misaligned', vm(1, ' setup = 0x1f800002 1'), /setup address 0x1f800002 is not word aligned/],
  ])('%s', (_name, text, re) => expect(err(text)).toMatch(re));

  it('a missing or bad ELF is a clean error', () => {
    expect(err('.vm\n id = 1\n elf = g.elf\n.\n', { guests: { 'g.elf': new Uint8Array([1, 2, 3]) } })).toMatch(/^g\.elf: /);
    const noRegion = buildElf({ entry: 0x9fc00000, segments: [{ vaddr: 0x9fc00000, data: new Uint8Array(16), flags: 4 }] }).bytes;
    expect(err('.vm\n id = 1\n elf = g.elf\n.\n', { guests: { 'g.elf': noRegion } })).toMatch(/entry 0x9fc00000 .* is not inside an executable region/);
  });
});

describe('allocation (§3.2)', () => {
  it('bump pointers in ascending id order with 4 KB rounding (§3.2 example)', () => {
    const r = buildReference('config.file', 'wifire');
    const rr = (id: number) => r.model.vms.find((v) => v.id === id)!.regions.filter((x) => x.auto).map((x) => [x.kind, x.gpa, x.size, x.rpa]);
    expect(rr(1)).toEqual([['rom', 0x1fc00000, 0x1000, 0x1d010000], ['ram', 0, 0x10000, 0]]);
    expect(rr(2)).toEqual([['rom', 0x1fc00000, 0x1000, 0x1d011000], ['ram', 0, 0x10000, 0x10000]]);
  });

  it('ALIGNMENT aligns the start (at least 4 KB); a missing one warns and uses 4 KB', () => {
    const r = build(vm(2, ' .mmap\n  ram = 0 0x1000 rw 0x10000\n .') + vm(1, ' .mmap\n  ram = 0 0x800 rw\n .'));
    const ram = (id: number) => r.model.vms.find((v) => v.id === id)!.regions.find((x) => x.kind === 'ram')!;
    expect(ram(1)).toMatchObject({ rpa: 0, size: 0x1000 });
    expect(ram(2)).toMatchObject({ rpa: 0x10000 });
    expect(msgs(r)).toContain('ram has no ALIGNMENT (4th field); using 0x1000 (the original tool used the address as the alignment)');
  });

  it('a pool may be filled to its exact end, not beyond; the system table is never handed out', () => {
    const board = (end: string) => build(vm(1, ' .mmap\n  ram = 0 0x8000 rw 0x1000\n .'), { boardText: `PLATFORM = pic32mz2048efg100\nrom = 0x1d010000 0x1D200000\nram = 0 ${end}\neret_page = 0x9ffff000\nvzcode = 0x9D000000\nvzentry = 0x9D001000\nvzdata = 0x80070000\nvzstacksize = 0x2000\n` });
    expect(board('0x8000').model.vms[1]!.regions.find((x) => x.kind === 'ram')!.rpa).toBe(0);
    expect(userError(() => board('0x7000')).format()).toMatch(/^test\.cfg:\d+: RAM pool exhausted: VM 1 ram 0x0\/0x8000 rw .* needs 0x8000 bytes at 0x0, past the board's ram end 0x7000$/);
    const big = vm(1, ' .mmap\n  rom = 0x1000 0x1e0000 rx 0x1000\n .');
    expect(err(big)).toMatch(/ROM pool exhausted: .* past the board's rom end 0x1d200000 \(0x1d1f0000\.\. holds the system table\)/);
  });

  it('steps over fixed regions such as a dma zone', () => {
    const r = build(vm(1, ' dma = 0 0x10000') + vm(2, ' .mmap\n  ram = 0 0x10000 rw 0x1000\n .'));
    expect(r.model.vms[2]!.regions.find((x) => x.kind === 'ram')!.rpa).toBe(0x10000);
  });

  it('a zero-size ram moves the pointer by alignment only (config-dma)', () => {
    const r = buildReference('config-dma.file', 'wifire');
    expect(r.model.vms[1]!.regions.find((x) => x.kind === 'ram')).toMatchObject({ size: 0, rpa: 0 });
  });
});

describe('IRQ tables (§5)', () => {
  it('config.file: console IRQs 170-172 emulated, timer in every guest', () => {
    const r = buildReference('config.file', 'wifire');
    const v = r.irq.vms.get(1)!;
    expect(v.owned).toEqual([]);
    expect(v.emulatedMask[5]).toBe(0b1110000000000 >>> 0);
    expect(v.emulatedMask[0]).toBe(1);
    expect(v.emulatedMask[8 + 5]).toBe(0b1110000000000);
    expect(v.emulatedMask[16 + 42]).toBe(0x1f1f0000);
    expect(v.emulatedMask[16 + 43]).toBe(0x1f);
    expect(v.emulatedMask[16]).toBe(0x1f);
    expect(v.ownedMask.every((w) => w === 0)).toBe(true);
    expect([...r.irq.irq2emulator.slice(170, 173)]).toEqual([1, 1, 1]);
    expect(r.irq.icWrite[0]).toBe(4);
    expect(maskIrqs(v.emulatedMask)).toEqual([0, 170, 171, 172]);
  });

  it('owned IRQs route to the lowest id; shared ones warn', () => {
    const r = build(vm(1, ' .device\n  irq = 20 21\n  share = 1\n .') + vm(2, ' .device\n  irq = 21 22\n  share = 1\n .'));
    expect([...r.irq.irq2vm.slice(20, 23)]).toEqual([1, 1, 2]);
    expect(r.irq.sharedOwned.has(21)).toBe(true);
    expect(msgs(r)).toContain('IRQ 21 is owned by shared devices in VM 1 and VM 2; it is routed to VM 1 only');
    expect(maskIrqs(r.irq.vms.get(2)!.ownedMask)).toEqual([21, 22]);
  });
});

describe('DMA, PMD and set-up writes (§6)', () => {
  const value = (r: ReturnType<typeof build>, addr: number) => r.dma.writes.find((w) => w.addr === addr)?.value;

  it('config-dma.file gives the documented values', () => {
    const r = buildReference('config-dma.file', 'wifire');
    expect(value(r, 0x1f8f8860)).toBe(0x38); // SBT2REG1
    expect(value(r, 0x1f8f8870)).toBe(3); // SBT2RD1
    expect(value(r, 0x1f8f8878)).toBe(3); // SBT2WR1
    expect(value(r, 0x1f8f8c60)).toBe(0x40000); // SBT3REG1
    expect(value(r, 0x1f8fa060)).toBe(0x1f860038); // SBT8REG1
    expect(value(r, 0x1f8fa070)).toBe(3);
    expect(value(r, 0x1f8000e0)).toBe(0x10); // CFGPG
    expect(value(r, 0x1f8000a0)).toBe(0xffffffef); // PMD7
    expect(r.dma.groups).toEqual([{ group: 1, vmId: 1, addr: 0, size: 0x10000 }]);
  });

  it('config.file: no DMA, the board PMD values unchanged, 32 writes in table order', () => {
    const r = buildReference('config.file', 'wifire');
    expect(r.dma.writes).toHaveLength(32);
    expect(r.dma.writes[0]).toEqual({ addr: 0x1f8f8840, value: 0x48, kind: 1, vmId: 0 });
    expect(value(r, 0x1f800080)).toBe(0xfffffff7);
    expect(value(r, 0x1f8000e0)).toBe(0);
  });

  it('setup lines come first, per VM; a second setup appends (original bug fixed)', () => {
    const r = build(vm(2, ' setup = 0x1f801000 7') + vm(1, ' setup = 0x1f800010 1\n setup = 0x1f800020 2\n .setup = 0x1f800100\n  3 4\n .'));
    expect(r.dma.writes.slice(0, 5).map((w) => [w.vmId, w.addr, w.value])).toEqual([[1, 0x1f800010, 1], [1, 0x1f800020, 2], [1, 0x1f800100, 3], [1, 0x1f800104, 4], [2, 0x1f801000, 7]]);
  });

  it('a second DMA group uses region 2 and RD/WR 5; the upper bank uses SBT3', () => {
    const dev = (pos: number) => ` .device\n  dma-cfgpg-position = ${pos}\n .`;
    const r = build(vm(1, ` dma = 0 0x10000\n${dev(4)}`) + vm(2, ` dma = 0x40000 0x8000\n${dev(8)}`));
    expect(value(r, 0x1f8f8880)).toBe(0); // SBT2REG2
    expect(value(r, 0x1f8f8c80)).toBe(0x40000 | (6 << 3)); // SBT3REG2
    expect(value(r, 0x1f8f8c90)).toBe(5);
    expect(r.dma.cfgpg).toBe((1 << 4) | (2 << 8));
  });

  it.each([
    ['three DMA groups', [1, 2, 3].map((i) => vm(i, ` dma = ${i * 0x10000} 0x10000\n .device\n  dma-cfgpg-position = 4\n .`)).join(''), /more than 2 VMs have DMA-capable devices/],
    ['zone not a power of two', vm(1, ' dma = 0 0x3000\n .device\n  dma-cfgpg-position = 4\n .'), /dma zone 0x0\/0x3000: the size must be a power of two from 1 KB to 256 KB/],
    ['zone misaligned', vm(1, ' dma = 0x1000 0x2000\n .device\n  dma-cfgpg-position = 4\n .'), /the address must be aligned to the size/],
    ['zone outside RAM', vm(1, ' dma = 0x80000 0x1000\n .device\n  dma-cfgpg-position = 4\n .'), /the zone must be in RAM/],
    ['bad cfgpg position', vm(1, ' .device\n  dma-cfgpg-position = 6\n .'), /dma-cfgpg-position 6 is not a CFGPG module field/],
    ['bad dma-set', vm(1, ' .device\n  dma-set = 5\n .'), /dma-set 5 is not a DMA-protectable peripheral set/],
    ['one set, two VMs', vm(1, ' dma = 0 0x10000\n device = portA') + vm(2, ' dma = 0x10000 0x10000\n device = portB'), /peripheral set 4 \(device 'portB'\) is already DMA-protected for VM 1/],
    ['pmd without a base', vm(1, ' device = uart1'), /device 'uart1' sets pmd5, but the board file has no pmd-registers-base/],
  ])('%s', (name, text, re) => {
    const opts = name === 'pmd without a base' ? { boardText: 'PLATFORM = pic32mz2048efg100\nrom = 0x1d010000 0x1D200000\nram = 0 0x78000\neret_page = 0x9ffff000\nvzcode = 0x9D000000\nvzentry = 0x9D001000\nvzdata = 0x80070000\nvzstacksize = 0x2000\n' } : {};
    expect(err(text, opts)).toMatch(re);
  });

  it('warns about a DMA device without a zone and a zone without a device', () => {
    const r = build(vm(1, ' .device\n  name = dmac\n  dma-cfgpg-position = 4\n .') + vm(2, ' dma = 0x20000 0x10000'));
    expect(msgs(r)).toEqual(expect.arrayContaining([
      "VM 1 has DMA-capable device 'dmac' but no 'dma =' zone; its DMA stays unrestricted (group 0)",
      "'dma =' zone of VM 2 sets up no protection: the VM has no device with dma-cfgpg-position (the zone stays mapped)",
    ]));
  });
});

describe('guest images (§7)', () => {
  it('places text at the allocated flash and the flash copy of .data through its region', () => {
    const text = new Uint8Array(0x1800).fill(0xaa), data = new Uint8Array(0x20).fill(0x55);
    const elf = buildElf({
      entry: 0x9fc00000,
      segments: [
        { vaddr: 0x9fc00000, data: text, flags: 5 },
        { vaddr: 0xa0000000, paddr: 0x9fc01800, data, memSize: 0x100, flags: 6 },
      ],
    }).bytes;
    const r = build('.vm\n id = 1\n elf = g.elf\n.\n', { guests: { 'g.elf': elf } });
    const rom = r.model.vms[1]!.regions.find((x) => x.kind === 'rom')!;
    expect(rom).toMatchObject({ gpa: 0x1fc00000, size: 0x2000, rpa: 0x1d010000 });
    expect(r.images.get(1)!.chunks.map((c) => [c.addr, c.data.length])).toEqual([[0x1d010000, 0x1800], [0x1d011800, 0x20]]);
    expect(r.srec).toMatch(/^S3159D011800(55){16}[0-9A-F]{2}$/m);
    expect(r.srec).toMatch(/^S3159D010000(AA){16}[0-9A-F]{2}$/m);
  });

  it('a segment that starts inside a page gets the whole page (text at 0x9fc00030)', () => {
    const elf = buildElf({ entry: 0x9fc00030, segments: [{ vaddr: 0x9fc00030, data: new Uint8Array(0xff0).fill(9), flags: 5 }] }).bytes;
    const r = build('.vm\n id = 1\n elf = g.elf\n.\n', { guests: { 'g.elf': elf } });
    expect(r.model.vms[1]!.regions.find((x) => x.kind === 'rom')).toMatchObject({ gva: 0x9fc00000, gpa: 0x1fc00000, size: 0x2000, rpa: 0x1d010000 });
    expect(r.images.get(1)!.chunks[0]!.addr).toBe(0x1d010030);
  });

  it('refuses initialised data that would have to be copied into RAM', () => {
    const elf = buildElf({ entry: 0x9fc00000, segments: [{ vaddr: 0x9fc00000, data: new Uint8Array(0x100), flags: 5 }, { vaddr: 0xa0000000, data: new Uint8Array([1, 2, 3, 4]), flags: 6 }] }).bytes;
    expect(err('.vm\n id = 1\n elf = g.elf\n.\n', { guests: { 'g.elf': elf } })).toMatch(/segment loaded at 0xa0000000 \(0x4 bytes\) lies in ram at GPA 0x0, which is RAM; initialised data needs a flash load address/);
  });

  it('a binary goes to the start of its rom, with a hand-written map', () => {
    const bin = new Uint8Array(0x300).fill(7);
    const r = build('.vm\n id = 1\n binary = g.bin\n.\n', { guests: { 'g.bin': { kind: 'binary', file: 'g.bin', bytes: bin, map: { text: 'entry = 0x9fc00000\n.mmap\nrom = 0x9fc00000 0x300 rx 4096\n.\n', file: 'g.map' } } } });
    expect(r.images.get(1)!.chunks[0]).toMatchObject({ addr: 0x1d010000 });
    expect(err('.vm\n id = 1\n binary = g.bin\n.\n', { guests: { 'g.bin': bin } })).toMatch(/binary 'g\.bin' needs a hand-written map file next to it \(g\.map\)/);
  });

  it('the ELF entry and flags reach the table', () => {
    const t = decodeSystemTable(build('.vm\n id = 1\n elf = g.elf\n.\n', { guests: { 'g.elf': guestElf({ entry: 0x9fc00030 }) } }).table);
    expect(t.vms[1]!.entry).toBe(0x9fc00030);
    const m = lookupGpa(t.vms[1]!.tree!, 0x1fc00030)!;
    expect(m.rpa).toBe(0x1d010030);
    expect(m.page.attr).toBe(attrOf(F_R | F_X));
    expect(F_E | F_W).toBeGreaterThan(0);
  });
});

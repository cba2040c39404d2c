import { describe, expect, it } from 'vitest';
import { userError } from '../image/test-helpers.ts';
import { BUNDLED_DEVICE_LIB } from './bundled.ts';
import { Diagnostics } from './diagnostics.ts';
import { F_D, F_E, F_R, F_S, F_U, F_W, F_X, flagsText } from './flags.ts';
import { parseConfig, parseDeviceLib, parseMapText } from './parser.ts';

const cfg = (text: string, diag = new Diagnostics()) => parseConfig(text, 'c.cfg', diag);
const err = (text: string): string => userError(() => cfg(text)).format();

describe('device.lib', () => {
  it('reads the original library', () => {
    const lib = parseDeviceLib(BUNDLED_DEVICE_LIB, 'device.lib', new Diagnostics());
    expect([...lib.keys()]).toContain('oscillator');
    expect(lib.size).toBe(23);
    const console = lib.get('console')!;
    expect(console.irqs!.value).toEqual([170, 171, 172]);
    expect(console.share).not.toBeNull();
    expect(console.emulator!.value).toBe('console');
    expect(console.regs).toHaveLength(1);
    expect(console.regs[0]).toMatchObject({ addr: 0x1f822600, size: 0x100, flags: F_E | F_R | F_W | F_U });
    const ports = lib.get('ports')!;
    expect(ports.regs.map((r) => [r.addr, r.size])).toEqual([[0x1f801400, 0x300], [0x1f860000, 0x1000]]);
    expect(ports.dmaSet!.value).toBe(4);
    expect(lib.get('uart1')!.pmd).toEqual([{ reg: 5, bit: 0, pos: { file: 'device.lib', line: 38 } }]);
    expect(flagsText(lib.get('syscontroller')!.regs[0]!.flags)).toBe('ris');
  });

  it('rejects text outside .device and nameless devices', () => {
    expect(userError(() => parseDeviceLib('\nname = x\n', 'device.lib', new Diagnostics())).format()).toBe("device.lib:2: expected '.device' at the top level of the device library, found 'name = x'");
    expect(userError(() => parseDeviceLib('.device\nirq = 3\n.\n', 'device.lib', new Diagnostics())).format()).toBe("device.lib:1: library device has no 'name ='");
  });

  it('warns when a later device replaces an earlier one', () => {
    const d = new Diagnostics();
    parseDeviceLib('.device\nname = a\n.\n.device\nname = a\nirq = 5\n.\n', 'L', d);
    expect(d.warnings[0]).toMatchObject({ line: 4, message: "device 'a' is defined again; this definition replaces the one at line 1" });
  });

  it('device keys: unknown keys, stray text, duplicates, pmd range', () => {
    const lib = (t: string): string => userError(() => parseDeviceLib(`.device\nname = d\n${t}\n.\n`, 'L', new Diagnostics())).format();
    expect(lib('color = red')).toMatch(/^L:3: unknown device key 'color'/);
    expect(lib('just text')).toBe("L:3: unexpected 'just text' in a .device block (expected KEY = value or '.')");
    expect(lib('irq = 1\nirq = 2')).toBe("L:4: device key 'irq' is given twice (first at line 3)");
    expect(lib('pmd3 = 32')).toBe('L:3: pmd3 bit: 32 is out of range (0 .. 0x1f)');
    expect(lib('irq = 0x10')).toBe("L:3: irq: '0x10' is not a decimal number");
    expect(lib('regs = 0x1000')).toMatch(/^L:3: regs takes 'address size/);
  });

  it('share = 0 means not shared, with a warning', () => {
    const d = new Diagnostics();
    const lib = parseDeviceLib('.device\nname = d\nshare = 0\n.\n', 'L', d);
    expect(lib.get('d')!.share).toBeNull();
    expect(d.warnings[0]!.message).toMatch(/share = 0 means "not shared"/);
  });

  it('register blocks: one line (with flag completion) and block form (blank lines skipped)', () => {
    const lib = parseDeviceLib('.device\nname = d\nregs = 0x1000 0x10 u\nregisters =\n  0x2000 0x20\n\n  # comment\n  0x3000 0x30 rs 0x4000\n  .\n.\n', 'L', new Diagnostics());
    const r = lib.get('d')!.regs;
    expect(r.map((x) => [x.addr, x.size, flagsText(x.flags), x.fourth])).toEqual([
      [0x1000, 0x10, 'rwud', null], [0x2000, 0x20, 'rwd', null], [0x3000, 0x30, 'rs', 0x4000],
    ]);
  });
});

describe('config blocks', () => {
  it('top level allows only .vm and .thread', () => {
    expect(err('\n.\n')).toBe("c.cfg:2: expected '.vm' or '.thread', found '.'");
    expect(err('id = 1\n')).toBe("c.cfg:1: expected '.vm' or '.thread', found 'id = 1'");
  });

  it('every VM key parses with its position', () => {
    const ast = cfg(`.vm
  id = 3     # comment
  entry = main
  elf = g/x.elf
  device = ic
  dma = 0x40000 0x10000
  setup = 0x1f800000 0x5
  .setup = 0x1f801000
     1 2
     0x3
  .
  sp = 0x100
  irqpolling = 1
  gid = 3
  srs = 3
  mode = u
  irq = 4 5
  .mmap
    code = 0x1fc08000 0x8000 rxds 0x1fc08000
    rom = 0x9fc00000 0x718 rx 4096
    data =
      0x1000 0x100
      0x2000 0x100 r 0x3000
    .
    rodata = 0x4000 0x100
    ram = 0 0x10000 rw 0x1000
  .
  .device
    name = inl
    irq = 134
  .
.
.thread
  id = 8
  file = raw.bin
.
`);
    expect(ast.blocks.map((b) => b.kind)).toEqual(['vm', 'thread']);
    const items = ast.blocks[0]!.items;
    expect(items.map((i) => i.type)).toEqual(['id', 'entry', 'file', 'include', 'dma', 'setup', 'setup', 'sp', 'polling', 'gid', 'srs', 'mode', 'irq', 'mmap', 'device']);
    const setup = items[6]!;
    expect(setup.type === 'setup' && setup.values.map((v) => v.value)).toEqual([1, 2, 3]);
    const mmap = items[13]!;
    if (mmap.type !== 'mmap') throw new Error();
    expect(mmap.regions.map((r) => [r.key, r.addr, r.size, flagsText(r.flags), r.fourth, r.pos.line])).toEqual([
      ['code', 0x1fc08000, 0x8000, 'rxsd', 0x1fc08000, 19],
      ['rom', 0x9fc00000, 0x718, 'rx', 4096, 20],
      ['data', 0x1000, 0x100, 'rw', null, 22],
      ['data', 0x2000, 0x100, 'r', 0x3000, 23],
      ['rodata', 0x4000, 0x100, 'r', null, 25],
      ['ram', 0, 0x10000, 'rw', 0x1000, 26],
    ]);
    const dma = items[4]!;
    expect(dma.type === 'dma' && flagsText(dma.region.flags)).toBe('rw');
    const file = ast.blocks[1]!.items[1]!;
    expect(file).toMatchObject({ type: 'file', kind: 'binary', key: 'file', path: 'raw.bin' });
  });

  it('flag completion adds the defaults only when r, w and x are all absent', () => {
    const ast = cfg('.vm\nid=1\n.mmap\ncode = 0 0x1000 s\ndata = 0 0x1000 u\nrodata = 0 0x10 u\nram = 0 0 w 4096\n.\n.\n');
    const m = ast.blocks[0]!.items[1]!;
    expect(m.type === 'mmap' && m.regions.map((r) => r.flags)).toEqual([F_S | F_R | F_X, F_U | F_R | F_W, F_U | F_R, F_W]);
    expect(F_D).toBeGreaterThan(0);
  });

  it.each([
    ['.vm\nid = 1\nbogus = 1\n.\n', "c.cfg:3: unknown key 'bogus' in a VM block"],
    ['.vm\nid = 1\nhello\n.\n', "c.cfg:3: unexpected 'hello' in a VM block (expected KEY = value, .mmap, .device or '.')"],
    ['.vm\nid = x\n.\n', "c.cfg:2: id: 'x' is not a decimal number"],
    ['.vm\nid = 1\n.mmap\nstack = 0 0x10\n.\n.\n', "c.cfg:4: unknown .mmap key 'stack' (expected code, rom, data, ram or rodata)"],
    ['.vm\nid = 1\n.mmap\ncode = 0 0x1000 q\n.\n.\n', "c.cfg:4: unknown flag 'q' in 'q' (flags are r w x i I s e u n a t d)"],
    ['.vm\nid = 1\n.mmap\ncode = 0\n.\n.\n', "c.cfg:4: code takes 'address size [flags [physical]]', found '0'"],
    ['.vm\nid = 1\n.mmap\ncode = 0 0x1000\n', "c.cfg:3: .mmap block is not closed with '.'"],
    ['.vm\nid = 1\nsetup = 0x10\n.\n', "c.cfg:3: setup takes 'address value', found '0x10'"],
    ['.vm\nid = 1\nsetup = 0x10 FOO\n.\n', "c.cfg:3: setup value: 'FOO' is not a number (0x.. hex, 0b.. binary, 0.. octal or decimal)"],
    ['.vm\nid = 1\nsp = 1 2 3 4\n.\n', "c.cfg:3: sp takes 'size [address [initial-sp]]', found '1 2 3 4'"],
    ['.vm\nid = 1\nmode = super\n.\n', "c.cfg:3: mode is 'kernel' or 'user', found 'super'"],
    ['.vm\nid = 1\nirq = 216\n.\n', 'c.cfg:3: irq: 216 is out of range (0 .. 215)'],
    ['.vm\nid = 1\n.setup = 0x10\n1 2\n', "c.cfg:3: .setup block is not closed with '.'"],
    ['.vm\nid = 1\ndma = 0 0x1000 rw 5\n.\n', "c.cfg:3: dma takes 'address size [flags]', found '0 0x1000 rw 5'"],
  ])('error %#', (text, message) => expect(err(text)).toBe(message));

  it('warns about an unclosed block and irqpolling = 0', () => {
    const d = new Diagnostics();
    const ast = cfg('.vm\nid = 1\nirqpolling = 0\n', d);
    expect(ast.blocks[0]!.items[1]).toMatchObject({ type: 'polling', on: false });
    expect(d.warnings.map((w) => [w.line, w.message])).toEqual([
      [3, 'irqpolling = 0 means "not polling" (the original tool treated any value as polling)'],
      [3, ".vm block at line 1 is not closed with '.'"],
    ]);
  });

  it('map files hold entry and .mmap; elf/binary are refused there', () => {
    const items = parseMapText('\tentry = 0x9fc00060\n\t.mmap\n\t\trom = 0x9fc00000 0x00718 rx 4096\n\t.\n', 'u.map', new Diagnostics());
    expect(items.map((i) => i.type)).toEqual(['entry', 'mmap']);
    expect(userError(() => parseMapText('elf = x.elf\n', 'u.map', new Diagnostics())).format()).toBe("u.map:1: 'elf =' is not allowed inside a map file");
  });
});

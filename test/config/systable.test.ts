/**
 * The system table (docs/system-table.md): what the decoder gives back, and that every kind of
 * damage is a one-line UserError (magic, version, length, CRC, then structure).
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/config/crc32.ts';
import { SYSTEM_TABLE_PA } from '../../src/config/layout.ts';
import { decodeSystemTable, HEADER_SIZE, readSystemTable, SEC, systemTableLength, TABLE_MAGIC } from '../../src/config/systable.ts';
import { buildReference, userError } from './helpers.ts';

const r = buildReference('config-dma.file', 'wifire');
const table = r.table;

/** A copy with `patch` applied and the CRC recomputed. */
function patched(patch: (v: DataView) => void): Uint8Array {
  const b = table.slice();
  const v = new DataView(b.buffer);
  patch(v);
  v.setUint32(12, 0, true);
  v.setUint32(12, crc32(b), true);
  return b;
}

function section(id: number): { off: number; size: number; count: number } {
  const v = new DataView(table.buffer, table.byteOffset);
  for (let i = 0; i < v.getUint32(16, true); i++) {
    const d = HEADER_SIZE + 16 * i;
    if (v.getUint32(d, true) === id) return { off: v.getUint32(d + 4, true), size: v.getUint32(d + 8, true), count: v.getUint32(d + 12, true) };
  }
  throw new Error('no section');
}

describe('decodeSystemTable', () => {
  it('reads back what the build put in', () => {
    const t = decodeSystemTable(table);
    expect(t).toMatchObject({ version: 1, length: table.length, tableAddr: SYSTEM_TABLE_PA });
    expect(t.board).toMatchObject({ name: 'DigilentChipKitWiFire', config: 'config-dma.file', vzcode: 0x9d000000, vzstacksize: 0x2000, eretGpa: 0x1ffff000, eretRpa: 0x1d000000, maxId: 1 });
    expect(t.vms.map((v) => [v.id, v.kind])).toEqual([[0, 'root'], [1, 'vm']]);
    const vm = t.vms[1]!;
    expect(vm).toMatchObject({ gid: 1, srs: 1, polling: true, user: false, entry: 0x9fc00060, entrySymbol: null, guestFile: 'pic32mz-dma-guest/uart.elf', dma: { group: 1, addr: 0, size: 0x10000 } });
    expect(vm.image).toEqual({ addr: 0x1d010000, size: 0x718 });
    expect(vm.devices.map((d) => d.name)).toEqual(['ic', 'console', 'ports', 'syscontroller', 'oscillator', 'dma0']);
    expect(vm.devices[5]).toMatchObject({ irqs: [134], cfgpgPosition: 4, shared: false, library: false });
    expect(vm.devices[1]).toMatchObject({ irqs: [170, 171, 172], shared: true, library: true, emulator: 1 });
    expect(vm.regions.map((x) => x.kind)).toEqual(['code', 'dma', 'regs', 'regs', 'regs', 'regs', 'regs', 'regs', 'regs', 'rom', 'ram']);
    expect(t.routes[134]).toEqual({ vm: 1, emulator: 0, icWrite: 0, shared: false });
    expect(t.routes[0]!.icWrite).toBe(4);
    expect(t.emulators.get(2)).toBe('ic_emulator');
    expect(t.dma).toEqual({ cfgpg: 0x10, sets: { 2: 0, 3: 0, 4: 1 }, groups: [{ group: 1, vmId: 1, addr: 0, size: 0x10000 }] });
    expect(t.pmd![6]).toBe(0xffffffef);
    expect(t.setup).toEqual(r.dma.writes);
    expect(vm.icOwned![4]).toBe(1 << (134 - 128));
  });

  it('accepts trailing bytes (the rest of flash) and reports its length from the header', () => {
    const longer = new Uint8Array(table.length + 100).fill(0xff);
    longer.set(table);
    expect(decodeSystemTable(longer).length).toBe(table.length);
    expect(systemTableLength(table.subarray(0, 16))).toBe(table.length);
    expect(systemTableLength(new Uint8Array(16))).toBeNull();
  });

  it('readSystemTable finds the table at its fixed address, or reports none', () => {
    const flash = new Uint8Array(0x10000).fill(0xff);
    const read = (pa: number, n: number): Uint8Array => flash.slice(pa - SYSTEM_TABLE_PA, pa - SYSTEM_TABLE_PA + n);
    expect(readSystemTable(read)).toBeNull();
    flash.set(table);
    expect(readSystemTable(read)!.vms).toHaveLength(2);
    flash[100]! ^= 0xff;
    expect(userError(() => readSystemTable(read, 'flash')).format()).toMatch(/^flash: system table: CRC mismatch/);
  });

  const fail = (b: Uint8Array): string => userError(() => decodeSystemTable(b, 'img.srec')).format();

  it('rejects bad magic, version, length and CRC with clear messages', () => {
    expect(fail(new Uint8Array(10))).toBe('img.srec: system table: only 10 bytes, the header alone is 32');
    expect(fail(patched((v) => v.setUint32(0, 0x12345678, true)))).toBe(`img.srec: system table: bad magic 0x12345678 (expected 0x${TABLE_MAGIC.toString(16)}, 'TVPT')`);
    expect(fail(patched((v) => v.setUint16(4, 2, true)))).toBe('img.srec: system table: version 2 is not supported (this tool reads version 1)');
    expect(fail(table.subarray(0, table.length - 16))).toMatch(/length \d+ does not fit the \d+ bytes available/);
    const flipped = table.slice();
    flipped[table.length - 20]! ^= 1;
    expect(fail(flipped)).toMatch(/^img\.srec: system table: CRC mismatch: the header says 0x[0-9a-f]+, the contents give 0x[0-9a-f]+$/);
  });

  it('rejects structural damage even with a valid CRC', () => {
    const nodes = section(SEC.NODES), vms = section(SEC.VMS), strings = section(SEC.STRINGS);
    expect(fail(patched((v) => v.setUint32(nodes.off + 12, 3, true)))).toMatch(/tree (root|entry|node)|not a record of section/);
    expect(fail(patched((v) => v.setUint32(vms.off + 80 + 32, nodes.off + 4, true)))).toMatch(/VM 1 tree root offset \d+ is not a record of section NODES/);
    expect(fail(patched((v) => v.setUint32(HEADER_SIZE + 4, 0xfffff0, true)))).toMatch(/section BOARD .* is outside the table/);
    expect(fail(patched((v) => v.setUint8(vms.off + 2, 9)))).toMatch(/VM record 0 has unknown kind 9/);
    expect(fail(patched((v) => { for (let i = strings.off; i < strings.off + strings.size; i++) v.setUint8(i, 0x41); }))).toMatch(/string at \d+ is not terminated|outside the string section/);
  });
});

/**
 * The image (tinyvp-config-tool.md §7): each guest's loadable bytes at the flash address its
 * regions were given, plus the system table at its fixed address, as one S-record file with
 * KSEG0 addresses (like the original's a.merged.srec).
 *
 * Decision (replaces the original's single objcopy `$OFFSET` per guest): every ELF segment is
 * placed through the region that contains its load address, so text and the flash copy of
 * initialised data both land where the VM's tree maps them. A binary goes to the start of the
 * VM's rom.
 */
import { writeSrec, type MemChunk } from '../image/srec.ts';
import { UserError } from '../sim/errors.ts';
import { BOOT_FLASH, PROGRAM_FLASH } from './board.ts';
import { SYSTEM_TABLE_PA } from './layout.ts';
import type { Region, SystemModel, Vm } from './model.ts';
import { hex, kphys, kseg0 } from './numbers.ts';
import { writable } from './validate.ts';

export interface GuestImage {
  /** Physical addresses. */
  chunks: MemChunk[];
  addr: number;
  size: number;
}

const inFlash = (a: number, n: number): boolean =>
  [PROGRAM_FLASH, BOOT_FLASH].some((f) => a >= f.start && a + n <= f.end);

export function guestImages(m: SystemModel): Map<number, GuestImage> {
  const out = new Map<number, GuestImage>();
  for (const vm of m.vms) {
    if (!vm.guest) continue;
    const chunks = vm.guest.elf ? elfChunks(vm) : binaryChunks(vm);
    if (!chunks.length) continue;
    const lo = Math.min(...chunks.map((c) => c.addr));
    const hi = Math.max(...chunks.map((c) => c.addr + c.data.length));
    out.set(vm.id, { chunks, addr: lo, size: hi - lo });
  }
  return out;
}

function failAt(vm: Vm, message: string): never {
  const pos = vm.guest!.pos;
  throw new UserError(message, pos.file, pos.line);
}

function elfChunks(vm: Vm): MemChunk[] {
  const chunks: MemChunk[] = [];
  const file = vm.guest!.path;
  for (const seg of vm.guest!.elf!.segments) {
    if (seg.data.length === 0) continue;
    const key = vm.kind === 'vm' ? kphys(seg.paddr) : seg.paddr;
    const len = seg.data.length;
    const r = vm.regions.find((x) => x.size > 0 && key >= x.gpa && key + len <= x.gpa + x.size);
    const what = `${file}: segment loaded at ${hex(seg.paddr)} (${hex(len)} bytes)`;
    if (!r) failAt(vm, `${what} is not inside any region of VM ${vm.id}; the map's rom must cover it`);
    if (writable(r.flags)) {
      // Zero-filled data needs no image; anything else would have to be copied into RAM.
      if (seg.data.every((b) => b === 0)) continue;
      failAt(vm, `${what} lies in ${r.kind} at GPA ${hex(r.gpa)}, which is RAM; initialised data needs a flash load address (AT> in the linker script)`);
    }
    chunks.push({ addr: place(vm, r, key, len, what), data: seg.data });
  }
  return chunks;
}

function place(vm: Vm, r: Region, key: number, len: number, what: string): number {
  const pa = r.rpa + (key - r.gpa);
  if (!inFlash(pa, len)) failAt(vm, `${what} maps to RPA ${hex(pa)}, which is not flash`);
  return pa;
}

function binaryChunks(vm: Vm): MemChunk[] {
  const bytes = vm.guest!.input.bytes;
  if (bytes.length === 0) return [];
  const rom = vm.regions.find((r) => r.kind === 'rom');
  if (!rom) failAt(vm, `binary ${vm.guest!.path} needs a 'rom =' region in its map`);
  if (bytes.length > rom.size) failAt(vm, `binary ${vm.guest!.path} is ${hex(bytes.length)} bytes, larger than its rom (${hex(rom.size)})`);
  return [{ addr: place(vm, rom, rom.gpa, bytes.length, `binary ${vm.guest!.path}`), data: bytes }];
}

/** The S-record text: guests and the table at KSEG0 addresses; `entry` is the board's vzentry. */
export function imageSrec(images: Map<number, GuestImage>, table: Uint8Array, entry: number, header: string): string {
  const all: { addr: number; data: Uint8Array; who: string }[] = [];
  for (const [id, img] of images) for (const c of img.chunks) all.push({ ...c, who: `VM ${id}` });
  all.push({ addr: SYSTEM_TABLE_PA, data: table, who: 'the system table' });
  all.sort((a, b) => a.addr - b.addr);
  for (let i = 1; i < all.length; i++) {
    const p = all[i - 1]!, c = all[i]!;
    if (c.addr < p.addr + p.data.length) {
      throw new UserError(`image data of ${c.who} at ${hex(c.addr)} overlaps ${p.who} (${hex(p.addr)}..${hex(p.addr + p.data.length)})`);
    }
  }
  return writeSrec(all.map((c) => ({ addr: kseg0(c.addr), data: c.data })), entry, { header });
}

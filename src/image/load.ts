/**
 * Firmware loading front end: recognises ELF, Motorola S-record and Intel HEX by content (not
 * by file name) and returns what to put in memory. DESIGN.md "image/"; `tinyvp run <image|elf>`.
 * Addresses are as the file gives them (for MIPS bare-metal files, usually KSEG0/KSEG1); the
 * machine maps them to physical addresses.
 */
import { UserError } from '../sim/errors.ts';
import { isElf, parseElf, segmentLoadSize, type ElfImage } from './elf.ts';
import { parseIhex } from './ihex.ts';
import type { LoadImage, MemChunk } from './records.ts';
import { parseSrec } from './srec.ts';

export type FirmwareFormat = 'elf' | 'srec' | 'ihex';

/** A loaded image; `elf` carries the full ELF view (symbols, sections) for ELF input. */
export type Firmware = LoadImage & { format: FirmwareFormat; elf?: ElfImage };

const UNRECOGNISED = 'unrecognised image format (expected ELF, S-record or Intel HEX)';

/**
 * The format of `bytes`, or null. Text formats are recognised by their first non-blank
 * character (after an optional UTF-8 byte-order mark): `S` and a digit, or `:`.
 */
export function detectFormat(bytes: Uint8Array): FirmwareFormat | null {
  if (isElf(bytes)) return 'elf';
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  const c = bytes[i], d = bytes[i + 1];
  if ((c === 0x53 || c === 0x73) && d !== undefined && d >= 0x30 && d <= 0x39) return 'srec';
  if (c === 0x3a) return 'ihex';
  return null;
}

/** Detects the format of `bytes` and parses it; every problem is a UserError naming `file`. */
export function loadFirmware(bytes: Uint8Array, file: string): Firmware {
  const format = detectFormat(bytes);
  if (format === 'elf') {
    const elf = parseElf(bytes, file);
    return { format, elf, chunks: elfChunks(elf), entry: elf.entry };
  }
  if (format === null) {
    if (bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a)) throw new UserError('image file is empty', file);
    throw new UserError(UNRECOGNISED, file);
  }
  // The default decoder drops a UTF-8 byte-order mark; bad bytes become U+FFFD and then fail as hex.
  const text = new TextDecoder('utf-8').decode(bytes);
  return { format, ...(format === 'srec' ? parseSrec(text, file) : parseIhex(text, file)) };
}

/**
 * PT_LOAD segments at p_paddr, the bss tail zero-filled where segmentLoadSize says so,
 * sorted and with touching segments merged. parseElf has already rejected overlaps.
 */
function elfChunks(elf: ElfImage): MemChunk[] {
  const parts = elf.segments
    .map((seg) => {
      const size = segmentLoadSize(seg);
      const data = size === seg.data.length ? seg.data : new Uint8Array(size);
      if (data !== seg.data) data.set(seg.data);
      return { addr: seg.paddr, data };
    })
    .filter((c) => c.data.length > 0)
    .sort((a, b) => a.addr - b.addr);
  const chunks: MemChunk[] = [];
  for (let i = 0; i < parts.length;) {
    let j = i + 1, end = parts[i]!.addr + parts[i]!.data.length;
    while (j < parts.length && parts[j]!.addr === end) end += parts[j++]!.data.length;
    if (j === i + 1) chunks.push(parts[i]!);
    else {
      const data = new Uint8Array(end - parts[i]!.addr);
      for (let k = i; k < j; k++) data.set(parts[k]!.data, parts[k]!.addr - parts[i]!.addr);
      chunks.push({ addr: parts[i]!.addr, data });
    }
    i = j;
  }
  return chunks;
}

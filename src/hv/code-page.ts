/**
 * The hypervisor's code page in flash (tinyvp-runtime.md §4.1, §7.3, §7.5): the few MIPS words a
 * native hypervisor still needs the core to execute. The ERET/HYPCALL pair of the LL-bit
 * excursion (the page VM0's tree maps at the ERET page GPA), the root idle loop (thread 0's WAIT
 * point) and the built-in root kernel threads a `.thread` names by symbol (`entry = loop`).
 *
 * The page lives at the board's `vzcode`, the flash the configuration tool reserves for the
 * hypervisor's code; whoever programs the image writes `codePageImage()` there (the machine does
 * it when it loads an image with a system table). Boot checks the words are present.
 */

/** Byte offsets inside the page (all within its first 4 KB, the ERET page). */
export const CODE_ERET = 0x800;
export const CODE_HYPCALL = 0x804;
export const CODE_IDLE = 0x810;
export const CODE_LOOP = 0x820;

const ERET = 0x42000018;
const HYPCALL = 0x42000028;
const WAIT = 0x42000020;
const NOP = 0;
/** beq $0, $0, offset (in instructions, relative to the delay slot). */
const branchAlways = (offset: number): number => (0x10000000 | (offset & 0xffff)) >>> 0;

/** The words of the page: byte offset → instruction. */
const WORDS: readonly [number, number][] = [
  [CODE_ERET, ERET],
  [CODE_HYPCALL, HYPCALL],
  // idle: wait; b idle; nop
  [CODE_IDLE, WAIT],
  [CODE_IDLE + 4, branchAlways(-2)],
  [CODE_IDLE + 8, NOP],
  // loop: b loop; nop  (a root kernel thread that never waits)
  [CODE_LOOP, branchAlways(-1)],
  [CODE_LOOP + 4, NOP],
];

/** Root thread entry symbols the hypervisor provides, as offsets in the code page. */
export const BUILTIN_THREADS: ReadonlyMap<string, number> = new Map([
  ['loop', CODE_LOOP],
  ['idle', CODE_IDLE],
]);

/** Bytes to program at the code page (little-endian), from offset CODE_ERET. */
export function codePageImage(): { offset: number; data: Uint8Array } {
  const first = Math.min(...WORDS.map(([o]) => o));
  const last = Math.max(...WORDS.map(([o]) => o)) + 4;
  const data = new Uint8Array(last - first);
  const v = new DataView(data.buffer);
  for (const [o, w] of WORDS) v.setUint32(o - first, w, true);
  return { offset: first, data };
}

/** The (offset, word) pairs boot verifies. */
export function codePageWords(): readonly [number, number][] {
  return WORDS;
}

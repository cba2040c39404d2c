/**
 * The printf conversions the runtime's messages use (tinyvp-runtime.md §8.1): `%08x`, `%x`, `%d`
 * and `%T` (64-bit nanoseconds as HH:MM:SS.mmm, or D:HH:MM:SS.mmm after a day).
 */

/** `%08x`. */
export function x8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** `%x`. */
export function x(v: number): string {
  return (v >>> 0).toString(16);
}

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** `%T`: nanoseconds as HH:MM:SS.mmm (D:HH:MM:SS.mmm when days > 0). */
export function timeText(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const hms = `${two(Math.floor(s / 3600) % 24)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(ms % 1000).padStart(3, '0')}`;
  return days > 0 ? `${days}:${hms}` : hms;
}

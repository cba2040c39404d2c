import { describe, expect, it } from 'vitest';
import { UserError } from '../sim/errors.ts';
import { decInt, decimal, hex, kphys, pyInt, u32 } from './numbers.ts';
import { lexLines } from './lexer.ts';

describe('Python 2 int(s, 0)', () => {
  it.each([
    ['0x1D200000', 0x1d200000], ['0X1f', 31], ['0b101', 5], ['0o17', 15], ['017', 15], ['0', 0], ['00', 0],
    ['4096', 4096], [' 12 ', 12], ['-0x10', -16], ['+7', 7],
  ])('%s = %d', (s, v) => expect(pyInt(s)).toBe(v));

  it.each(['', '08', '0x', '1.5', '12abc', '0b2', 'ten', '1_000'])('rejects %j', (s) => expect(pyInt(s)).toBeNull());

  it('decimal-only fields keep leading zeros decimal', () => {
    expect(decInt('010')).toBe(10);
    expect(decInt('0x10')).toBeNull();
  });

  it('range checks carry the position', () => {
    const pos = { file: 'c', line: 3 };
    expect(u32('0xffffffff', 'x', pos)).toBe(0xffffffff);
    const e = (() => { try { u32('0x100000000', 'size', pos); } catch (x) { return x as UserError; } })()!;
    expect(e.format()).toBe('c:3: size: 0x100000000 is out of range (0 .. 0xffffffff)');
    expect(() => decimal('x', 'id', pos, 0, 9)).toThrow(/'x' is not a decimal number/);
  });

  it('address helpers', () => {
    expect(kphys(0x9fc00000)).toBe(0x1fc00000);
    expect(kphys(0xa0000000)).toBe(0);
    expect(hex(-0x2bf0000)).toBe('-0x2bf0000');
  });
});

describe('lexer', () => {
  it('cuts comments at #, trims, splits at the first =', () => {
    const [a, b, c, d] = lexLines('  key = a = b  # c\n# all comment\n\tentry=0x10\r\n.', 'f');
    expect(a).toMatchObject({ line: 1, key: 'key', value: 'a = b', text: 'key = a = b' });
    expect(b).toMatchObject({ line: 2, text: '' });
    expect(c).toMatchObject({ line: 3, key: 'entry', value: '0x10' });
    expect(d).toMatchObject({ line: 4, text: '.' });
    expect(d!.key).toBeUndefined();
  });
});

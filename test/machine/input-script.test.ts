import { describe, expect, it } from 'vitest';
import { parseInputScript } from '../../src/machine/input-script.ts';
import { UserError } from '../../src/sim/errors.ts';

describe('--input scripts', () => {
  it('parses times, escapes and button commands', () => {
    const ev = parseInputScript('@1s:\\x051=;@2s:\\x050;@2.5s:a\\;b\\n;@3s:!press BTN1;@3200ms:!release BTN1');
    expect(ev.map((e) => e.at)).toEqual([200_000_000, 400_000_000, 500_000_000, 600_000_000, 640_000_000]);
    expect(ev[0]!.bytes).toEqual([5, 0x31, 0x3d]);
    expect(ev[2]!.bytes).toEqual([0x61, 0x3b, 0x62, 10]);
    expect(ev[3]!.button).toEqual({ name: 'BTN1', down: true });
    expect(ev[4]!.button).toEqual({ name: 'BTN1', down: false });
  });

  it.each(['1s:x', '@soon:x', '@1s', '@1s:\\xZZ', '@2s:a;@1s:b', '@1s:!jump'])('rejects %j with a UserError', (s) => {
    expect(() => parseInputScript(s)).toThrow(UserError);
  });
});

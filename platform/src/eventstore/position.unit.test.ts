import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidReadError } from './errors.ts';
import { comparePositionPairs, decodePosition, encodePosition } from './position.ts';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const sign = (n: number) => Math.sign(n);

describe('positions', () => {
  it('given any pair of u64 parts, when encoded and decoded, then the parts come back', () => {
    fc.assert(
      fc.property(u64, u64, (major, minor) => {
        expect(decodePosition(encodePosition(major, minor))).toEqual({ major, minor });
      }),
    );
  });

  it('given two positions, then comparing them agrees with (major, minor) order and with string order', () => {
    fc.assert(
      fc.property(u64, u64, u64, u64, (a1, a2, b1, b2) => {
        const expected = a1 !== b1 ? (a1 < b1 ? -1 : 1) : a2 !== b2 ? (a2 < b2 ? -1 : 1) : 0;
        const a = encodePosition(a1, a2);
        const b = encodePosition(b1, b2);
        expect(sign(comparePositionPairs(a, b))).toBe(expected);
        expect(sign(a.localeCompare(b, 'en'))).toBe(expected);
      }),
    );
  });

  it('given text that is not a position, when decoded, then InvalidReadError', () => {
    for (const bad of [
      '',
      '1-2',
      `${'9'.repeat(20)}-${'9'.repeat(20)}`,
      `${'0'.repeat(20)}_${'0'.repeat(20)}`,
      42,
    ]) {
      expect(() => decodePosition(bad)).toThrow(InvalidReadError);
    }
  });
});

import { ValidationError } from '@taskflow/platform';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isUuid } from './cursor.ts';
import { isTransient } from './transient.ts';

const pair = (parts: unknown[]): parts is [string, string] => parts.length === 2 && isUuid(parts[1]);

describe('cursors', () => {
  it('given an encoded key, when decoded with its validator, then the same parts come back', () => {
    const cursor = encodeCursor(['2030-01-01T00:00:00.000Z', '11111111-1111-4111-8111-111111111111']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, pair)).toEqual([
      '2030-01-01T00:00:00.000Z',
      '11111111-1111-4111-8111-111111111111',
    ]);
  });

  it('given garbage or a cursor of another shape, when decoded, then a 400 naming the cursor', () => {
    for (const bad of [
      '%%%',
      encodeCursor(['x']),
      encodeCursor(['x', 'not-a-uuid']),
      Buffer.from('{}').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad, pair)).toThrow(ValidationError);
    }
  });
});

describe('isTransient', () => {
  it('tells retryable database failures from ones that fail the same way every time', () => {
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: '40001' }))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isTransient(new TypeError('undefined is not a function'))).toBe(false);
  });
});

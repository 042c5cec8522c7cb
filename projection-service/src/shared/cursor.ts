import { ValidationError } from '@taskflow/platform';

/**
 * Opaque keyset cursors: base64url of a small JSON array (the sort key of the last row seen,
 * then its id). Clients pass them back untouched; anything that does not decode into the
 * expected shape is a 400 naming the `cursor` parameter.
 */
export function encodeCursor(parts: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor<T extends readonly unknown[]>(
  cursor: string,
  isValid: (parts: unknown[]) => parts is [...T],
): T {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts) || !isValid(parts)) throw invalidCursor();
  return parts as unknown as T;
}

export function invalidCursor(): ValidationError {
  return new ValidationError('cursor is not one this service issued', {
    errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }],
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
export const isString = (value: unknown): value is string => typeof value === 'string' && value.length <= 512;

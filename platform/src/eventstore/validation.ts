import { InvalidAppendError, InvalidReadError } from './errors.ts';
import {
  type ExpectedRevision,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_APPEND,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
} from './port.ts';

/**
 * Input checks shared by every adapter, so each store accepts and refuses exactly the same
 * appends. Refused appends throw before anything reaches the store.
 */

export const MAX_STREAM_ID_LENGTH = 512;

export interface ValidatedEvent {
  event: NewEvent;
  dataJson: string;
  metadataJson: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// JSON.stringify escapes NUL and lone surrogates; PostgreSQL's jsonb rejects both, so they are
// refused everywhere to keep an event portable between stores. The look-behind skips "\\u".
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

export function validateAppend(
  streamId: unknown,
  events: unknown,
  expectedRevision: unknown,
): ValidatedEvent[] {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidAppendError(`stream id must be a string of 1 to ${MAX_STREAM_ID_LENGTH} characters`);
  }
  if (streamId.startsWith('$')) throw new InvalidAppendError('stream ids starting with "$" are reserved');
  assertExpectedRevision(expectedRevision);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppendError('an append needs at least one event');
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppendError(
      `an append carries at most ${MAX_EVENTS_PER_APPEND} events, got ${events.length}`,
    );
  }
  const ids = new Set<string>();
  return events.map((event: unknown, index) => {
    const validated = validateEvent(event, index);
    const id = validated.event.id.toLowerCase();
    if (ids.has(id)) throw new InvalidAppendError(`event ${index}: id ${id} appears twice in one append`);
    ids.add(id);
    return validated;
  });
}

function assertExpectedRevision(value: unknown): asserts value is ExpectedRevision {
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  throw new InvalidAppendError(
    `expectedRevision must be 'any', 'no_stream', 'stream_exists' or a revision >= 0, got ${describe(value)}`,
  );
}

function validateEvent(value: unknown, index: number): ValidatedEvent {
  if (!isPlainObject(value)) throw new InvalidAppendError(`event ${index} must be an object`);
  const { id, type, data, metadata } = value;
  if (typeof id !== 'string' || !UUID.test(id))
    throw new InvalidAppendError(`event ${index}: id must be a UUID`);
  if (typeof type !== 'string' || type.length === 0 || type.length > 200 || type.startsWith('$')) {
    throw new InvalidAppendError(`event ${index}: type must be 1 to 200 characters and not start with "$"`);
  }
  if (!isPlainObject(data)) throw new InvalidAppendError(`event ${index}: data must be an object`);
  if (!isPlainObject(metadata)) throw new InvalidAppendError(`event ${index}: metadata must be an object`);
  const dataJson = toJson(data, index, 'data');
  const metadataJson = toJson(metadata, index, 'metadata');
  const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
  if (bytes > MAX_EVENT_BYTES) {
    throw new InvalidAppendError(
      `event ${index}: data and metadata take ${bytes} bytes as JSON, more than the limit of ${MAX_EVENT_BYTES}`,
    );
  }
  return { event: value as unknown as NewEvent, dataJson, metadataJson };
}

function toJson(value: Record<string, unknown>, index: number, field: string): string {
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidAppendError(
      `event ${index}: ${field} is not serialisable as JSON (${(error as Error).message})`,
    );
  }
  if (UNSTORABLE_ESCAPE.test(json)) {
    throw new InvalidAppendError(
      `event ${index}: ${field} contains a NUL character or a lone UTF-16 surrogate`,
    );
  }
  return json;
}

export interface NormalisedStreamRead {
  direction: 'forwards' | 'backwards';
  from: number | undefined;
  limit: number | undefined;
}

export function validateStreamRead(options: ReadStreamOptions | undefined): NormalisedStreamRead {
  const direction = options?.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new InvalidReadError(`direction must be 'forwards' or 'backwards', got ${describe(direction)}`);
  }
  return {
    direction,
    from: optionalCount(options?.from, 'from'),
    limit: optionalCount(options?.limit, 'limit'),
  };
}

export function validateReadAllLimit(options: ReadAllOptions | undefined): number | undefined {
  return optionalCount(options?.limit, 'limit');
}

function optionalCount(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidReadError(`${name} must be an integer >= 0, got ${describe(value)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

import {
  type AllStreamResolvedEvent,
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  type Position as EsdbPosition,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  type ResolvedEvent,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { InvalidAppendError, WrongExpectedRevisionError } from './errors.ts';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  Position,
  RecordedEvent,
} from './port.ts';
import { comparePositionPairs, decodePosition, encodePosition } from './position.ts';
import { validateAppend, validateReadAllLimit, validateStreamRead } from './validation.ts';

/**
 * The EventStoreDB / KurrentDB adapter. The server orders $all by (commit, prepare) log
 * positions, checks expected revisions itself and ignores a re-append of event ids it already
 * holds at that place in the stream (idempotent append), so this adapter mostly translates.
 */
export function buildEsdbEventStore(connectionString: string): EventStore {
  const client = EventStoreDBClient.connectionString(connectionString);
  const toEsdbPosition = (position: Position | undefined): EsdbPosition | undefined => {
    if (position === undefined) return undefined;
    const { major, minor } = decodePosition(position);
    return { commit: major, prepare: minor };
  };

  const positionOfRevision = async (streamId: string, revision: bigint): Promise<Position> => {
    for await (const resolved of client.readStream(streamId, { fromRevision: revision, maxCount: 1 })) {
      return toRecordedEvent(resolved).position;
    }
    throw new Error(`stream ${streamId} has no event at revision ${revision}`);
  };

  return {
    async appendToStream(streamId, events, options): Promise<AppendResult> {
      const expected = options?.expectedRevision;
      const validated = validateAppend(streamId, events, expected);
      try {
        const result = await client.appendToStream(
          streamId,
          validated.map(({ event }) =>
            jsonEvent({
              id: event.id,
              type: event.type,
              data: event.data,
              metadata: toEsdbMetadata(event.metadata),
            }),
          ),
          { expectedRevision: toEsdbExpectation(expected as ExpectedRevision) },
        );
        // An idempotent replay is answered without a log position; look the original one up.
        const position = result.position
          ? encodeEsdbPosition(result.position)
          : await positionOfRevision(streamId, result.nextExpectedRevision);
        return { nextRevision: Number(result.nextExpectedRevision), position };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) {
          const actual = error.actualVersion === NO_STREAM ? 'no_stream' : Number(error.actualVersion);
          throw new WrongExpectedRevisionError(streamId, expected as ExpectedRevision, actual);
        }
        if (error instanceof MaxAppendSizeExceededError) {
          throw new InvalidAppendError(
            `append is larger than the server's limit of ${error.maxAppendSize} bytes`,
          );
        }
        throw error;
      }
    },

    async readStream(streamId, options) {
      const { direction, from, limit } = validateStreamRead(options);
      if (limit === 0) return [];
      const forwards = direction === 'forwards';
      const events: RecordedEvent[] = [];
      try {
        const read = client.readStream(streamId, {
          direction: forwards ? FORWARDS : BACKWARDS,
          fromRevision: from === undefined ? (forwards ? START : END) : BigInt(from),
          ...(limit === undefined ? {} : { maxCount: limit }),
        });
        for await (const resolved of read) events.push(toRecordedEvent(resolved));
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return events;
    },

    async readAll(options) {
      const limit = validateReadAllLimit(options) ?? Number.POSITIVE_INFINITY;
      const start = toEsdbPosition(options?.after);
      const events: RecordedEvent[] = [];
      if (limit === 0) return events;
      const read = client.readAll({ fromPosition: start ?? START, direction: FORWARDS });
      try {
        for await (const resolved of read) {
          const event = toUserEvent(resolved);
          // The server starts a forwards read at the given position itself; the port's `after` is exclusive.
          if (
            !event ||
            (options?.after !== undefined && comparePositionPairs(event.position, options.after) <= 0)
          ) {
            continue;
          }
          events.push(event);
          if (events.length >= limit) break;
        }
      } finally {
        await read.cancel().catch(() => {});
      }
      return events;
    },

    async *subscribeToAll(options = {}) {
      const subscription = client.subscribeToAll({
        fromPosition: toEsdbPosition(options.after) ?? START,
        filter: excludeSystemEvents(),
      });
      const stop = () => void subscription.unsubscribe().catch(() => {});
      options.signal?.addEventListener('abort', stop, { once: true });
      try {
        if (options.signal?.aborted) return;
        // A Readable in paused mode: the client reads from the server only as fast as we pull.
        for await (const resolved of subscription) {
          if (options.signal?.aborted) return;
          const event = toUserEvent(resolved);
          if (
            !event ||
            (options.after !== undefined && comparePositionPairs(event.position, options.after) <= 0)
          ) {
            continue;
          }
          yield event;
        }
      } finally {
        options.signal?.removeEventListener('abort', stop);
        await subscription.unsubscribe().catch(() => {});
      }
    },

    comparePositions: comparePositionPairs,

    async headPosition() {
      const read = client.readAll({ fromPosition: END, direction: BACKWARDS });
      try {
        for await (const resolved of read) {
          const event = toUserEvent(resolved);
          if (event) return event.position;
        }
      } finally {
        await read.cancel().catch(() => {});
      }
      return null;
    },

    close: () => client.dispose(),
  };
}

function toEsdbExpectation(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

function encodeEsdbPosition(position: EsdbPosition): Position {
  return encodePosition(position.commit, position.prepare);
}

// $correlationId / $causationId are the keys EventStoreDB's own projections understand.
function toEsdbMetadata(metadata: EventMetadata): Record<string, unknown> {
  return {
    ...metadata,
    $correlationId: metadata.correlationId,
    ...(metadata.causationId === null ? {} : { $causationId: metadata.causationId }),
  };
}

/** User events only: system events (types starting with "$") and unresolved links are skipped. */
function toUserEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
  if (!resolved.event || resolved.event.type.startsWith('$')) return undefined;
  return toRecordedEvent(resolved);
}

function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('EventStoreDB returned a link to a missing event');
  const commit = event.position?.commit ?? resolved.commitPosition ?? 0n;
  const { $correlationId: _correlation, $causationId: _causation, ...metadata } = toObject(event.metadata);
  return {
    id: event.id,
    type: event.type,
    data: toObject(event.data),
    metadata: metadata as unknown as EventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: encodePosition(commit, event.position?.prepare ?? commit),
    recordedAt: event.created.toISOString(),
  };
}

function toObject(value: unknown): Record<string, unknown> {
  if (value instanceof Uint8Array)
    return value.length === 0 ? {} : JSON.parse(Buffer.from(value).toString('utf8'));
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  return {};
}

import { isUniqueViolation, type SqlClient, type SqlQueryable } from '../../sql/client.ts';
import { InvalidAppendError, WrongExpectedRevisionError } from '../errors.ts';
import type { AppendResult, ExpectedRevision } from '../port.ts';
import type { ValidatedEvent } from '../validation.ts';
import {
  APPEND_ONE_SQL,
  APPEND_SQL,
  CLASSIFY_RECORDED_SQL,
  EVENT_ID_CONSTRAINT,
  EVENTSTORE_CHANNEL,
} from './schema.ts';

export interface AppendRow {
  outcome: 'appended' | 'replayed' | 'wrong_expected_revision' | 'event_id_taken';
  stream_revision: string | number | null;
  event_position: string | null;
}

// Two appends collide on a unique key only while they race; a new attempt sees the winner.
const MAX_APPEND_ATTEMPTS = 10;
const PREPARED = { prepare: true } as const;

/** The JSON array `eventstore_append` takes, built from the already-serialised parts. */
export function toAppendPayload(events: ValidatedEvent[]): string {
  const parts = events.map(
    ({ event, dataJson, metadataJson }) =>
      `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"data":${dataJson},"metadata":${metadataJson}}`,
  );
  return `[${parts.join(',')}]`;
}

/**
 * Runs one append: a single event first through the one-statement fast path, anything it
 * does not settle (and every batch) through `eventstore_append`, which decides every outcome.
 */
export async function callAppend(
  sql: SqlQueryable,
  streamId: string,
  expected: ExpectedRevision,
  events: ValidatedEvent[],
): Promise<AppendRow> {
  const [only] = events;
  if (only && events.length === 1) {
    const exact = typeof expected === 'number';
    const params = [
      streamId,
      exact ? 'exact' : expected,
      exact ? expected : null,
      only.event.id,
      only.event.type,
      only.dataJson,
      only.metadataJson,
    ];
    try {
      const { rows } = await sql.query<AppendRow>(APPEND_ONE_SQL, params, PREPARED);
      if (rows[0]) return { ...rows[0], outcome: 'appended' };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return callAppendFunction(sql, streamId, String(expected), toAppendPayload(events));
}

async function callAppendFunction(
  sql: SqlQueryable,
  streamId: string,
  expected: string,
  payload: string,
): Promise<AppendRow> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { rows } = await sql.query<AppendRow>(APPEND_SQL, [streamId, expected, payload], PREPARED);
      const row = rows[0];
      if (!row) throw new Error('eventstore_append returned no row');
      return row;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
      if (violatedConstraint(error) === EVENT_ID_CONSTRAINT) {
        const { rows } = await sql.query<AppendRow>(CLASSIFY_RECORDED_SQL, [streamId, expected, payload]);
        if (rows[0]) return rows[0];
      }
    }
  }
}

function violatedConstraint(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'constraint' in error &&
    typeof error.constraint === 'string'
    ? error.constraint
    : undefined;
}

export function interpretAppend(streamId: string, expected: ExpectedRevision, row: AppendRow): AppendResult {
  switch (row.outcome) {
    case 'appended':
    case 'replayed':
      return { nextRevision: Number(row.stream_revision), position: row.event_position ?? '' };
    case 'wrong_expected_revision':
      throw new WrongExpectedRevisionError(
        streamId,
        expected,
        row.stream_revision === null ? 'no_stream' : Number(row.stream_revision),
      );
    case 'event_id_taken':
      throw new InvalidAppendError(
        `stream ${streamId}: an event id is already recorded (in stream ${row.event_position}) by a different append`,
      );
  }
}

/**
 * Sends the cross-process wake-up after appends: at most one in flight and at most one per
 * `minIntervalMs`; appends that finish meanwhile share the next one. Each wake-up is a small
 * transaction of its own, so sending one per append would cost writers about a fifth of their
 * throughput. A lost wake-up only delays subscribers until their next poll.
 */
export function createWakeUpSender(sql: SqlClient, minIntervalMs: number) {
  // It writes nothing, so its commit need not wait for a WAL flush.
  const text = `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${EVENTSTORE_CHANNEL}', '')`;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pending = false;
  let lastStartedAt = Number.NEGATIVE_INFINITY;

  const fire = () => {
    pending = false;
    lastStartedAt = performance.now();
    const done = () => {
      inFlight = undefined;
      if (pending) send();
    };
    inFlight = sql.query(text, [], PREPARED).then(done, done);
  };
  const send = () => {
    if (inFlight || timer) {
      pending = true;
      return;
    }
    const wait = lastStartedAt + minIntervalMs - performance.now();
    if (wait <= 0) return fire();
    pending = true;
    timer = setTimeout(() => {
      timer = undefined;
      if (pending) send();
    }, wait);
    timer.unref();
  };
  return {
    send,
    /** Stops scheduling and waits for the wake-up in flight, if any. */
    async close(): Promise<void> {
      clearTimeout(timer);
      timer = undefined;
      pending = false;
      await inFlight;
    },
  };
}

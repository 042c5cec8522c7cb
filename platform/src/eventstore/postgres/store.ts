import type { SqlClient } from '../../sql/client.ts';
import { runMigrations } from '../../sql/migrations.ts';
import type { AppendResult, EventStore, ExpectedRevision, Position, RecordedEvent } from '../port.ts';
import { comparePositionPairs, decodePosition } from '../position.ts';
import { validateAppend, validateReadAllLimit, validateStreamRead } from '../validation.ts';
import { callAppend, createWakeUpSender, interpretAppend, toAppendPayload } from './append.ts';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './rows.ts';
import { EVENTSTORE_CHANNEL, EVENTSTORE_MIGRATION_NAMESPACE, eventStoreMigrations } from './schema.ts';
import { subscribe } from './subscription.ts';
import { WakeSignal } from './wake.ts';

export interface PostgresEventStoreOptions {
  /** Run the event store's migrations first (default true). */
  migrate?: boolean;
  /** Events a subscription reads per query (default 500). */
  batchSize?: number;
  /** Longest a live subscription waits without a wake-up (default 500 ms). */
  pollIntervalMs?: number;
  /** Least time between two wake-ups this store sends to other processes (default 2 ms). */
  wakeUpIntervalMs?: number;
}

// Fixed statements run on every append and read: parse and plan them once per connection.
const PREPARED = { prepare: true } as const;
// Events appear a few milliseconds after a wake-up when an older append is still committing.
const HELD_BACK_RETRY_MS = 2;
// Only rows of transactions older than every running one are final: a transaction still
// running can commit later with a smaller global_position than rows already visible.
const BELOW_HORIZON = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM eventstore_events
  WHERE ${BELOW_HORIZON} AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
  ORDER BY transaction_id, global_position LIMIT $3`;
// One stream needs no horizon: appends to a stream serialise on (stream_id, revision), so its
// revisions become visible in order, and the write side must see the latest committed state.
// The positions such reads (and appends) return can be above the horizon, though: they are
// fine for "is the reader at least this fresh" but a reader should resume only from positions
// that readAll or a subscription delivered.
const READ_STREAM_FORWARDS_SQL = `SELECT ${EVENT_COLUMNS} FROM eventstore_events
  WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`;
const READ_STREAM_BACKWARDS_SQL = `SELECT ${EVENT_COLUMNS} FROM eventstore_events
  WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`;
const HEAD_SQL = `SELECT eventstore_position(transaction_id, global_position) AS position FROM eventstore_events
  WHERE ${BELOW_HORIZON} ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;
const HELD_BACK_SQL = `SELECT EXISTS (SELECT 1 FROM eventstore_events
  WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held_back`;

/** The PostgreSQL (and PGlite) event store. The caller owns `sql` and closes it after the store. */
export async function createPostgresEventStore(
  sql: SqlClient,
  options: PostgresEventStoreOptions = {},
): Promise<EventStore> {
  if (options.migrate !== false)
    await runMigrations(sql, EVENTSTORE_MIGRATION_NAMESPACE, eventStoreMigrations);
  const timing = {
    batchSize: options.batchSize ?? 500,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    heldBackRetryMs: HELD_BACK_RETRY_MS,
  };
  const wake = new WakeSignal();
  const closing = new AbortController();
  const wakeUps = createWakeUpSender(sql, options.wakeUpIntervalMs ?? 2);
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;

  const ensureListening = () => {
    listening ??= sql
      .listen(EVENTSTORE_CHANNEL, () => wake.bump())
      .catch(() => {
        // Polling still delivers everything; the next subscription tries to listen again.
        listening = undefined;
        return undefined;
      });
    return listening;
  };

  const readAfter = async (
    after: Position | undefined,
    limit: number | undefined,
  ): Promise<RecordedEvent[]> => {
    const from = after === undefined ? { major: 0n, minor: 0n } : decodePosition(after);
    // BigInt strings: a zero-padded number would be read by xid8 as octal.
    const params = [from.major.toString(), from.minor.toString(), limit ?? null];
    const { rows } = await sql.query<EventRow>(READ_ALL_SQL, params, PREPARED);
    return rows.map(toRecordedEvent);
  };

  return {
    async appendToStream(streamId, events, appendOptions): Promise<AppendResult> {
      const expected = appendOptions?.expectedRevision;
      const payload = toAppendPayload(validateAppend(streamId, events, expected));
      const row = await callAppend(sql, streamId, String(expected), payload);
      const result = interpretAppend(streamId, expected as ExpectedRevision, row);
      if (row.outcome === 'appended') {
        wake.bump();
        wakeUps.send();
      }
      return result;
    },

    async readStream(streamId, readOptions) {
      const { direction, from, limit } = validateStreamRead(readOptions);
      const forwards = direction === 'forwards';
      const start = from ?? (forwards ? 0 : Number.MAX_SAFE_INTEGER);
      const text = forwards ? READ_STREAM_FORWARDS_SQL : READ_STREAM_BACKWARDS_SQL;
      const { rows } = await sql.query<EventRow>(text, [streamId, start, limit ?? null], PREPARED);
      return rows.map(toRecordedEvent);
    },

    readAll: async (readOptions) => readAfter(readOptions?.after, validateReadAllLimit(readOptions)),

    subscribeToAll(subscribeOptions = {}) {
      const { after } = subscribeOptions;
      if (after !== undefined) decodePosition(after);
      const signals = [closing.signal, ...(subscribeOptions.signal ? [subscribeOptions.signal] : [])];
      const source = {
        readAfter,
        hasHeldBackEvents: async () => {
          const { rows } = await sql.query<{ held_back: boolean }>(HELD_BACK_SQL, [], PREPARED);
          return rows[0]?.held_back === true;
        },
      };
      const started = ensureListening();
      return (async function* () {
        await started;
        yield* subscribe(source, wake, timing, after, AbortSignal.any(signals));
      })();
    },

    comparePositions: comparePositionPairs,

    async headPosition() {
      const { rows } = await sql.query<{ position: string }>(HEAD_SQL, [], PREPARED);
      return rows[0]?.position ?? null;
    },

    async close() {
      closing.abort();
      wake.bump();
      await wakeUps.close();
      const unlisten = await listening;
      await unlisten?.();
    },
  };
}

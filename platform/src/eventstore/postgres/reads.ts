import type { SqlQueryable } from '../../sql/client.ts';
import type { Position, RecordedEvent } from '../port.ts';
import { decodePosition } from '../position.ts';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './rows.ts';

// Fixed statements run on every read: parse and plan them once per connection.
const PREPARED = { prepare: true } as const;

// Only rows of transactions older than every running one (of this database) are final: a
// transaction still running can commit later with a smaller global_position than rows
// already visible. See eventstore_horizon() in the schema.
const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM eventstore_events
  WHERE transaction_id < eventstore_horizon() AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
  ORDER BY transaction_id, global_position LIMIT $3`;
// After a short read: committed events exist beyond it, so the horizon is holding them back.
// ORDER BY the key + LIMIT 1 keeps even the generic plan of this prepared statement on the
// primary key; as a bare EXISTS, PostgreSQL switched to a scan of the whole table after a few runs.
const EVENTS_AFTER_SQL = `SELECT true AS found FROM eventstore_events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  ORDER BY transaction_id, global_position LIMIT 1`;
const HEAD_SQL = `SELECT eventstore_position(transaction_id, global_position) AS position FROM eventstore_events
  WHERE transaction_id < eventstore_horizon() ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;

// One stream needs no horizon: appends to a stream serialise on (stream_id, revision), so its
// revisions become visible in order, and the write side must see the latest committed state.
// The positions such reads (and appends) return can be above the horizon, though: they are
// fine for "is the reader at least this fresh" but a reader should resume only from positions
// that readAll or a subscription delivered.
const READ_STREAM_FORWARDS_SQL = `SELECT ${EVENT_COLUMNS} FROM eventstore_events
  WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`;
const READ_STREAM_BACKWARDS_SQL = `SELECT ${EVENT_COLUMNS} FROM eventstore_events
  WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`;

function positionParams(after: Position | undefined): [string, string] {
  // No position: from the start, before any event.
  const { major, minor } = after === undefined ? { major: 0n, minor: 0n } : decodePosition(after);
  // BigInt strings: a zero-padded number would be read by xid8 as octal.
  return [major.toString(), minor.toString()];
}

export function createReads(sql: SqlQueryable) {
  const readPage = async (
    after: Position | undefined,
    limit: number | undefined,
  ): Promise<RecordedEvent[]> => {
    const { rows } = await sql.query<EventRow>(
      READ_ALL_SQL,
      [...positionParams(after), limit ?? null],
      PREPARED,
    );
    return rows.map(toRecordedEvent);
  };

  const hasEventsAfter = async (after: Position | undefined): Promise<boolean> => {
    const { rows } = await sql.query<{ found: boolean }>(EVENTS_AFTER_SQL, positionParams(after), PREPARED);
    return rows[0]?.found === true;
  };

  return {
    readPage,
    hasEventsAfter,

    async readStream(
      streamId: string,
      forwards: boolean,
      from: number | undefined,
      limit: number | undefined,
    ) {
      const start = from ?? (forwards ? 0 : Number.MAX_SAFE_INTEGER);
      const text = forwards ? READ_STREAM_FORWARDS_SQL : READ_STREAM_BACKWARDS_SQL;
      const { rows } = await sql.query<EventRow>(text, [streamId, start, limit ?? null], PREPARED);
      return rows.map(toRecordedEvent);
    },

    async headPosition(): Promise<Position | null> {
      const { rows } = await sql.query<{ position: string }>(HEAD_SQL, [], PREPARED);
      return rows[0]?.position ?? null;
    },
  };
}

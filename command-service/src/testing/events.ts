import type { SqlClient } from '@taskflow/platform/sql';

/**
 * The event table read directly, for assertions. `store.readAll` stops below the oldest running
 * transaction of the whole PostgreSQL cluster, which is shared with other suites: a transaction
 * another suite holds open would hide our newest events and make "nothing appended" pass
 * vacuously. The table itself has no such horizon.
 */
export interface StoredEvent {
  globalPosition: number;
  streamId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

interface Row {
  global_position: string;
  stream_id: string;
  revision: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export async function storedEvents(sql: SqlClient, afterGlobalPosition = 0): Promise<StoredEvent[]> {
  const { rows } = await sql.query<Row>(
    `SELECT global_position, stream_id, revision, event_type, data, metadata FROM eventstore_events
      WHERE global_position > $1 ORDER BY global_position`,
    [afterGlobalPosition],
  );
  return rows.map((row) => ({
    globalPosition: Number(row.global_position),
    streamId: row.stream_id,
    revision: Number(row.revision),
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
  }));
}

export async function eventCount(sql: SqlClient): Promise<number> {
  const { rows } = await sql.query<{ count: string }>('SELECT count(*) AS count FROM eventstore_events');
  return Number(rows[0]?.count ?? 0);
}

export async function streamEvents(sql: SqlClient, streamId: string): Promise<StoredEvent[]> {
  return (await storedEvents(sql)).filter((event) => event.streamId === streamId);
}

/** Runs `action` (awaited to the end) and returns what it appended, in order. */
export async function appendedDuring<T>(
  sql: SqlClient,
  action: () => Promise<T>,
): Promise<{ result: T; events: StoredEvent[] }> {
  const { rows } = await sql.query<{ max: string | null }>(
    'SELECT max(global_position) AS max FROM eventstore_events',
  );
  const before = Number(rows[0]?.max ?? 0);
  const result = await action();
  return { result, events: await storedEvents(sql, before) };
}

import type { SqlClient } from '@taskflow/platform/sql';
import type { createTraffic, EventRow } from '../src/testing/traffic.ts';

const CHUNK = 20_000;

/**
 * Writes `count` generated events straight into the event store's table, a chunk per
 * statement in append order (set-up only: a million appends one by one would take the whole
 * time budget). The next chunk is generated while PostgreSQL stores the current one. Each
 * chunk's positions come back, so later inbox events can point at earlier notifications.
 */
export async function loadTraffic(
  sql: SqlClient,
  traffic: ReturnType<typeof createTraffic>,
  count: number,
  onChunk?: (loaded: number) => void,
): Promise<number> {
  // In slices, with a turn of the event loop after each: the pending INSERT goes out first.
  const generate = async (size: number) => {
    const rows: EventRow[] = [];
    while (rows.length < size) {
      rows.push(...traffic.next(Math.min(2_000, size - rows.length)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return rows;
  };
  let loaded = 0;
  let rows = await generate(Math.min(CHUNK, count));
  while (rows.length > 0) {
    const storing = store(sql, rows);
    loaded += rows.length;
    rows = await generate(Math.max(0, Math.min(CHUNK, count - loaded)));
    traffic.stored(await storing);
    onChunk?.(loaded);
  }
  await sql.exec('VACUUM ANALYZE eventstore_events');
  return loaded;
}

async function store(sql: SqlClient, rows: EventRow[]): Promise<Map<string, string>> {
  const { rows: stored } = await sql.query<{ event_id: string; position: string }>(
    `INSERT INTO eventstore_events (stream_id, revision, event_id, event_type, data, metadata)
     SELECT r.stream_id, r.revision, r.event_id, r.event_type, r.data, r.metadata
     FROM json_to_recordset($1::json)
       AS r(stream_id text, revision bigint, event_id uuid, event_type text, data jsonb, metadata jsonb)
     RETURNING event_id, eventstore_position(transaction_id, global_position) AS position`,
    [JSON.stringify(rows)],
  );
  return new Map(stored.map((row) => [row.event_id, row.position]));
}

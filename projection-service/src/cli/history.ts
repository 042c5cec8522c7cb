import { publicRevision, taskStream } from '@taskflow/contracts';
import type { EventStore, RecordedEvent } from '@taskflow/platform/eventstore';
import type { SqlQueryable } from '@taskflow/platform/sql';
import { READ_SCHEMA } from '../schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `history <taskId>`: the task's events as the event store recorded them, oldest first, for an
 * auditor: revision, when it happened, who did it (with the name the directory has for them),
 * what and the data as recorded. It reads the log itself, never the read models, so it shows
 * what happened even where a projection were wrong. `json` prints one full record per line.
 */
export async function printTaskHistory(
  deps: { eventStore: EventStore; sql: SqlQueryable },
  taskId: string,
  options: { json: boolean; write: (text: string) => void },
): Promise<number> {
  const events = await deps.eventStore.readStream(taskStream(taskId));
  if (options.json) {
    for (const event of events)
      options.write(`${JSON.stringify({ ...event, revision: publicRevision(event.revision) })}\n`);
    return events.length;
  }
  if (events.length === 0) return 0;
  const names = await actorNames(deps.sql, events);
  const rows = events.map((event) => [
    String(publicRevision(event.revision)),
    new Date(event.metadata.occurredAt).toISOString(),
    actorLabel(event.metadata.actor, names),
    event.type,
    JSON.stringify(event.data),
  ]);
  const header = ['revision', 'time (UTC)', 'actor', 'type', 'data'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ');
  options.write(`task ${taskId}: ${events.length} event${events.length === 1 ? '' : 's'}\n`);
  options.write(`${line(header)}\n`);
  for (const row of rows) options.write(`${line(row)}\n`);
  return events.length;
}

function actorLabel(actor: string | null, names: Map<string, string>): string {
  if (actor === null) return '(system)';
  const name = names.get(actor);
  return name ? `${actor} (${name})` : actor;
}

/** Names from the user directory; the history stands without them (no read models yet). */
async function actorNames(sql: SqlQueryable, events: RecordedEvent[]): Promise<Map<string, string>> {
  const ids = [
    ...new Set(events.map((event) => event.metadata.actor).filter((a): a is string => !!a && UUID.test(a))),
  ];
  if (ids.length === 0) return new Map();
  try {
    const { rows } = await sql.query<{ id: string; name: string }>(
      `SELECT id::text AS id, name FROM ${READ_SCHEMA}.users WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  } catch {
    return new Map();
  }
}

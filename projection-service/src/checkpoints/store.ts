import type { Position } from '@taskflow/platform/eventstore';
import type { SqlQueryable } from '@taskflow/platform/sql';
import { assertSchemaName } from '../schema.ts';

/** NOTIFY channel told of every committed checkpoint; payload `{ schema, name, position }`. */
export const CHECKPOINT_CHANNEL = 'read_checkpoint_advanced';

export interface CheckpointRow {
  position: Position | null;
  eventsApplied: number;
  eventsSkipped: number;
}

interface Row {
  position: string | null;
  events_applied: string | number;
  events_skipped: string | number;
}

function toCheckpoint(row: Row | undefined, name: string): CheckpointRow {
  if (!row) throw new Error(`checkpoint row "${name}" is missing: were the read-model migrations run?`);
  return {
    position: row.position,
    eventsApplied: Number(row.events_applied),
    eventsSkipped: Number(row.events_skipped),
  };
}

export async function readCheckpoint(
  sql: SqlQueryable,
  schema: string,
  name: string,
): Promise<CheckpointRow> {
  const { rows } = await sql.query<Row>(
    `SELECT position, events_applied, events_skipped FROM ${assertSchemaName(schema)}.checkpoints WHERE name = $1`,
    [name],
  );
  return toCheckpoint(rows[0], name);
}

/** Inside a batch's transaction: locks the row, so two runners never apply the same batch. */
export async function lockCheckpoint(tx: SqlQueryable, schema: string, name: string): Promise<CheckpointRow> {
  const { rows } = await tx.query<Row>(
    `SELECT position, events_applied, events_skipped FROM ${assertSchemaName(schema)}.checkpoints
     WHERE name = $1 FOR UPDATE`,
    [name],
  );
  return toCheckpoint(rows[0], name);
}

/**
 * Same transaction as the batch's effects; the NOTIFY goes out only if it commits. One
 * statement for both: every round trip inside a batch adds to the projection lag.
 */
export async function advanceCheckpoint(
  tx: SqlQueryable,
  schema: string,
  name: string,
  update: { position: Position; applied: number; skipped: number },
): Promise<void> {
  await tx.query(
    `WITH moved AS (
       UPDATE ${assertSchemaName(schema)}.checkpoints
       SET position = $2, events_applied = events_applied + $3, events_skipped = events_skipped + $4,
           updated_at = now()
       WHERE name = $1 RETURNING name
     )
     SELECT pg_notify($5, $6) FROM moved`,
    [
      name,
      update.position,
      update.applied,
      update.skipped,
      CHECKPOINT_CHANNEL,
      JSON.stringify({ schema, name, position: update.position }),
    ],
  );
}

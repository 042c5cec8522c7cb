import { type Migration, runMigrations, type SqlClient } from '@taskflow/platform/sql';

/**
 * The forwarder's checkpoint lives in a schema of its own: a read-model rebuild swaps `read`
 * wholesale and must not move what has been published to Kafka.
 */
export const FORWARDER_MIGRATION_NAMESPACE = 'projection_forwarder';
export const KAFKA_FORWARDER = 'kafka';

export const forwarderMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'forwarder checkpoints',
    sql: `
CREATE SCHEMA IF NOT EXISTS forwarder;
CREATE TABLE forwarder.checkpoints (
  name text PRIMARY KEY,
  position text COLLATE "C",
  events_published bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO forwarder.checkpoints (name) VALUES ('${KAFKA_FORWARDER}');
`,
  },
];

export async function migrateForwarder(sql: SqlClient): Promise<void> {
  await runMigrations(sql, FORWARDER_MIGRATION_NAMESPACE, forwarderMigrations);
}

export async function readForwarderCheckpoint(sql: SqlClient, name: string): Promise<string | null> {
  const { rows } = await sql.query<{ position: string | null }>(
    'SELECT position FROM forwarder.checkpoints WHERE name = $1',
    [name],
  );
  if (!rows[0]) {
    await sql.query('INSERT INTO forwarder.checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING', [name]);
    return null;
  }
  return rows[0].position;
}

/** Only forwards: a slower twin (another instance) never moves it back. */
export async function advanceForwarderCheckpoint(
  sql: SqlClient,
  name: string,
  position: string,
  published: number,
): Promise<void> {
  await sql.query(
    `UPDATE forwarder.checkpoints
     SET position = $2, events_published = events_published + $3, updated_at = now()
     WHERE name = $1 AND (position IS NULL OR position < $2)`,
    [name, position, published],
  );
}

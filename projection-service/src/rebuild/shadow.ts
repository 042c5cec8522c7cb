import type { SqlClient } from '@taskflow/platform/sql';
import { assertSchemaName, QUERY_ONLY_INDEXES, readModelDdl } from '../schema.ts';

/** Index definitions set aside by `layShadowSchema`, to be laid again by `layIndexes`. */
export type DeferredIndexes = readonly string[];

/**
 * Lays empty read-model tables in `schema` (dropping whatever an earlier run left there) with
 * `readModelDdl`, then takes out the indexes only queries use, returning their definitions as
 * PostgreSQL prints them: the same DDL, built once over the finished tables.
 */
export async function layShadowSchema(sql: SqlClient, schema: string): Promise<DeferredIndexes> {
  const s = assertSchemaName(schema);
  await sql.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE; ${readModelDdl(s)}`);
  const { rows } = await sql.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname = $1 AND indexname = ANY($2) ORDER BY indexname`,
    [s, QUERY_ONLY_INDEXES],
  );
  if (rows.length > 0) await sql.exec(rows.map((row) => `DROP INDEX ${s}.${row.name};`).join('\n'));
  return rows.map((row) => row.definition);
}

/**
 * Builds the deferred indexes (with memory enough to sort each in one go) and gathers the
 * planner's statistics: swapped in without them, the new tables would be queried with
 * guesses until autovacuum came by.
 */
export async function finishShadowSchema(
  sql: SqlClient,
  schema: string,
  definitions: DeferredIndexes,
): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query("SET LOCAL maintenance_work_mem = '256MB'");
    for (const definition of definitions) await tx.exec(definition);
  });
  const { rows } = await sql.query<{ name: string }>(
    'SELECT tablename AS name FROM pg_tables WHERE schemaname = $1',
    [assertSchemaName(schema)],
  );
  await sql.exec(`ANALYZE ${rows.map((row) => `${schema}.${row.name}`).join(', ')}`);
}

export async function dropSchema(sql: SqlClient, schema: string): Promise<void> {
  await sql.exec(`DROP SCHEMA IF EXISTS ${assertSchemaName(schema)} CASCADE`);
}

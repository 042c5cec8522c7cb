import type { SqlClient } from '@taskflow/platform/sql';
import { assertSchemaName, readModelDdl } from '../schema.ts';

/** Lays empty read-model tables in `schema`, dropping whatever an earlier run left there. */
export async function layShadowSchema(sql: SqlClient, schema: string): Promise<void> {
  const s = assertSchemaName(schema);
  await sql.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE; ${readModelDdl(s)}`);
}

export async function dropSchema(sql: SqlClient, schema: string): Promise<void> {
  await sql.exec(`DROP SCHEMA IF EXISTS ${assertSchemaName(schema)} CASCADE`);
}

import type { SqlQueryable } from '@taskflow/platform/sql';
import { assertSchemaName } from '../schema.ts';

/** Every read-model table (and its key order), for comparing two projections row by row. */
export const READ_MODEL_TABLES: Readonly<Record<string, string>> = {
  users: 'id',
  projects: 'id',
  memberships: 'project_id, user_id',
  tasks: 'id',
  task_reminders: 'task_id, deadline, reminder_window',
  notifications: 'id',
};

/** All rows of every read-model table as JSON text, checkpoints excluded. */
export async function dumpReadModels(sql: SqlQueryable, schema: string): Promise<Record<string, string[]>> {
  const s = assertSchemaName(schema);
  const dump: Record<string, string[]> = {};
  for (const [table, key] of Object.entries(READ_MODEL_TABLES)) {
    const { rows } = await sql.query<{ row: string }>(
      `SELECT row_to_json(t)::text AS row FROM ${s}.${table} t ORDER BY ${key}`,
    );
    dump[table] = rows.map((row) => row.row);
  }
  return dump;
}

import type { SqlClient } from './client.ts';

/**
 * Versioned schema migrations. Each package registers its own ordered list under a namespace
 * (e.g. `eventstore`, `read_models`); `schema_migrations` remembers what ran where.
 */
export interface Migration {
  /** Positive, unique within the namespace; migrations run in ascending order. */
  version: number;
  name: string;
  /** One or more statements; they run in one transaction with the rest of the batch. */
  sql: string;
}

export interface MigrationReport {
  namespace: string;
  applied: Migration[];
}

/** Every starter takes the same lock, so two processes starting at once never race on DDL. */
const MIGRATION_LOCK_KEY = 7_461_730_115_214_001n;

export async function runMigrations(
  sql: SqlClient,
  namespace: string,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  assertWellFormed(namespace, migrations);
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const applied = await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      namespace text NOT NULL,
      version integer NOT NULL,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (namespace, version)
    )`);
    const { rows } = await tx.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations WHERE namespace = $1',
      [namespace],
    );
    const done = new Map(rows.map((row) => [Number(row.version), row.name]));
    const pending: Migration[] = [];
    for (const migration of ordered) {
      const recordedName = done.get(migration.version);
      if (recordedName === undefined) pending.push(migration);
      else if (recordedName !== migration.name) {
        throw new Error(
          `migration ${namespace}/${migration.version} is recorded as "${recordedName}" but the code calls it "${migration.name}": applied migrations must not be changed`,
        );
      }
    }
    for (const migration of pending) {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (namespace, version, name) VALUES ($1, $2, $3)', [
        namespace,
        migration.version,
        migration.name,
      ]);
    }
    return pending;
  });
  return { namespace, applied };
}

function assertWellFormed(namespace: string, migrations: readonly Migration[]): void {
  if (!/^[a-z][a-z0-9_]*$/.test(namespace)) throw new Error(`invalid migration namespace: ${namespace}`);
  const seen = new Set<number>();
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= 0) {
      throw new Error(`migration ${namespace}/${migration.name}: version must be a positive integer`);
    }
    if (seen.has(migration.version))
      throw new Error(`migration ${namespace}/${migration.version} is listed twice`);
    seen.add(migration.version);
  }
}

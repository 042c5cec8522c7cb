import type { SqlClient } from '@taskflow/platform/sql';

/** Rebuild and verify each lay a shadow schema and read the live one: one at a time per database. */
const MAINTENANCE_LOCK = { classId: 7461730, objectId: 1 } as const;

export class MaintenanceBusyError extends Error {
  override readonly name = 'MaintenanceBusyError';
}

/**
 * Runs `work` while holding the read models' maintenance lock: a transaction-level advisory
 * lock on a connection of its own, held open (idle, with no transaction id, so it holds back
 * neither the event store's readers nor vacuum) until `work` ends. The lock is gone as soon as
 * the process or its connection is, so a crashed rebuild never blocks the next one.
 */
export async function withMaintenanceLock<T>(sql: SqlClient, work: () => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [
      MAINTENANCE_LOCK.classId,
      MAINTENANCE_LOCK.objectId,
    ]);
    if (!rows[0]?.ok) {
      throw new MaintenanceBusyError('another read-model rebuild or verify is running on this database');
    }
    return work();
  });
}

import { PGlite, type Transaction } from '@electric-sql/pglite';
import { assertChannelName, type SqlClient, type SqlQueryable, type SqlResult } from './client.ts';

/**
 * PGlite is one PostgreSQL session inside this process: queries and transactions are queued
 * one at a time by PGlite itself, and NOTIFY reaches listeners in the same process only.
 */
export function createPgliteSqlClient(db: PGlite): SqlClient {
  const queryable = (target: PGlite | Transaction): SqlQueryable => ({
    // PGlite runs in this process: there is no round trip to save, so `prepare` is ignored.
    query: async <Row extends object>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>> => {
      const result = await target.query<Row>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    exec: async (script) => {
      await target.exec(script);
    },
  });

  return {
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    listen: async (channel, handler) => {
      assertChannelName(channel);
      const unlisten = await db.listen(channel, handler);
      return () => unlisten();
    },
    close: () => db.close(),
  };
}

/** Opens PGlite on a data folder (persistent) or in memory when `dataDir` is omitted. */
export async function openPgliteSqlClient(dataDir?: string): Promise<SqlClient> {
  const db = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  return createPgliteSqlClient(db);
}

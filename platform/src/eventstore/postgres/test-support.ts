import pg from 'pg';
import type { SqlClient, SqlQueryable } from '../../sql/client.ts';
import { createPgSqlClient } from '../../sql/pg.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/index.ts';
import { newEvent } from '../contract/fixtures.ts';
import type { EventStore, NewEvent, RecordedEvent, SubscribeOptions } from '../port.ts';
import { validateAppend } from '../validation.ts';
import { callAppend } from './append.ts';
import { createPostgresEventStore, type PostgresEventStoreOptions } from './store.ts';

export interface PostgresFixture {
  database: TestDatabase;
  sql: SqlClient;
  store: EventStore;
  /** Another store on its own connections, as another process would have. */
  openStore(options?: PostgresEventStoreOptions & { maxConnections?: number }): Promise<EventStore>;
  dispose(): Promise<void>;
}

export async function openPostgresFixture(options: PostgresEventStoreOptions = {}): Promise<PostgresFixture> {
  const database = await createTestDatabase('eventstore_pg');
  const sql = createPgSqlClient({ connectionString: database.url });
  const store = await createPostgresEventStore(sql, options);
  const opened: Array<{ store: EventStore; sql: SqlClient }> = [];
  return {
    database,
    sql,
    store,
    openStore: async ({ maxConnections, ...storeOptions } = {}) => {
      const otherSql = createPgSqlClient({ connectionString: database.url, maxConnections });
      const other = await createPostgresEventStore(otherSql, storeOptions);
      opened.push({ store: other, sql: otherSql });
      return other;
    },
    dispose: async () => {
      for (const other of opened) {
        await other.store.close();
        await other.sql.close();
      }
      await store.close();
      await sql.close();
      await database.drop();
    },
  };
}

/** A session of its own running the adapter's append inside a transaction the test controls. */
export async function beginRawAppend(url: string, streamId: string, events: NewEvent[] = [newEvent()]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  // The adapter's own append code, on a session whose transaction the test ends.
  const session: SqlQueryable = {
    query: async <Row extends object>(text: string, params?: readonly unknown[]) => {
      const result = await client.query<Row>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    exec: async (script) => {
      await client.query(script);
    },
  };
  const row = await callAppend(session, streamId, 'any', validateAppend(streamId, events, 'any'));
  const position = row.event_position;
  if (row.outcome !== 'appended' || !position) throw new Error(`raw append did not append: ${row.outcome}`);
  const finish = async (command: 'COMMIT' | 'ROLLBACK') => {
    try {
      await client.query(command);
    } finally {
      await client.end();
    }
  };
  return { position, events, commit: () => finish('COMMIT'), rollback: () => finish('ROLLBACK') };
}

/** Collects everything a subscription delivers, in the background, until stopped. */
export function collectSubscription(store: EventStore, options: Omit<SubscribeOptions, 'signal'> = {}) {
  const controller = new AbortController();
  const delivered: Array<{ event: RecordedEvent; at: number }> = [];
  const running = (async () => {
    for await (const event of store.subscribeToAll({ ...options, signal: controller.signal })) {
      delivered.push({ event, at: Date.now() });
    }
  })();
  return {
    delivered,
    /** Settles when the iteration ends by itself. */
    finished: running,
    events: () => delivered.map((entry) => entry.event),
    async stop() {
      controller.abort();
      await running;
    },
  };
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

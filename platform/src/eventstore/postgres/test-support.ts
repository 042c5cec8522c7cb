import pg from 'pg';
import type { SqlClient } from '../../sql/client.ts';
import { createPgSqlClient } from '../../sql/pg.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/index.ts';
import { newEvent } from '../contract/fixtures.ts';
import type { EventStore, NewEvent, RecordedEvent, SubscribeOptions } from '../port.ts';
import { toAppendPayload } from './append.ts';
import { APPEND_SQL } from './schema.ts';
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

/** A raw session running the adapter's own append SQL inside a transaction the test controls. */
export async function beginRawAppend(url: string, streamId: string, events: NewEvent[] = [newEvent()]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  const payload = toAppendPayload(
    events.map((event) => ({
      event,
      dataJson: JSON.stringify(event.data),
      metadataJson: JSON.stringify(event.metadata),
    })),
  );
  const { rows } = await client.query<{ event_position: string }>(APPEND_SQL, [streamId, 'any', payload]);
  const position = rows[0]?.event_position;
  if (!position) throw new Error('raw append returned no position');
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

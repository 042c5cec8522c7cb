import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSqlClient, runMigrations, type SqlClient } from '../sql/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/index.ts';
import { newEvent, newEvents } from './contract/fixtures.ts';
import { FIRST_PUBLISHED_V1_SQL } from './postgres/first-v1.fixture.ts';
import { EVENTSTORE_MIGRATION_NAMESPACE } from './postgres/schema.ts';
import { createPostgresEventStore } from './postgres/store.ts';

let database: TestDatabase;
let sql: SqlClient;

beforeAll(async () => {
  database = await createTestDatabase('eventstore_upgrade');
  sql = createPgSqlClient({ connectionString: database.url });
});
afterAll(async () => {
  await sql?.close();
  await database?.drop();
});

describe('PostgreSQL event store: upgrading an existing database', () => {
  it('given a database migrated by the first published v1 and holding events, when the store opens, then v2 brings it up to date and every operation works', async () => {
    await runMigrations(sql, EVENTSTORE_MIGRATION_NAMESPACE, [
      { version: 1, name: 'events table and append function', sql: FIRST_PUBLISHED_V1_SQL },
    ]);
    const old = newEvent({ written: 'by the first version' });
    await sql.query('SELECT * FROM eventstore_append($1, $2, $3::jsonb)', [
      'upgrade-old',
      'no_stream',
      JSON.stringify([old]),
    ]);

    const store = await createPostgresEventStore(sql);
    try {
      const { rows } = await sql.query<{ version: number }>(
        'SELECT version FROM schema_migrations WHERE namespace = $1 ORDER BY version',
        [EVENTSTORE_MIGRATION_NAMESPACE],
      );
      expect(rows.map((row) => row.version)).toEqual([1, 2]);
      const batch = newEvents(2);
      const appended = await store.appendToStream('upgrade-old', batch, { expectedRevision: 0 });
      expect(await store.appendToStream('upgrade-old', batch, { expectedRevision: 0 })).toEqual(appended);
      await store.appendToStream('upgrade-new', [newEvent()], { expectedRevision: 'no_stream' });
      const all = await store.readAll();
      expect(all.map((event) => [event.streamId, event.revision])).toEqual([
        ['upgrade-old', 0],
        ['upgrade-old', 1],
        ['upgrade-old', 2],
        ['upgrade-new', 0],
      ]);
      expect(all[0]?.data).toEqual(old.data);
      expect(await store.headPosition()).toBe(all.at(-1)?.position);
    } finally {
      await store.close();
    }
  });
});

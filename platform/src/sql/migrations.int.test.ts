import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.ts';
import { type Migration, runMigrations } from './migrations.ts';
import { createPgSqlClient } from './pg.ts';
import { openPgliteSqlClient } from './pglite.ts';

const migrations: Migration[] = [
  {
    version: 1,
    name: 'widgets',
    sql: 'CREATE TABLE widgets (id int PRIMARY KEY); CREATE INDEX ON widgets (id);',
  },
  { version: 2, name: 'widget names', sql: 'ALTER TABLE widgets ADD COLUMN name text' },
];

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('migrations');
});
afterAll(async () => {
  await database?.drop();
});

describe('runMigrations', () => {
  it('given five processes starting at once, when each migrates, then every migration runs exactly once', async () => {
    const clients = Array.from({ length: 5 }, () => createPgSqlClient({ connectionString: database.url }));
    try {
      const reports = await Promise.all(clients.map((sql) => runMigrations(sql, 'widgets', migrations)));
      expect(
        reports.flatMap((report) => report.applied.map((migration) => migration.version)).sort(),
      ).toEqual([1, 2]);
      const { rows } = await clients[0]!.query('SELECT version FROM schema_migrations WHERE namespace = $1', [
        'widgets',
      ]);
      expect(rows.map((row) => row.version)).toEqual([1, 2]);
      await clients[0]!.query("INSERT INTO widgets (id, name) VALUES (1, 'a')");
    } finally {
      await Promise.all(clients.map((sql) => sql.close()));
    }
  });

  it('given applied migrations, when a later list adds one, then only the new one runs', async () => {
    const sql = createPgSqlClient({ connectionString: database.url });
    try {
      const next = [
        ...migrations,
        { version: 3, name: 'widget colour', sql: 'ALTER TABLE widgets ADD COLUMN colour text' },
      ];
      const report = await runMigrations(sql, 'widgets', next);
      expect(report.applied.map((migration) => migration.version)).toEqual([3]);
      expect((await runMigrations(sql, 'widgets', next)).applied).toEqual([]);
    } finally {
      await sql.close();
    }
  });

  it('given an applied migration renamed in code, when migrating, then it refuses and changes nothing', async () => {
    const sql = createPgSqlClient({ connectionString: database.url });
    try {
      const renamed = [
        { ...migrations[0]!, name: 'gadgets' },
        { version: 9, name: 'never', sql: 'CREATE TABLE never (x int)' },
      ];
      await expect(runMigrations(sql, 'widgets', renamed)).rejects.toThrow(/must not be changed/);
      const { rows } = await sql.query("SELECT to_regclass('never') AS never");
      expect(rows[0]?.never).toBeNull();
    } finally {
      await sql.close();
    }
  });

  it('given a migration that fails, when migrating, then the whole batch rolls back', async () => {
    const sql = createPgSqlClient({ connectionString: database.url });
    try {
      const broken = [
        { version: 1, name: 'ok', sql: 'CREATE TABLE fine (x int)' },
        { version: 2, name: 'broken', sql: 'CREATE TABLE fine (x int)' },
      ];
      await expect(runMigrations(sql, 'broken', broken)).rejects.toThrow();
      const { rows } = await sql.query(
        'SELECT count(*)::int AS n FROM schema_migrations WHERE namespace = $1',
        ['broken'],
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await sql.close();
    }
  });

  it('given PGlite, when migrating twice, then the second run applies nothing', async () => {
    const sql = await openPgliteSqlClient();
    try {
      expect((await runMigrations(sql, 'widgets', migrations)).applied).toHaveLength(2);
      expect((await runMigrations(sql, 'widgets', migrations)).applied).toHaveLength(0);
    } finally {
      await sql.close();
    }
  });
});

describe('SqlClient', () => {
  it('given a transaction that throws, then its writes are rolled back (pg and PGlite)', async () => {
    const clients = [createPgSqlClient({ connectionString: database.url }), await openPgliteSqlClient()];
    try {
      for (const sql of clients) {
        await sql.exec('CREATE TABLE IF NOT EXISTS ledger (id int)');
        const failing = sql.transaction(async (tx) => {
          await tx.query('INSERT INTO ledger (id) VALUES ($1)', [1]);
          throw new Error('changed my mind');
        });
        await expect(failing).rejects.toThrow('changed my mind');
        expect((await sql.query('SELECT * FROM ledger')).rows).toEqual([]);
      }
    } finally {
      await Promise.all(clients.map((sql) => sql.close()));
    }
  });

  it('given a prepared statement, when run many times on several connections and in a transaction, then each run answers for its own parameters', async () => {
    const clients = [
      createPgSqlClient({ connectionString: database.url, maxConnections: 3 }),
      await openPgliteSqlClient(),
    ];
    try {
      for (const sql of clients) {
        const text = 'SELECT $1::int * 2 AS doubled';
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, n) => sql.query<{ doubled: number }>(text, [n], { prepare: true })),
        );
        expect(results.map((result) => result.rows[0]?.doubled)).toEqual(
          Array.from({ length: 12 }, (_, n) => n * 2),
        );
        const inTransaction = await sql.transaction((tx) =>
          tx.query<{ doubled: number }>(text, [21], { prepare: true }),
        );
        expect(inTransaction.rows[0]?.doubled).toBe(42);
      }
    } finally {
      await Promise.all(clients.map((sql) => sql.close()));
    }
  });

  it('given a listener, when NOTIFY is sent on its channel, then it receives the payload (pg and PGlite)', async () => {
    const clients = [createPgSqlClient({ connectionString: database.url }), await openPgliteSqlClient()];
    try {
      for (const sql of clients) {
        const received: Array<string | null> = [];
        const stop = await sql.listen('test_channel', (payload) => received.push(payload));
        await sql.query("SELECT pg_notify('test_channel', 'hello')");
        const deadline = Date.now() + 2_000;
        while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(received).toEqual(['hello']);
        await stop();
      }
    } finally {
      await Promise.all(clients.map((sql) => sql.close()));
    }
  });
});

import type { TaskPage } from '@taskflow/contracts';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoints/store.ts';
import { READ_MODELS_CHECKPOINT, READ_SCHEMA, readModelDdl } from '../schema.ts';
import { createTestApp } from '../testing/app.ts';
import { dumpReadModels, READ_MODEL_TABLES } from '../testing/dump.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import type { TestUser } from '../testing/scenario.ts';
import { appendTraffic, createTraffic } from '../testing/traffic.ts';
import { tableChecksum } from './checksums.ts';
import { MaintenanceBusyError } from './lock.ts';
import { rebuildReadModels } from './rebuild.ts';
import { verifyReadModels } from './verify.ts';

const checksums = async (h: Harness, schema = READ_SCHEMA) => {
  const all: Record<string, unknown> = {};
  for (const table of Object.keys(READ_MODEL_TABLES)) all[table] = await tableChecksum(h.sql, schema, table);
  return all;
};

const schemas = async (h: Harness) =>
  (
    await h.sql.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'read%' ORDER BY 1",
    )
  ).rows.map((row) => row.name);

const indexesOf = async (h: Harness) =>
  (
    await h.sql.query<{ definition: string }>(
      `SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = 'read' ORDER BY indexname`,
    )
  ).rows.map((row) => row.definition);

describe('projections rebuild (real PostgreSQL)', () => {
  let h: Harness;
  const traffic = createTraffic({ users: 8, projects: 3, tasks: 400, events: 5_000 });

  beforeAll(async () => {
    h = await createHarness('rebuild');
    await appendTraffic(h.appendRaw, traffic, 600);
    await h.catchUp();
  });
  afterAll(async () => h.close());

  it('given a projected history, when rebuilt twice, then both rebuilds have identical checksums, equal to the live tables', async () => {
    const live = await checksums(h);
    const indexes = await indexesOf(h);
    const first = await rebuildReadModels({
      sql: h.sql,
      eventStore: h.eventStore,
      logger: h.logger,
      pageSize: 97,
    });
    const once = await checksums(h);
    await rebuildReadModels({ sql: h.sql, eventStore: h.eventStore, logger: h.logger });
    const twice = await checksums(h);

    expect(once).toEqual(live);
    expect(twice).toEqual(once);
    expect(first.events).toBe(600);
    expect(first.position).toBe(h.lastPosition());
    expect((await readCheckpoint(h.sql, READ_SCHEMA, READ_MODELS_CHECKPOINT)).position).toBe(
      h.lastPosition(),
    );
    expect(await schemas(h)).toEqual(['read']);
    // The indexes set aside during the replay are all back, and the lanes' checkpoint rows gone.
    expect(await indexesOf(h)).toEqual(indexes);
    expect(indexes.length).toBeGreaterThan(15);
    const names = await h.sql.query<{ name: string }>('SELECT name FROM read.checkpoints');
    expect(names.rows).toEqual([{ name: READ_MODELS_CHECKPOINT }]);
    expect((live.tasks as { rows: number }).rows).toBeGreaterThan(30);
    expect((live.notifications as { rows: number }).rows).toBeGreaterThan(100);
  });

  it('given events appended while it runs, when it swaps, then the live projector continues from the rebuilt checkpoint and nothing is missing or doubled', async () => {
    // The rebuild runs as the CLI would: a process of its own, with its own connections.
    const sql = createPgSqlClient({ connectionString: h.db.url, maxConnections: 6 });
    const eventStore = await createPostgresEventStore(sql, { migrate: false, pollIntervalMs: 50 });
    const projector = await h.startProjector({ maxBatchSize: 25 });
    let appending = true;
    const appender = (async () => {
      while (appending) await appendTraffic(h.appendRaw, traffic, 10);
    })();
    try {
      const lines: string[] = [];
      const result = await rebuildReadModels({
        sql,
        eventStore,
        logger: h.logger,
        pageSize: 50,
        report: (line) => lines.push(line),
      });
      appending = false;
      await appender;
      await appendTraffic(h.appendRaw, traffic, 30); // after the swap too
      await projector.waitFor(h.lastPosition()!);

      expect(result.events).toBeGreaterThan(600);
      expect(projector.stats().halted).toBeNull();
      const { rows } = await h.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM eventstore_events');
      const checkpoint = await readCheckpoint(h.sql, READ_SCHEMA, READ_MODELS_CHECKPOINT);
      // Every event counted once in the swapped-in checkpoint: none applied twice, none skipped.
      expect(checkpoint.eventsApplied + checkpoint.eventsSkipped).toBe(rows[0]!.n);
      await h.sql.exec(`DROP SCHEMA IF EXISTS read_reference CASCADE; ${readModelDdl('read_reference')}`);
      await h.catchUp({ schema: 'read_reference', migrate: false });
      expect(await dumpReadModels(h.sql, READ_SCHEMA)).toEqual(await dumpReadModels(h.sql, 'read_reference'));
      await h.sql.exec('DROP SCHEMA read_reference CASCADE');
      expect(await schemas(h)).toEqual(['read']);
    } finally {
      appending = false;
      await appender.catch(() => undefined);
      await projector.stop();
      await eventStore.close();
      await sql.close();
    }
  });

  it('given the live projector in the middle of a batch, when the swap comes, then the swap waits for that batch and the projector resumes from the rebuilt checkpoint', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inBatch = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let first = true;
    const projector = await h.startProjector({
      beforeCommit: async () => {
        if (!first) return;
        first = false;
        entered();
        await gate; // holds the batch's transaction (and its checkpoint row) open
      },
    });
    await appendTraffic(h.appendRaw, traffic, 40);
    await inBatch;
    const rebuilding = rebuildReadModels({ sql: h.sql, eventStore: h.eventStore, logger: h.logger });
    // The swap queues for the checkpoint table while the batch holds its row.
    for (let waiting = 0; waiting === 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { rows } = await h.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         JOIN pg_namespace s ON s.oid = c.relnamespace
         WHERE s.nspname = 'read' AND c.relname = 'checkpoints' AND NOT l.granted AND l.mode = 'ExclusiveLock'`,
      );
      waiting = rows[0]!.n;
    }
    release();
    const result = await rebuilding;
    await appendTraffic(h.appendRaw, traffic, 20);
    await projector.waitFor(h.lastPosition()!);
    await projector.stop();

    expect(projector.stats().halted).toBeNull();
    expect(h.eventStore.comparePositions(result.position!, h.lastPosition()!)).toBeLessThan(0);
    await h.sql.exec(`DROP SCHEMA IF EXISTS read_reference CASCADE; ${readModelDdl('read_reference')}`);
    await h.catchUp({ schema: 'read_reference', migrate: false });
    expect(await dumpReadModels(h.sql, READ_SCHEMA)).toEqual(await dumpReadModels(h.sql, 'read_reference'));
    await h.sql.exec('DROP SCHEMA read_reference CASCADE');
  });

  it('given the query API serving while a tampered row is rebuilt away, when queried after the swap, then it answers from the new tables', async () => {
    const app = await createTestApp(h);
    try {
      const { rows } = await h.sql.query<{ id: string; project_id: string; created_by: string }>(
        'SELECT id, project_id, created_by FROM read.tasks ORDER BY id LIMIT 1',
      );
      const task = rows[0]!;
      const user = (
        await h.sql.query<TestUser>('SELECT id, name, email FROM read.users WHERE id = $1', [task.created_by])
      ).rows[0]!;
      const titles = async () => {
        // The same statements many times over: prepared on the pool's connections before the swap.
        const responses = await Promise.all(
          Array.from({ length: 8 }, () => app.get(`/api/tasks?projectId=${task.project_id}&limit=100`, user)),
        );
        return responses.map(
          (response) => (response.json() as TaskPage).items.find((t) => t.id === task.id)?.title,
        );
      };
      await h.sql.query(`UPDATE read.tasks SET title = 'tampered' WHERE id = $1`, [task.id]);
      expect(new Set(await titles())).toEqual(new Set(['tampered']));
      await rebuildReadModels({ sql: h.sql, eventStore: h.eventStore, logger: h.logger });
      const after = await titles();
      expect(after.every((title) => title !== undefined && title !== 'tampered')).toBe(true);
    } finally {
      await app.app.close();
    }
  });

  it('given a rebuild running, when another rebuild or a verify starts, then it is refused and the first one finishes', async () => {
    const running = rebuildReadModels({
      sql: h.sql,
      eventStore: h.eventStore,
      logger: h.logger,
      pageSize: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(
      verifyReadModels({ sql: h.sql, eventStore: h.eventStore, logger: h.logger }),
    ).rejects.toBeInstanceOf(MaintenanceBusyError);
    await expect(running).resolves.toMatchObject({ position: h.lastPosition() });
  });
});

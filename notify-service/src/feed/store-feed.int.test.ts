import { randomUUID } from 'node:crypto';
import { createLogger } from '@taskflow/platform';
import { createPostgresEventStore, type EventStore, type RecordedEvent } from '@taskflow/platform/eventstore';
import { createPgSqlClient, type SqlClient } from '@taskflow/platform/sql';
import { createTestDatabase, type TestDatabase } from '@taskflow/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateNotify } from '../schema.ts';
import { assigned, world } from '../testing/events.ts';
import { sqlDeadLetterSink } from './dead-letters.ts';
import type { EventHandler } from './port.ts';
import { createStoreFeed } from './store-feed.ts';

const logger = createLogger('store-feed-test', 'silent');
// The store shows events below the cluster's transaction horizon: on a PostgreSQL shared with
// other suites (one holds a transaction open for seconds on purpose) that can take a while.
const SETTLE = { timeout: 20_000 };

describe('the embedded feed: the event store subscription (real PostgreSQL)', () => {
  let db: TestDatabase;
  let sql: SqlClient;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('notify_feed');
    sql = createPgSqlClient({ connectionString: db.url, maxConnections: 6 });
    store = await createPostgresEventStore(sql, { pollIntervalMs: 50 });
    await migrateNotify(sql);
  });
  afterAll(async () => {
    await store.close();
    await sql.close();
    await db.drop();
  });

  /** Appends like command-service would: the recorded shape minus what the store assigns. */
  async function append(...events: RecordedEvent[]): Promise<string[]> {
    for (const event of events) {
      await store.appendToStream(
        event.streamId,
        [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }],
        { expectedRevision: 'any' },
      );
    }
    return events.map((event) => event.id);
  }

  function recorder() {
    const handled: string[] = [];
    const handler: EventHandler = {
      name: 'recorder',
      async handle(event) {
        handled.push(event.id);
      },
    };
    return { handler, handled };
  }

  const feed = (name: string, initialPosition: 'beginning' | 'head', withCheckpoint = true) =>
    createStoreFeed({
      store,
      ...(withCheckpoint ? { checkpoints: sql } : {}),
      name,
      initialPosition,
      deadLetters: sqlDeadLetterSink(sql),
      logger,
      checkpointEvery: { events: 5, ms: 100 },
    });

  it('given a checkpointed feed, when it is stopped and restarted, then it continues after its checkpoint: nothing lost, nothing twice', async () => {
    const w = world();
    const before = await append(...Array.from({ length: 12 }, () => assigned(w, randomUUID())));
    const first = recorder();
    const email = feed('email-test-1', 'beginning');
    await email.start(first.handler);
    await expect.poll(() => first.handled.length, SETTLE).toBeGreaterThanOrEqual(12);
    await email.stop();
    expect(first.handled).toEqual(before);

    const later = await append(...Array.from({ length: 7 }, () => assigned(w, randomUUID())));
    const second = recorder();
    const again = feed('email-test-1', 'beginning');
    await again.start(second.handler);
    await expect.poll(() => second.handled.length, SETTLE).toBe(7);
    await again.stop();
    expect(second.handled).toEqual(later);
  });

  it('given a push feed (no checkpoint), when it starts, then it sees only what happens from then on', async () => {
    const w = world();
    await append(assigned(w, randomUUID()));
    const { handler, handled } = recorder();
    const push = feed('push', 'head', false);
    await push.start(handler);
    const fresh = await append(assigned(w, randomUUID()), assigned(w, randomUUID()));
    await expect.poll(() => handled.length, SETTLE).toBe(2);
    await push.stop();
    expect(handled).toEqual(fresh);
  });

  it('given an event whose data does not match its schema, when the feed reaches it, then it becomes a dead-letter row with the reason and the next event is handled', async () => {
    const w = world();
    const broken = assigned(w, randomUUID());
    broken.data = { ...broken.data, assigneeId: 'not-a-uuid' };
    const good = assigned(w, randomUUID());
    const { handler, handled } = recorder();
    const push = feed('push', 'head', false);
    await push.start(handler);
    await append(broken, good);
    await expect.poll(() => handled, SETTLE).toEqual([good.id]);
    await push.stop();
    const { rows } = await sql.query<{ reason: string; source: string }>(
      'SELECT reason, source FROM notify.dead_letters WHERE key = $1',
      [broken.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.source).toBe('store:push');
    expect(rows[0]?.reason).toMatch(/^invalid TaskAssigned data: data.assigneeId/);
  });
});

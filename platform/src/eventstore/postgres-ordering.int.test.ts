import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryOptions } from '../sql/client.ts';
import { createTestDatabase } from '../testing/index.ts';
import { newEvent, newEvents, uniqueStream, withDeadline } from './contract/fixtures.ts';
import { InvalidAppendError } from './errors.ts';
import type { EventStore } from './port.ts';
import { decodePosition } from './position.ts';
import {
  beginRawAppend,
  collectSubscription,
  openPostgresFixture,
  type PostgresFixture,
  sleep,
  waitFor,
} from './postgres/test-support.ts';

let fixture: PostgresFixture;
const store = (): EventStore => fixture.store;

beforeAll(async () => {
  fixture = await openPostgresFixture();
});
afterAll(async () => {
  await fixture?.dispose();
});

describe('PostgreSQL event store: a transaction that commits late', () => {
  it('given a live subscriber, when a writer holds its append open for 5 s while 20 others commit, then the subscriber never passes the held event and delivers it once it commits', async () => {
    const subscriber = collectSubscription(store(), { after: (await store().headPosition()) ?? undefined });
    const heldStream = uniqueStream('held');
    const held = await beginRawAppend(fixture.database.url, heldStream);
    const otherStreams = Array.from({ length: 20 }, () => uniqueStream('committed'));
    const committed = await Promise.all(
      otherStreams.map((streamId) =>
        store().appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' }),
      ),
    );
    for (const result of committed)
      expect(store().comparePositions(result.position, held.position)).toBeGreaterThan(0);
    // The 20 are committed and readable per stream, yet must not reach the subscriber before the held one.
    expect(await store().readStream(otherStreams[0]!)).toHaveLength(1);

    const passedHeld = () =>
      subscriber.events().some((event) => store().comparePositions(event.position, held.position) >= 0);
    const holdUntil = Date.now() + 5_000;
    while (Date.now() < holdUntil) {
      expect(passedHeld()).toBe(false);
      await sleep(50);
    }
    await held.commit();

    const ours = new Set([heldStream, ...otherStreams]);
    const relevant = () => subscriber.events().filter((event) => ours.has(event.streamId));
    await waitFor(() => relevant().length >= 21, 5_000, 'the held event and the 20 others');
    await sleep(100);
    await subscriber.stop();
    const delivered = relevant();
    expect(delivered).toHaveLength(21);
    expect(delivered[0]?.id).toBe(held.events[0]?.id);
    expect(delivered[0]?.position).toBe(held.position);
    expect(new Set(delivered.map((event) => event.id)).size).toBe(21);
    const positions = subscriber.events().map((event) => event.position);
    expect([...positions].sort((a, b) => store().comparePositions(a, b))).toEqual(positions);
  }, 20_000);
});

describe('PostgreSQL event store: a transaction open in another database', () => {
  it('given a write transaction held open in another database of the cluster, when events are appended here, then readers and subscribers still get them', async () => {
    const elsewhere = await createTestDatabase('eventstore_elsewhere');
    const other = new pg.Client({ connectionString: elsewhere.url });
    await other.connect();
    try {
      const before = (await store().headPosition()) ?? undefined;
      const subscriber = collectSubscription(store(), { after: before });
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      const streamId = uniqueStream('beside-foreign');
      const appendedAt = Date.now();
      const result = await store().appendToStream(streamId, newEvents(2), { expectedRevision: 'no_stream' });
      await waitFor(
        () => subscriber.events().some((e) => e.position === result.position),
        2_000,
        'live delivery',
      );
      expect(Date.now() - appendedAt).toBeLessThan(1_000);
      await subscriber.stop();
      const read = await store().readAll({ after: before });
      expect(read.filter((event) => event.streamId === streamId)).toHaveLength(2);
      expect(await store().headPosition()).toBe(result.position);
    } finally {
      await other.query('ROLLBACK').catch(() => {});
      await other.end();
      await elsewhere.drop();
    }
  });
});

describe('PostgreSQL event store: a rolled-back append', () => {
  it('given an append rolled back while others committed, then readers go on past its hole without stalling', async () => {
    const before = (await store().headPosition()) ?? undefined;
    const subscriber = collectSubscription(store(), { after: before });
    const doomed = await beginRawAppend(fixture.database.url, uniqueStream('doomed'));
    const streamId = uniqueStream('after-hole');
    const results = [
      await store().appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' }),
      await store().appendToStream(streamId, newEvents(2), { expectedRevision: 0 }),
    ];
    await sleep(200);
    expect(subscriber.events().filter((event) => event.streamId === streamId)).toEqual([]);
    const rolledBackAt = Date.now();
    await doomed.rollback();

    await waitFor(
      () => subscriber.events().filter((e) => e.streamId === streamId).length === 3,
      2_000,
      'events after the hole',
    );
    expect(Date.now() - rolledBackAt).toBeLessThan(1_000);
    await subscriber.stop();
    expect(subscriber.events().map((event) => event.id)).not.toContain(doomed.events[0]?.id);
    const read = await store().readAll({ after: before });
    expect(read.map((event) => event.streamId)).toEqual([streamId, streamId, streamId]);
    expect(read.at(-1)?.position).toBe(results.at(-1)?.position);
    // The hole is real: the rolled-back row took a global position nobody holds.
    const holeAt = decodePosition(doomed.position).minor;
    const minors = read.map((event) => decodePosition(event.position).minor);
    expect(minors.every((minor) => minor > holeAt)).toBe(true);
    const { rows } = await fixture.sql.query('SELECT 1 FROM eventstore_events WHERE global_position = $1', [
      holeAt.toString(),
    ]);
    expect(rows).toHaveLength(0);
  });
});

describe('PostgreSQL event store: wake-ups and backpressure', () => {
  it('given a subscriber on another store instance, when an append commits, then it arrives well before the poll interval', async () => {
    const listener = await fixture.openStore({ pollIntervalMs: 5_000 });
    const subscriber = collectSubscription(listener, { after: (await store().headPosition()) ?? undefined });
    await sleep(200);
    const streamId = uniqueStream('notify');
    const appendedAt = Date.now();
    await store().appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' });
    await waitFor(
      () => subscriber.events().some((event) => event.streamId === streamId),
      4_000,
      'the notified event',
    );
    const arrival = subscriber.delivered.find((entry) => entry.event.streamId === streamId)!.at;
    await subscriber.stop();
    expect(arrival - appendedAt).toBeLessThan(1_000);
  });

  it('given appends that send no wake-up (raw SQL), when a subscriber waits, then polling still delivers them', async () => {
    const poller = await fixture.openStore({ pollIntervalMs: 300 });
    const subscriber = collectSubscription(poller, { after: (await store().headPosition()) ?? undefined });
    await sleep(100);
    const streamId = uniqueStream('silent');
    const raw = await beginRawAppend(fixture.database.url, streamId);
    await raw.commit();
    await waitFor(
      () => subscriber.events().some((event) => event.streamId === streamId),
      3_000,
      'the polled event',
    );
    await subscriber.stop();
  });

  it('given 200 stored events and a consumer that pulls 5, then the subscription has fetched one batch, not the backlog', async () => {
    let fetched = 0;
    const counted = { ...fixture.sql };
    counted.query = async <Row extends object>(
      text: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ) => {
      const result = await fixture.sql.query<Row>(text, params, options);
      if (text.includes('ORDER BY transaction_id, global_position')) fetched += result.rows.length;
      return result;
    };
    const { createPostgresEventStore } = await import('./postgres/store.ts');
    const slowStore = await createPostgresEventStore(counted, { migrate: false, batchSize: 10 });
    const before = (await store().headPosition()) ?? undefined;
    const streamId = uniqueStream('backlog');
    for (let batch = 0; batch < 2; batch += 1) {
      await store().appendToStream(streamId, newEvents(100), {
        expectedRevision: batch === 0 ? 'no_stream' : 99,
      });
    }
    const iterator = slowStore.subscribeToAll({ after: before })[Symbol.asyncIterator]();
    for (let pulled = 0; pulled < 5; pulled += 1) await iterator.next();
    await sleep(300);
    expect(fetched).toBe(10);
    for (let pulled = 0; pulled < 20; pulled += 1) await iterator.next();
    expect(fetched).toBe(30);
    await iterator.return?.();
    await slowStore.close();
  });
});

describe('PostgreSQL event store: specifics', () => {
  it('given an event id recorded in one stream, when another stream appends it, then InvalidAppendError and nothing appended', async () => {
    const event = newEvent();
    await store().appendToStream(uniqueStream('owner'), [event], { expectedRevision: 'no_stream' });
    const other = uniqueStream('thief');
    await expect(store().appendToStream(other, [event], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
    expect(await store().readStream(other)).toEqual([]);
  });

  it('given a live subscription, when its store closes, then the iteration ends without an error', async () => {
    const closing = await fixture.openStore();
    const subscriber = collectSubscription(closing);
    await sleep(100);
    await closing.close();
    await expect(
      withDeadline(subscriber.finished, Date.now() + 2_000, 'the iteration to end'),
    ).resolves.toBeUndefined();
  });

  it('given a fresh database, then the head is null and reading all gives nothing', async () => {
    const empty = await openPostgresFixture();
    try {
      expect(await empty.store.headPosition()).toBeNull();
      expect(await empty.store.readAll()).toEqual([]);
    } finally {
      await empty.dispose();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from './contract/fixtures.ts';
import type { EventStore, RecordedEvent } from './port.ts';
import {
  collectSubscription,
  openPostgresFixture,
  type PostgresFixture,
  waitFor,
} from './postgres/test-support.ts';

const WRITERS = 32;
const TOTAL_EVENTS = 10_000;
const STREAMS = 1_000;

let fixture: PostgresFixture;

beforeAll(async () => {
  fixture = await openPostgresFixture();
});
afterAll(async () => {
  await fixture?.dispose();
});

/** Writers share one job counter; each append carries 1 to 3 events for a random stream. */
async function runWriters(store: EventStore, streamIds: string[]): Promise<Set<string>> {
  const written = new Set<string>();
  let remaining = TOTAL_EVENTS;
  const writer = async (writerIndex: number) => {
    for (let sequence = 0; remaining > 0; sequence += 1) {
      const count = Math.min(remaining, 1 + Math.floor(Math.random() * 3));
      remaining -= count;
      const streamId = streamIds[Math.floor(Math.random() * streamIds.length)]!;
      const events = Array.from({ length: count }, (_, part) => newEvent({ writerIndex, sequence, part }));
      await store.appendToStream(streamId, events, { expectedRevision: 'any' });
      for (const event of events) written.add(event.id);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
  return written;
}

describe('PostgreSQL event store: soak', () => {
  it(`given ${WRITERS} writers appending ${TOTAL_EVENTS} events across ${STREAMS} streams, when a subscriber reads live, then it sees every event once, in each stream's order`, async () => {
    const writerStore = await fixture.openStore({ maxConnections: WRITERS + 4 });
    const subscriber = collectSubscription(fixture.store);
    const streamIds = Array.from({ length: STREAMS }, (_, index) => `soak-${index}`);

    const written = await runWriters(writerStore, streamIds);
    expect(written.size).toBe(TOTAL_EVENTS);
    await waitFor(
      () => subscriber.delivered.length >= TOTAL_EVENTS,
      30_000,
      'the subscriber to see every event',
    );
    // Anything delivered beyond the total would be a duplicate: give it a moment to show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await subscriber.stop();
    const delivered = subscriber.events();

    expect(delivered).toHaveLength(TOTAL_EVENTS);
    expect(new Set(delivered.map((event) => event.id))).toEqual(written);
    for (let index = 1; index < delivered.length; index += 1) {
      expect(
        fixture.store.comparePositions(delivered[index - 1]!.position, delivered[index]!.position),
      ).toBeLessThan(0);
    }
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of delivered)
      byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    for (const [streamId, events] of byStream) {
      // Delivered in revision order, with no revision missing: global order agrees with the stream's.
      expect(events.map((event) => event.revision)).toEqual(events.map((_, revision) => revision));
      if (streamId.endsWith('-7')) {
        const stored = await fixture.store.readStream(streamId);
        expect(stored.map((event) => event.id)).toEqual(events.map((event) => event.id));
      }
    }
  }, 120_000);
});

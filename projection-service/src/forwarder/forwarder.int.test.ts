import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createKafka } from '@taskflow/platform/kafka';
import { requireKafkaBrokers } from '@taskflow/platform/testing';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { startForwarder } from './forwarder.ts';

const STREAMS = 100;
const PER_STREAM = 100;
const TOTAL = STREAMS * PER_STREAM;

interface Received {
  key: string;
  eventId: string;
  revision: number;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning until every expected event id has arrived. */
async function consumeUntilAll(kafka: Kafka, topic: string, expected: number, timeoutMs = 120_000) {
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  const received: Received[] = [];
  const ids = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${ids.size} of ${expected} events arrived`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          );
          const value = JSON.parse(message.value!.toString()) as { id: string; revision: number };
          received.push({
            key: message.key!.toString(),
            eventId: value.id,
            revision: value.revision,
            headers,
          });
          ids.add(value.id);
          if (ids.size === expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** Per stream, the revisions in arrival order with redeliveries (after a crash) removed. */
function firstArrivals(received: Received[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byStream = new Map<string, number[]>();
  for (const message of received) {
    if (seen.has(message.eventId)) continue;
    seen.add(message.eventId);
    byStream.set(message.key, [...(byStream.get(message.key) ?? []), message.revision]);
  }
  return byStream;
}

const inOrder = Array.from({ length: PER_STREAM }, (_, i) => i);

describe('Kafka forwarder (real PostgreSQL and Kafka)', () => {
  let h: Harness;
  let kafka: Kafka;
  const streams = Array.from({ length: STREAMS }, () => `task-${randomUUID()}`);

  beforeAll(async () => {
    kafka = createKafka({ brokers: requireKafkaBrokers(), clientId: 'forwarder-test' });
    h = await createHarness('forwarder');
    // Ten rounds, each appending ten events to every stream: streams interleave in the log.
    for (let round = 0; round < PER_STREAM / 10; round++) {
      for (const stream of streams) {
        await h.appendRaw(
          stream,
          Array.from({ length: 10 }, (_, i) => ({
            id: randomUUID(),
            type: 'LoadTestEvent',
            data: { n: round * 10 + i },
            metadata: {
              actor: null,
              commandId: randomUUID(),
              correlationId: randomUUID(),
              causationId: null,
              occurredAt: new Date().toISOString(),
              schemaVersion: 1,
            },
          })),
        );
      }
    }
  }, 300_000);
  afterAll(async () => h.close());

  it('given 10,000 events across 100 streams, when forwarded, then all arrive keyed by stream, in stream order, with headers', async () => {
    const topic = `test.forwarder.${randomUUID()}`;
    const forwarder = await startForwarder({
      sql: h.sql,
      eventStore: h.eventStore,
      logger: h.logger,
      kafka,
      topic,
      name: 'all',
      partitions: 6,
    });
    try {
      await forwarder.waitFor(h.lastPosition()!);
    } finally {
      await forwarder.stop();
    }
    const received = await consumeUntilAll(kafka, topic, TOTAL);
    expect(received).toHaveLength(TOTAL);
    const byStream = firstArrivals(received);
    expect([...byStream.keys()].sort()).toEqual([...streams].sort());
    for (const stream of streams) expect(byStream.get(stream), stream).toEqual(inOrder);

    const sample = (await h.eventStore.readStream(streams[7]!, { from: 42, limit: 1 }))[0]!;
    const message = received.find((m) => m.eventId === sample.id)!;
    expect(message.headers).toEqual({
      'event-id': sample.id,
      'event-type': 'LoadTestEvent',
      'schema-version': '1',
      position: sample.position,
    });
    const { rows } = await h.sql.query<{ position: string; events_published: string }>(
      "SELECT position, events_published FROM forwarder.checkpoints WHERE name = 'all'",
    );
    expect(rows[0]).toEqual({ position: h.lastPosition(), events_published: String(TOTAL) });
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(6);
  }, 300_000);

  it('given a forwarder process killed with SIGKILL mid-flight, when a new one takes over, then no event is missing and stream order holds', async () => {
    const topic = `test.forwarder.${randomUUID()}`;
    const name = 'killed';
    const publishedBeforeKill = await runAndKill(h.db.url, topic, name, 3_000);
    expect(publishedBeforeKill).toBeGreaterThan(0);
    expect(publishedBeforeKill).toBeLessThan(TOTAL);

    const forwarder = await startForwarder({
      sql: h.sql,
      eventStore: h.eventStore,
      logger: h.logger,
      kafka,
      topic,
      name,
    });
    try {
      await forwarder.waitFor(h.lastPosition()!);
      // It resumed from the checkpoint, not from the start.
      expect(forwarder.stats().published).toBeLessThanOrEqual(TOTAL - publishedBeforeKill);
    } finally {
      await forwarder.stop();
    }
    const received = await consumeUntilAll(kafka, topic, TOTAL);
    const byStream = firstArrivals(received);
    for (const stream of streams) expect(byStream.get(stream), stream).toEqual(inOrder);
  }, 300_000);
});

/** Starts the forwarder process, SIGKILLs it once it reported `threshold` events published. */
function runAndKill(databaseUrl: string, topic: string, name: string, threshold: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL('../testing/forwarder-process.ts', import.meta.url).pathname],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, TOPIC: topic, FORWARDER_NAME: name },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let published = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      const counts = chunk.toString().match(/sent (\d+)/g) ?? [];
      for (const line of counts) published = Math.max(published, Number(line.slice(5)));
      if (published >= threshold) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve(published));
    child.on('error', reject);
  });
}

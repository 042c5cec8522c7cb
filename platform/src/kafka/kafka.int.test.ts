import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { requireKafkaBrokers } from '../testing/index.ts';
import { createIdempotentProducer, createKafka, ensureTopic } from './index.ts';

describe('the local Kafka broker (real, started by ./taskflow test)', () => {
  const kafka = createKafka({ brokers: requireKafkaBrokers(), clientId: 'kafka-int-test' });
  const topic = `test.roundtrip.${randomUUID()}`;
  const producer = createIdempotentProducer(kafka);
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });

  afterAll(async () => {
    await producer.disconnect();
    await consumer.disconnect();
  });

  it('given a topic with 3 partitions, when 300 keyed messages are produced idempotently, then all come back with per-key order', async () => {
    await ensureTopic(kafka, topic, 3);
    await ensureTopic(kafka, topic, 3);
    await producer.connect();
    const keys = ['stream-a', 'stream-b', 'stream-c', 'stream-d', 'stream-e'];
    for (let batch = 0; batch < 6; batch++) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 50 }, (_, i) => {
          const n = batch * 50 + i;
          return { key: keys[n % keys.length]!, value: String(n) };
        }),
      });
    }

    const seen = new Map<string, number[]>();
    let total = 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key!.toString();
          seen.set(key, [...(seen.get(key) ?? []), Number(message.value!.toString())]);
          total += 1;
          if (total === 300) resolve();
        },
      });
    });
    await done;

    expect(total).toBe(300);
    for (const key of keys) {
      const values = seen.get(key) ?? [];
      expect(values).toHaveLength(60);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });
});

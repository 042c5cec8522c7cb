import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { createIdempotentProducer, createKafka, ensureTopic } from '@taskflow/platform/kafka';
import { requireKafkaBrokers } from '@taskflow/platform/testing';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';

export interface TestKafka {
  kafka: Kafka;
  producer: Producer;
  /** A fresh topic name per test (the broker is shared with other suites). */
  topic(partitions?: number): Promise<string>;
  /** Publishes as the forwarder does: key = stream id, value = the RecordedEvent as JSON. */
  publish(topic: string, events: RecordedEvent[]): Promise<void>;
  publishRaw(topic: string, messages: { key: string; value: string }[]): Promise<void>;
  /** Reads a topic from the beginning until `count` messages came (or throws after the timeout). */
  read(topic: string, count: number, timeoutMs?: number): Promise<KafkaMessage[]>;
  close(): Promise<void>;
}

export async function startTestKafka(): Promise<TestKafka> {
  const kafka = createKafka({
    brokers: requireKafkaBrokers(),
    clientId: `notify-test-${randomUUID().slice(0, 8)}`,
  });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const publishRaw = async (topic: string, messages: { key: string; value: string }[]) => {
    await producer.send({ topic, acks: -1, messages });
  };
  return {
    kafka,
    producer,
    async topic(partitions = 3) {
      const name = `test.notify.${randomUUID()}`;
      await ensureTopic(kafka, name, partitions);
      return name;
    },
    publish: (topic, events) =>
      publishRaw(
        topic,
        events.map((event) => ({ key: event.streamId, value: JSON.stringify(event) })),
      ),
    publishRaw,
    async read(topic, count, timeoutMs = 20_000) {
      const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
      const messages: KafkaMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`read ${messages.length} of ${count} messages from ${topic}`)),
            timeoutMs,
          );
          void consumer.run({
            eachMessage: async ({ message }) => {
              messages.push(message);
              if (messages.length >= count) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
      return messages;
    },
    close: () => producer.disconnect(),
  };
}

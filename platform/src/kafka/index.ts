import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Logger } from '../logging/index.ts';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  logger?: Logger;
}

/** kafkajs speaks its own log format; route it into pino at warn and above. */
export function createKafka(settings: KafkaSettings): Kafka {
  const { logger } = settings;
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      if (!logger) return;
      const { message, ...rest } = entry.log;
      const fields = { kafka: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) logger.error(fields, message);
      else logger.warn(fields, message);
    },
  });
}

/** Topics are created explicitly, never by auto-creation, so partitions are what we asked for. */
export async function ensureTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * kafkajs' idempotent producer needs one request in flight and acks from all replicas; with
 * those, a retried send is not written twice and one key's messages keep their order.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

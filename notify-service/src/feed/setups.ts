import type { Logger } from '@taskflow/platform';
import type { EventStore } from '@taskflow/platform/eventstore';
import { createIdempotentProducer, ensureTopic } from '@taskflow/platform/kafka';
import type { SqlClient } from '@taskflow/platform/sql';
import type { Kafka } from 'kafkajs';
import { kafkaDeadLetterSink, sqlDeadLetterSink } from './dead-letters.ts';
import { createKafkaFeed } from './kafka-feed.ts';
import type { DeadLetterSink, EventFeed } from './port.ts';
import { createStoreFeed } from './store-feed.ts';

/** The two feeds notify runs on, whatever their source, and where dead letters go. */
export interface DeliveryFeeds {
  /** Every instance sees every event, for the sockets it holds. */
  push: EventFeed;
  /** Shared by all instances: each email is enqueued by one. */
  email: EventFeed;
  emailDeadLetters: DeadLetterSink | null;
  close(): Promise<void>;
}

export interface KafkaFeedsOptions {
  kafka: Kafka;
  topic: string;
  instanceId: string;
  logger: Logger;
  eventsDlqTopic?: string;
  emailDlqTopic?: string;
  /** The shared group's id; tests use their own. */
  emailGroupId?: string;
  pushGroupPrefix?: string;
  /** Where a new email group starts (default: the beginning of what Kafka retains). */
  emailFromBeginning?: boolean;
  /** Partitions the events topic gets if notify starts before the forwarder made it (default 6, as the forwarder). */
  topicPartitions?: number;
}

export const EVENTS_DLQ_TOPIC = 'taskflow.events.dlq';
export const EMAIL_DLQ_TOPIC = 'taskflow.email.dlq';

/**
 * Distributed mode: a per-instance push group reading from the latest offset and the shared
 * `taskflow-email` group, both dead-lettering to `taskflow.events.dlq`; email failures go to
 * `taskflow.email.dlq`. The dead-letter topics are created here when missing.
 */
export async function createKafkaFeeds(options: KafkaFeedsOptions): Promise<DeliveryFeeds> {
  const eventsDlq = options.eventsDlqTopic ?? EVENTS_DLQ_TOPIC;
  const emailDlq = options.emailDlqTopic ?? EMAIL_DLQ_TOPIC;
  await ensureTopic(options.kafka, options.topic, options.topicPartitions ?? 6);
  await ensureTopic(options.kafka, eventsDlq, 1);
  await ensureTopic(options.kafka, emailDlq, 1);
  const producer = createIdempotentProducer(options.kafka);
  await producer.connect();
  const deadLetters = kafkaDeadLetterSink(producer, eventsDlq);
  const common = { kafka: options.kafka, topic: options.topic, deadLetters, logger: options.logger };
  return {
    push: createKafkaFeed({
      ...common,
      groupId: `${options.pushGroupPrefix ?? 'taskflow-push'}-${options.instanceId}`,
      fromBeginning: false,
    }),
    email: createKafkaFeed({
      ...common,
      groupId: options.emailGroupId ?? 'taskflow-email',
      fromBeginning: options.emailFromBeginning ?? true,
    }),
    emailDeadLetters: kafkaDeadLetterSink(producer, emailDlq),
    close: () => producer.disconnect(),
  };
}

/**
 * Embedded mode: the event store's own subscription. Push starts at the head (like a fresh
 * per-instance group); email continues from its checkpoint in notify.feed_checkpoints. Dead
 * letters are rows of notify.dead_letters; a failed email stays as its failed row.
 */
export function createStoreFeeds(options: {
  store: EventStore;
  sql: SqlClient;
  logger: Logger;
  emailInitialPosition?: 'beginning' | 'head';
}): DeliveryFeeds {
  const deadLetters = sqlDeadLetterSink(options.sql);
  const common = { store: options.store, deadLetters, logger: options.logger };
  return {
    push: createStoreFeed({ ...common, name: 'push', initialPosition: 'head' }),
    email: createStoreFeed({
      ...common,
      checkpoints: options.sql,
      name: 'email',
      initialPosition: options.emailInitialPosition ?? 'beginning',
    }),
    emailDeadLetters: null,
    close: async () => {},
  };
}

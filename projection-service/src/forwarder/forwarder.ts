import type { Logger } from '@taskflow/platform';
import type { EventStore, Position, RecordedEvent } from '@taskflow/platform/eventstore';
import { createIdempotentProducer, ensureTopic } from '@taskflow/platform/kafka';
import type { SqlClient } from '@taskflow/platform/sql';
import type { Kafka, Producer } from 'kafkajs';
import { BatchReader } from '../projector/batches.ts';
import { backoffMs, sleep } from '../shared/transient.ts';
import { chunkBySize, toKafkaMessage } from './messages.ts';
import {
  advanceForwarderCheckpoint,
  KAFKA_FORWARDER,
  migrateForwarder,
  readForwarderCheckpoint,
} from './schema.ts';

export const DEFAULT_TOPIC = 'taskflow.events';
export const DEFAULT_PARTITIONS = 6;

export interface ForwarderDeps {
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  kafka: Kafka;
  topic?: string;
  /** Partitions the topic is created with when it does not exist (default 6). */
  partitions?: number;
  /** Most events published per round (default 500). */
  maxBatchSize?: number;
  /** Checkpoint row name (default `kafka`); tests use their own. */
  name?: string;
}

export interface ForwarderHandle {
  /** Finishes the send in flight (its checkpoint moves only if Kafka acknowledged), then stops. */
  stop(): Promise<void>;
  checkpoint(): Position | null;
  stats(): { published: number; sends: number; failures: number };
  /** Resolves once every event up to `position` has been acknowledged by Kafka. */
  waitFor(position: Position): Promise<void>;
  done: Promise<void>;
}

/**
 * Publishes the event store's global stream to Kafka, in order, with the idempotent producer
 * (acks from all replicas, one request in flight). The checkpoint moves only after Kafka
 * acknowledged a batch, so a crash can publish an event twice but never skip one; a failed send
 * is retried with backoff for as long as it takes.
 */
export async function startForwarder(deps: ForwarderDeps): Promise<ForwarderHandle> {
  const topic = deps.topic ?? DEFAULT_TOPIC;
  const name = deps.name ?? KAFKA_FORWARDER;
  const logger = deps.logger.child({ component: 'kafka-forwarder', topic });
  await migrateForwarder(deps.sql);
  await ensureTopic(deps.kafka, topic, deps.partitions ?? DEFAULT_PARTITIONS);
  const producer: Producer = createIdempotentProducer(deps.kafka);
  await producer.connect();
  const stopping = new AbortController();
  const stats = { published: 0, sends: 0, failures: 0 };
  let committed = await readForwarderCheckpoint(deps.sql, name);
  const waiters = new Set<{ position: Position; resolve: () => void }>();
  const settle = () => {
    for (const waiter of waiters) {
      if (committed !== null && deps.eventStore.comparePositions(committed, waiter.position) >= 0) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  /** Sends until acknowledged; false only when stopping before that. */
  const publish = async (batch: RecordedEvent[]): Promise<boolean> => {
    const chunks = chunkBySize(batch.map(toKafkaMessage));
    for (let attempt = 0; ; attempt++) {
      try {
        for (const messages of chunks) {
          await producer.send({ topic, acks: -1, messages });
          stats.sends += 1;
        }
        return true;
      } catch (error) {
        stats.failures += 1;
        if (stopping.signal.aborted) return false;
        const delay = backoffMs(attempt);
        logger.warn({ err: error, retryInMs: delay, events: batch.length }, 'Kafka send failed; retrying');
        await sleep(delay, stopping.signal);
        if (stopping.signal.aborted) return false;
      }
    }
  };

  const record = async (position: Position, count: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await advanceForwarderCheckpoint(deps.sql, name, position, count);
        return;
      } catch (error) {
        // Published but not recorded: after a restart these events go out again (duplicates, no loss).
        if (stopping.signal.aborted) throw error;
        logger.warn({ err: error }, 'recording the forwarder checkpoint failed; retrying');
        await sleep(backoffMs(attempt), stopping.signal);
      }
    }
  };

  const run = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const attempt = new AbortController();
      const signal = AbortSignal.any([stopping.signal, attempt.signal]);
      const reader = new BatchReader(
        deps.eventStore.subscribeToAll({ after: committed ?? undefined, signal }),
        deps.maxBatchSize ?? 500,
      );
      try {
        for (let batch = await reader.next(); batch; batch = await reader.next()) {
          if (!(await publish(batch))) return;
          const last = batch.at(-1)!;
          await record(last.position, batch.length);
          committed = last.position;
          stats.published += batch.length;
          failures = 0;
          settle();
        }
      } catch (error) {
        if (stopping.signal.aborted) return;
        failures += 1;
        logger.warn({ err: error }, 'forwarder subscription failed; retrying');
        await sleep(backoffMs(failures), stopping.signal);
      } finally {
        attempt.abort();
        await reader.close();
      }
    }
  };

  const done = run().finally(async () => {
    await producer.disconnect().catch(() => undefined);
  });
  done.catch((error: unknown) => logger.error({ err: error }, 'forwarder stopped'));

  return {
    async stop() {
      stopping.abort();
      await done.catch(() => undefined);
    },
    checkpoint: () => committed,
    stats: () => ({ ...stats }),
    waitFor(position) {
      return new Promise((resolve) => {
        waiters.add({ position, resolve });
        settle();
      });
    },
    done,
  };
}

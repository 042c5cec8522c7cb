import type { Logger } from '@taskflow/platform';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type BackoffPolicy, backoffDelay, errorMessage, sleep } from '../shared/backoff.ts';
import { classifyMessage } from './parse.ts';
import { type DeadLetterSink, type EventFeed, type EventHandler, PermanentHandlerError } from './port.ts';

export interface KafkaFeedOptions {
  kafka: Kafka;
  topic: string;
  /** `taskflow-push-<instanceId>` (one per instance) or `taskflow-email` (shared). */
  groupId: string;
  /** Where a group without committed offsets starts: the push group reads from the latest. */
  fromBeginning: boolean;
  deadLetters: DeadLetterSink;
  logger: Logger;
  /** Retries of a handler that throws something other than PermanentHandlerError. */
  retry?: BackoffPolicy;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** How long `start` waits for the group join and the first fetch. */
  startTimeoutMs?: number;
  /** Sees the consumer before it connects (instrumentation: metrics, tests). */
  instrument?: (consumer: Consumer) => void;
}

const DEFAULT_RETRY: BackoffPolicy = { baseMs: 200, maxMs: 5_000, maxAttempts: 5 };
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The distributed feed: a kafkajs consumer group over the forwarder's topic. Each message is
 * parsed with zod; one that doesn't parse, or whose handling fails permanently or past its
 * retries, goes to the dead-letter sink with the reason and the consumer moves on. An offset is
 * resolved (and so committed) only after its message was handled or dead-lettered, and the
 * consumer heartbeats while a handler works, so long work never costs it its partitions.
 */
export function createKafkaFeed(options: KafkaFeedOptions): EventFeed {
  const retry = options.retry ?? DEFAULT_RETRY;
  const source = `kafka:${options.groupId}`;
  const log = options.logger.child({ feed: source });
  let consumer: Consumer | null = null;

  async function handleMessage(handler: EventHandler, message: KafkaMessage, payload: EachBatchPayload) {
    const { topic, partition } = payload.batch;
    const raw = message.value?.toString('utf8') ?? '';
    const details = { topic, partition: String(partition), offset: message.offset };
    const key = message.key?.toString('utf8') ?? null;
    const verdict = classifyMessage(message.value);
    if (verdict.kind === 'dead_letter') {
      log.warn({ ...details, reason: verdict.reason }, 'dead-lettering an unreadable message');
      await options.deadLetters.publish({ source, reason: verdict.reason, key, payload: raw, details });
      return;
    }
    if (verdict.kind === 'skip') {
      log.debug({ ...details, reason: verdict.reason }, 'skipping an event this version does not know');
      return;
    }
    const failure = await handleWithRetries(handler, verdict.event, payload);
    if (failure === 'stopped') throw new StoppedError();
    if (failure !== null) {
      log.error({ ...details, eventId: verdict.event.id, reason: failure }, 'dead-lettering an event');
      await options.deadLetters.publish({
        source: `${source}:${handler.name}`,
        reason: failure,
        key: verdict.event.id,
        payload: raw,
        details,
      });
    }
  }

  /** null when handled; the reason when it must be dead-lettered; 'stopped' when asked to stop. */
  async function handleWithRetries(
    handler: EventHandler,
    event: RecordedEvent,
    payload: EachBatchPayload,
  ): Promise<string | null> {
    const heartbeat = () => payload.heartbeat().catch(() => {});
    for (let attempt = 1; ; attempt++) {
      const ticker = setInterval(heartbeat, HEARTBEAT_EVERY_MS);
      try {
        await handler.handle(event, { heartbeat });
        return null;
      } catch (error) {
        if (error instanceof PermanentHandlerError) return `permanent failure: ${error.message}`;
        if (attempt >= retry.maxAttempts) return `failed ${attempt} times, last: ${errorMessage(error)}`;
        log.warn({ eventId: event.id, attempt, err: error }, 'handler failed; retrying');
      } finally {
        clearInterval(ticker);
      }
      const until = Date.now() + backoffDelay(retry, attempt);
      while (Date.now() < until) {
        if (!payload.isRunning() || payload.isStale()) return 'stopped';
        await heartbeat();
        await sleep(Math.min(HEARTBEAT_EVERY_MS, until - Date.now()));
      }
    }
  }

  return {
    async start(handler) {
      if (consumer) throw new Error(`${source} already started`);
      const created = options.kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: 3_000,
        maxWaitTimeInMs: 500,
        allowAutoTopicCreation: false,
      });
      consumer = created;
      options.instrument?.(created);
      created.on(created.events.CRASH, (event) => {
        log.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
      });
      const ready = attached(created, options.startTimeoutMs ?? 60_000);
      await created.connect();
      await created.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning });
      await created.run({
        autoCommit: true,
        autoCommitInterval: 1_000,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch: async (payload) => {
          for (const message of payload.batch.messages) {
            if (!payload.isRunning() || payload.isStale()) return;
            try {
              await handleMessage(handler, message, payload);
            } catch (error) {
              if (error instanceof StoppedError) return;
              throw error;
            }
            payload.resolveOffset(message.offset);
            await payload.heartbeat();
            await payload.commitOffsetsIfNecessary();
          }
        },
      });
      await ready;
      log.info({ topic: options.topic, fromBeginning: options.fromBeginning }, 'consumer attached');
    },
    async stop() {
      const running = consumer;
      consumer = null;
      if (running) await running.disconnect();
    },
  };
}

class StoppedError extends Error {}

/** Resolves after the group join and the first fetch: from then on offsets are resolved. */
function attached(consumer: Consumer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let joined = false;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`consumer did not join its group within ${timeoutMs} ms`));
    }, timeoutMs);
    const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    const offFetch = consumer.on(consumer.events.FETCH, () => {
      if (!joined) return;
      cleanup();
      resolve();
    });
    const offCrash = consumer.on(consumer.events.CRASH, (event) => {
      cleanup();
      reject(event.payload.error);
    });
    function cleanup() {
      clearTimeout(timer);
      offJoin();
      offFetch();
      offCrash();
    }
  });
}

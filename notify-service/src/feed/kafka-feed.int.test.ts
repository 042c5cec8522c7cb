import { randomUUID } from 'node:crypto';
import { createLogger } from '@taskflow/platform';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assigned, world } from '../testing/events.ts';
import { startTestKafka, type TestKafka } from '../testing/kafka.ts';
import { kafkaDeadLetterSink } from './dead-letters.ts';
import { createKafkaFeed, type KafkaFeedOptions } from './kafka-feed.ts';
import { type EventFeed, type EventHandler, PermanentHandlerError } from './port.ts';

const logger = createLogger('kafka-feed-test', 'silent');

describe('the Kafka feed (real broker)', () => {
  let kafka: TestKafka;
  const feeds: EventFeed[] = [];

  beforeAll(async () => {
    kafka = await startTestKafka();
  });
  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.stop()));
  });
  afterAll(() => kafka.close());

  function feed(
    topic: string,
    dlq: string,
    groupId = `test-${randomUUID()}`,
    extra: Partial<Pick<KafkaFeedOptions, 'sessionTimeoutMs' | 'instrument'>> = {},
  ) {
    const created = createKafkaFeed({
      kafka: kafka.kafka,
      topic,
      groupId,
      fromBeginning: true,
      deadLetters: kafkaDeadLetterSink(kafka.producer, dlq),
      logger,
      retry: { baseMs: 10, maxMs: 50, maxAttempts: 3 },
      ...extra,
    });
    feeds.push(created);
    return created;
  }

  function recorder(onEvent: (event: RecordedEvent) => Promise<void> = async () => {}) {
    const handled: RecordedEvent[] = [];
    const handler: EventHandler = {
      name: 'recorder',
      async handle(event) {
        await onEvent(event);
        handled.push(event);
      },
    };
    return { handler, handled };
  }

  const events = (count: number) => {
    const w = world();
    return Array.from({ length: count }, () => assigned(w, randomUUID()));
  };

  it('given unreadable messages between good ones, when consumed, then each bad one is dead-lettered with its reason and every good one is handled', async () => {
    const topic = await kafka.topic();
    const dlq = await kafka.topic(1);
    const [first, second] = events(2);
    const newer = { ...assigned(world(), randomUUID()), metadata: { ...first!.metadata, schemaVersion: 9 } };
    await kafka.publish(topic, [first!]);
    await kafka.publishRaw(topic, [
      { key: 'garbage', value: '{not json' },
      { key: 'half', value: JSON.stringify({ id: randomUUID(), type: 'TaskAssigned' }) },
    ]);
    await kafka.publish(topic, [newer, second!]);
    const { handler, handled } = recorder();
    await feed(topic, dlq).start(handler);

    const letters = await kafka.read(dlq, 3);
    await expect.poll(() => handled.length).toBe(2);
    expect(handled.map((e) => e.id).sort()).toEqual([first!.id, second!.id].sort());
    const reasons = letters.map((m) => m.headers?.['dlq-reason']?.toString() ?? '').sort();
    expect(reasons[0]).toMatch(/^TaskAssigned v9 is newer than the supported v1/);
    expect(reasons[1]).toMatch(/^not JSON/);
    expect(reasons[2]).toMatch(/^not a recorded event/);
    const bodies = letters.map((m) => JSON.parse(m.value!.toString()) as { payload: string });
    expect(bodies.map((b) => b.payload)).toContain('{not json');
  });

  it('given a handler that fails for good on one event and transiently on another, when consumed, then only the first is dead-lettered and the consumer carries on', async () => {
    const topic = await kafka.topic();
    const dlq = await kafka.topic(1);
    const [poison, flaky, after] = events(3);
    let flakyFailures = 0;
    const { handler, handled } = recorder(async (event) => {
      if (event.id === poison!.id) throw new PermanentHandlerError('cannot ever handle this');
      if (event.id === flaky!.id && flakyFailures < 2) {
        flakyFailures += 1;
        throw new Error('database blinked');
      }
    });
    await kafka.publish(topic, [poison!, flaky!, after!]);
    await feed(topic, dlq).start(handler);
    const [letter] = await kafka.read(dlq, 1);
    await expect.poll(() => handled.map((e) => e.id).sort()).toEqual([flaky!.id, after!.id].sort());
    expect(letter?.key?.toString()).toBe(poison!.id);
    expect(letter?.headers?.['dlq-reason']?.toString()).toBe('permanent failure: cannot ever handle this');
    expect(flakyFailures).toBe(2);
  });

  it('given a consumer stopped in the middle of a batch, when a new one joins the same group, then every event is handled, and only the unfinished tail twice at most', async () => {
    const topic = await kafka.topic(1);
    const dlq = await kafka.topic(1);
    const all = events(60);
    await kafka.publish(topic, all);
    const groupId = `test-${randomUUID()}`;
    const first = feed(topic, dlq, groupId);
    let stopping: Promise<void> | null = null;
    const { handler: slowHandler, handled: firstHandled } = recorder(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (firstHandled.length === 24) stopping = first.stop();
    });
    await first.start(slowHandler);
    await expect.poll(() => stopping !== null).toBe(true);
    await stopping;
    expect(firstHandled.length).toBeLessThan(60);

    const { handler, handled } = recorder();
    await feed(topic, dlq, groupId).start(handler);
    await expect.poll(() => new Set([...firstHandled, ...handled].map((e) => e.id)).size).toBe(60);
    expect(handled.at(-1)?.id).toBe(all.at(-1)?.id);
    expect(firstHandled.length + handled.length - 60).toBeLessThanOrEqual(2);
  });

  it('given a handler that works longer than the session timeout, when it runs, then the consumer keeps its partitions (no second join)', async () => {
    const topic = await kafka.topic(1);
    const dlq = await kafka.topic(1);
    const [long, next] = events(2);
    await kafka.publish(topic, [long!, next!]);
    const { handler, handled } = recorder(async (event) => {
      if (event.id === long!.id) await new Promise((resolve) => setTimeout(resolve, 9_000));
    });
    let joins = 0;
    const consumerFeed = feed(topic, dlq, `test-${randomUUID()}`, {
      sessionTimeoutMs: 6_000,
      instrument: (consumer) => {
        consumer.on(consumer.events.GROUP_JOIN, () => {
          joins += 1;
        });
      },
    });
    await consumerFeed.start(handler);
    await expect.poll(() => handled.length, { timeout: 20_000 }).toBe(2);
    expect(joins).toBe(1);
  }, 40_000);
});

import { randomUUID } from 'node:crypto';
import { makeEvent, taskStream } from '@taskflow/contracts';
import { createLogger } from '@taskflow/platform';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { createIdempotentProducer, createKafka, ensureTopic } from '@taskflow/platform/kafka';
import { createKafkaFeed } from '../src/feed/kafka-feed.ts';
import type { DeadLetterSink } from '../src/feed/port.ts';

/**
 * The Kafka hop: events produced as the forwarder does (idempotent, acks from all) at `rate`
 * per second, consumed by a push group as notify runs it; latency from the produce call to
 * the handler. Returns the latencies in ms.
 */
export async function measureKafkaHop(
  brokers: string[],
  rate: number,
  seconds: number,
): Promise<{ hop: number[]; produce: number[] }> {
  const kafka = createKafka({ brokers, clientId: `notify-bench-${randomUUID().slice(0, 8)}` });
  const topic = `bench.notify.${randomUUID()}`;
  await ensureTopic(kafka, topic, 6);
  const latencies: number[] = [];
  const produce: number[] = [];
  const nowhere: DeadLetterSink = { publish: async () => {} };
  const feed = createKafkaFeed({
    kafka,
    topic,
    groupId: `bench-push-${randomUUID()}`,
    fromBeginning: false,
    deadLetters: nowhere,
    logger: createLogger('notify-bench', 'warn'),
    partitionsConsumedConcurrently: 6,
  });
  await feed.start({
    name: 'bench',
    async handle(event) {
      latencies.push(Date.now() - Date.parse(event.metadata.occurredAt));
    },
  });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const perTick = Math.max(1, Math.round(rate / 100));
  const started = performance.now();
  let sent = 0;
  for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
    const occurredAt = new Date().toISOString();
    const sendStarted = performance.now();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: perTick }, () => {
        const event = assignedAt(occurredAt);
        return { key: event.streamId, value: JSON.stringify(event) };
      }),
    });
    produce.push(performance.now() - sendStarted);
    sent += perTick;
    const next = started + (tick + 1) * 10;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  const until = Date.now() + 10_000;
  while (latencies.length < sent && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 20));
  await producer.disconnect();
  await feed.stop();
  return { hop: latencies, produce };
}

function assignedAt(occurredAt: string): RecordedEvent {
  const taskId = randomUUID();
  const event = makeEvent('TaskAssigned', {
    taskId,
    projectId: randomUUID(),
    title: 'benchmark task',
    assigneeId: randomUUID(),
    previousAssigneeId: null,
    actorName: 'Olivia',
  });
  return {
    id: randomUUID(),
    streamId: taskStream(taskId),
    revision: 1,
    position: '00000000000000000001-00000000000000000001',
    type: event.type,
    data: event.data,
    metadata: {
      actor: randomUUID(),
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      occurredAt,
      schemaVersion: event.schemaVersion,
    },
    recordedAt: occurredAt,
  };
}

import type { RecordedEvent } from '@taskflow/platform/eventstore';
import type { Message } from 'kafkajs';

/** Kafka's default request limit is 1 MiB; a send stays well under it (one event is ≤ 256 KiB). */
const MAX_SEND_BYTES = 768 * 1024;

/**
 * One Kafka message per recorded event: key = stream id (so a stream's events share a
 * partition and keep their order), value = the recorded event as JSON, and headers consumers
 * can route and dedupe by without parsing the value.
 */
export function toKafkaMessage(event: RecordedEvent): Message {
  return {
    key: event.streamId,
    value: JSON.stringify(event),
    headers: {
      'event-id': event.id,
      'event-type': event.type,
      'schema-version': String(event.metadata.schemaVersion),
      position: event.position,
    },
  };
}

/** Splits a batch into sends of bounded size, keeping the order. */
export function chunkBySize(messages: Message[]): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(String(message.value)) + Buffer.byteLength(String(message.key)) + 200;
    if (current.length > 0 && bytes + size > MAX_SEND_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

import { Instant, Position, parseStoredEvent } from '@taskflow/contracts';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { z } from 'zod';

/** The forwarder's Kafka value: the RecordedEvent as JSON. */
export const RecordedEventMessage = z.object({
  id: z.uuid(),
  streamId: z.string().min(1),
  revision: z.int().nonnegative(),
  position: Position,
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  metadata: z.object({
    actor: z.string().nullable(),
    commandId: z.string(),
    correlationId: z.string(),
    causationId: z.string().nullable(),
    occurredAt: Instant,
    schemaVersion: z.int().positive(),
  }),
  recordedAt: z.string(),
});

export type MessageVerdict =
  | { kind: 'event'; event: RecordedEvent }
  /** A type this version does not know: nothing here can act on it, so it is skipped (and logged). */
  | { kind: 'skip'; reason: string; event: RecordedEvent }
  /** Unreadable, malformed or from a newer schema: dead-lettered with the reason. */
  | { kind: 'dead_letter'; reason: string };

/** Pure: what to do with one message value. */
export function classifyMessage(value: Buffer | string | null): MessageVerdict {
  if (value === null) return { kind: 'dead_letter', reason: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { kind: 'dead_letter', reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = RecordedEventMessage.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { kind: 'dead_letter', reason: `not a recorded event: ${issues.join('; ')}` };
  }
  return classifyEvent(parsed.data as RecordedEvent);
}

/** Pure: whether this version can read a recorded event's data. */
export function classifyEvent(event: RecordedEvent): MessageVerdict {
  const result = parseStoredEvent(event);
  if (result.ok) return { kind: 'event', event };
  switch (result.reason) {
    case 'unknown_type':
      return { kind: 'skip', reason: `unknown event type ${result.type}`, event };
    case 'newer_schema_version':
      return {
        kind: 'dead_letter',
        reason: `${result.type} v${result.schemaVersion} is newer than the supported v${result.supported}`,
      };
    case 'invalid':
      return { kind: 'dead_letter', reason: `invalid ${result.type} data: ${result.issues.join('; ')}` };
  }
}

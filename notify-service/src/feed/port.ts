import type { RecordedEvent } from '@taskflow/platform/eventstore';

/**
 * Handlers see parsed RecordedEvents and never know which feed (Kafka or the event store's
 * own subscription) delivered them. A feed calls the handler once per event, in order per
 * stream, and only moves its checkpoint (offset) past an event after the handler returned.
 */
export interface EventHandler {
  /** For logs and dead letters. */
  readonly name: string;
  handle(event: RecordedEvent, context: HandlerContext): Promise<void>;
}

export interface HandlerContext {
  /** Long work calls this now and then so the feed (a Kafka consumer group) keeps the lease. */
  heartbeat(): Promise<void>;
}

export interface EventFeed {
  /** Starts delivering; resolves once the feed is attached (e.g. the consumer joined its group). */
  start(handler: EventHandler): Promise<void>;
  /** Stops after the event in hand, keeping its checkpoint; idempotent. */
  stop(): Promise<void>;
}

/** Thrown by a handler for an event that will never succeed: the feed dead-letters it and moves on. */
export class PermanentHandlerError extends Error {
  override readonly name = 'PermanentHandlerError';
}

/** Somewhere events that could not be handled go, with the reason, so nothing is silently lost. */
export interface DeadLetterSink {
  publish(letter: DeadLetter): Promise<void>;
}

export interface DeadLetter {
  /** Which feed/handler gave up, e.g. `kafka:taskflow-email`. */
  source: string;
  reason: string;
  /** The event id when known; the Kafka key otherwise. */
  key: string | null;
  /** The original payload as received (JSON text for Kafka values). */
  payload: string;
  /** Extra context: topic, partition, offset, attempts. */
  details?: Record<string, string>;
}

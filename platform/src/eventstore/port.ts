/**
 * The event store port: the one interface the write side appends through and the read side
 * subscribes through. Adapters: PostgreSQL (`pg` and embedded PGlite) and EventStoreDB.
 */

/** Who and why, carried on every event; never secrets. */
export interface EventMetadata {
  actor: string | null;
  commandId: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  schemaVersion: number;
}

/** An event as a writer proposes it; `id` makes a retried append idempotent. */
export interface NewEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** An event as the store recorded it. */
export interface RecordedEvent extends NewEvent {
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  /** Opaque, totally ordered across the whole store; compare with `store.comparePositions`. */
  position: Position;
  recordedAt: string;
}

export type Position = string;

/** `any`: no check; `no_stream`: must not exist; `stream_exists`: must exist; a number: the current last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** The revision of the last event now in the stream. */
  nextRevision: number;
  /** The position of the last event appended (or, for an idempotent replay, of the original). */
  position: Position;
}

export interface ReadStreamOptions {
  /** Inclusive revision to start at; defaults to the start (forwards) or the end (backwards). */
  from?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position; omitted means from the beginning. */
  after?: Position;
  limit?: number;
}

export interface SubscribeOptions {
  after?: Position;
  /** Ends the subscription: the iterator returns after the signal fires. */
  signal?: AbortSignal;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream; an unknown stream yields an empty list. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of every stream in global order, with no gap that a later commit could fill. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live, pulled one event at a time: a slow consumer slows the reads. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Negative, zero or positive, as a is before, equal to or after b. */
  comparePositions(a: Position, b: Position): number;
  /** The position of the newest event readers can see, or null for an empty store. */
  headPosition(): Promise<Position | null>;
  close(): Promise<void>;
}

/** Largest `data` + `metadata` of one event, serialised as JSON. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** Most events one append may carry. */
export const MAX_EVENTS_PER_APPEND = 100;

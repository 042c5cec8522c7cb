import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, Position, RecordedEvent, SubscribeOptions } from '../port.ts';

export interface EventStoreContractSubject {
  store: EventStore;
  /** Closes the store and whatever the factory opened for it (client, database). */
  dispose(): Promise<void>;
}

export function newEvent(data: Record<string, unknown> = {}, type = 'ContractTested'): NewEvent {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: {
      actor: 'contract-suite',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

export function newEvents(count: number, data: (index: number) => Record<string, unknown> = (n) => ({ n })) {
  return Array.from({ length: count }, (_, index) => newEvent(data(index)));
}

/** Every test writes to streams of its own, so tests never see each other's events. */
export function uniqueStream(label: string): string {
  return `contract_${label}-${randomUUID()}`;
}

export async function fillStream(store: EventStore, streamId: string, count: number): Promise<NewEvent[]> {
  const events = newEvents(count);
  await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
  return events;
}

/** A live subscription the test pulls from explicitly, with a deadline on every pull. */
export class PulledSubscription {
  readonly #iterator: AsyncIterator<RecordedEvent>;
  readonly #controller = new AbortController();

  constructor(store: EventStore, options: Omit<SubscribeOptions, 'signal'>) {
    this.#iterator = store
      .subscribeToAll({ ...options, signal: this.#controller.signal })
      [Symbol.asyncIterator]();
  }

  /** The next `count` events that match `accept`, in the order delivered. */
  async take(
    count: number,
    accept: (event: RecordedEvent) => boolean,
    timeoutMs = 10_000,
  ): Promise<RecordedEvent[]> {
    const taken: RecordedEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    while (taken.length < count) {
      const next = await withDeadline(
        this.#iterator.next(),
        deadline,
        `waited for ${count} events, got ${taken.length}`,
      );
      if (next.done) throw new Error(`subscription ended after ${taken.length} of ${count} events`);
      if (accept(next.value)) taken.push(next.value);
    }
    return taken;
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await this.#iterator.return?.();
  }
}

export function withDeadline<T>(promise: Promise<T>, deadline: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${message}`)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export function inStreams(...streamIds: string[]) {
  const wanted = new Set(streamIds);
  return (event: RecordedEvent) => wanted.has(event.streamId);
}

export async function headOrStart(store: EventStore): Promise<Position | undefined> {
  return (await store.headPosition()) ?? undefined;
}

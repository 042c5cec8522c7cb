import type { RecordedEvent } from '@taskflow/platform/eventstore';

const NOT_YET = Symbol('not yet');

/**
 * Cuts a subscription into batches: up to `maxSize` events, or fewer when no more are
 * immediately available (the next one is not ready by the next turn of the event loop). The
 * first event of a batch is awaited for as long as it takes.
 */
export class BatchReader {
  readonly #iterator: AsyncIterator<RecordedEvent>;
  readonly #maxSize: number;
  #pending: Promise<IteratorResult<RecordedEvent>> | undefined;
  #finished = false;

  constructor(source: AsyncIterable<RecordedEvent>, maxSize: number) {
    this.#iterator = source[Symbol.asyncIterator]();
    this.#maxSize = maxSize;
  }

  /** The next batch, or null when the subscription has ended. */
  async next(): Promise<RecordedEvent[] | null> {
    if (this.#finished) return null;
    const first = await this.#take();
    if (first.done) {
      this.#finished = true;
      return null;
    }
    const batch = [first.value];
    while (batch.length < this.#maxSize) {
      const pending = this.#iterator.next();
      const result = await Promise.race([pending, nextTurn()]);
      if (result === NOT_YET) {
        this.#pending = pending;
        break;
      }
      if (result.done) {
        this.#finished = true;
        break;
      }
      batch.push(result.value);
    }
    return batch;
  }

  /** Call after aborting the subscription's signal: a pending read then ends promptly. */
  async close(): Promise<void> {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#finished = true;
    await pending?.catch(() => undefined);
    await this.#iterator.return?.().catch(() => undefined);
  }

  #take(): Promise<IteratorResult<RecordedEvent>> {
    const pending = this.#pending ?? this.#iterator.next();
    this.#pending = undefined;
    return pending;
  }
}

function nextTurn(): Promise<typeof NOT_YET> {
  return new Promise((resolve) => setImmediate(() => resolve(NOT_YET)));
}

import type { Position, RecordedEvent } from '../port.ts';
import type { WakeSignal } from './wake.ts';

export interface SubscriptionSource {
  /** Up to `limit` events strictly after `after`, below the horizon. */
  readPage(after: Position | undefined, limit: number): Promise<RecordedEvent[]>;
  /** After a short read: true when committed events wait above the horizon. */
  hasEventsAfter(after: Position | undefined): Promise<boolean>;
}

export interface SubscriptionTiming {
  batchSize: number;
  /** Longest wait without any wake-up: the fallback when a notification is lost. */
  pollIntervalMs: number;
  /** First re-check delay while events are held back; doubles up to the poll interval. */
  heldBackRetryMs: number;
}

/**
 * Catch-up and live are one loop: read a batch after the checkpoint, hand its events out one
 * by one (the generator is suspended until the consumer asks for the next), and when caught up
 * wait for a wake-up, a poll tick or the abort signal. At most one batch is held in memory.
 */
export async function* subscribe(
  source: SubscriptionSource,
  wake: WakeSignal,
  timing: SubscriptionTiming,
  after: Position | undefined,
  signal: AbortSignal,
): AsyncGenerator<RecordedEvent, void, undefined> {
  let checkpoint = after;
  let quietDelay = timing.heldBackRetryMs;
  while (!signal.aborted) {
    const seen = wake.generation;
    const batch = await endQuietlyOnAbort(source.readPage(checkpoint, timing.batchSize), signal);
    if (!batch) return;
    for (const event of batch) {
      if (signal.aborted) return;
      yield event;
      checkpoint = event.position;
    }
    if (batch.length > 0) quietDelay = timing.heldBackRetryMs;
    if (batch.length === timing.batchSize || wake.generation !== seen) continue;
    // Caught up as far as the horizon allows. While appends flow, the next wake-up is a few
    // milliseconds away: wait for it before spending a query on anything else.
    await wake.wait(seen, quietDelay, signal);
    if (signal.aborted) return;
    if (wake.generation !== seen) continue;
    // Nothing woke us. A commit may sit above the horizon behind an older transaction that
    // sends no wake-up when it ends (not an append, or in another process that died): if so,
    // look again soon, backing off, rather than at the next poll.
    const heldBack = await endQuietlyOnAbort(source.hasEventsAfter(checkpoint), signal);
    if (heldBack === undefined) return;
    if (heldBack) {
      quietDelay = Math.min(quietDelay * 2, timing.pollIntervalMs);
      continue;
    }
    quietDelay = timing.heldBackRetryMs;
    await wake.wait(seen, timing.pollIntervalMs, signal);
  }
}

/** A query cut short by closing the store is the end of the subscription, not an error. */
async function endQuietlyOnAbort<T>(query: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  try {
    return await query;
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  }
}

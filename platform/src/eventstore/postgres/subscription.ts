import type { Position, RecordedEvent } from '../port.ts';
import type { Horizon } from './reads.ts';
import type { WakeSignal } from './wake.ts';

export interface SubscriptionSource {
  /** Up to `limit` events strictly after `after`, below the given horizon. */
  readPage(after: Position | undefined, limit: number, horizon: Horizon): Promise<RecordedEvent[]>;
  /** After a short read: true when committed events wait above the horizon. */
  hasEventsAfter(after: Position | undefined): Promise<boolean>;
}

export interface SubscriptionTiming {
  batchSize: number;
  /** Longest wait without any wake-up: the fallback when a notification is lost. */
  pollIntervalMs: number;
  /** First re-check delay while events are held back; doubles up to the poll interval. */
  heldBackRetryMs: number;
  /**
   * How long the cheap cluster-wide horizon may hold events back before a read below this
   * database's own horizon (costlier) is tried, and then at most how often.
   */
  stallMs: number;
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
  let heldBackDelay = timing.heldBackRetryMs;
  let progressAt = performance.now();
  let horizon: Horizon = 'cluster';
  while (!signal.aborted) {
    const seen = wake.generation;
    const batch = await endQuietlyOnAbort(source.readPage(checkpoint, timing.batchSize, horizon), signal);
    if (!batch) return;
    for (const event of batch) {
      if (signal.aborted) return;
      yield event;
      checkpoint = event.position;
    }
    if (batch.length > 0) {
      heldBackDelay = timing.heldBackRetryMs;
      progressAt = performance.now();
    }
    horizon = 'cluster';
    if (batch.length === timing.batchSize || wake.generation !== seen || signal.aborted) continue;
    const heldBack = await endQuietlyOnAbort(source.hasEventsAfter(checkpoint), signal);
    if (heldBack === undefined) return;
    let timeout = timing.pollIntervalMs;
    if (heldBack) {
      // A commit we were told about can sit above the horizon behind an older transaction that
      // sends no wake-up when it ends; re-check soon instead of waiting for the next poll.
      timeout = heldBackDelay;
      heldBackDelay = Math.min(heldBackDelay * 2, timing.pollIntervalMs);
      if (performance.now() - progressAt >= timing.stallMs) {
        horizon = 'database';
        progressAt = performance.now();
        continue;
      }
    } else {
      heldBackDelay = timing.heldBackRetryMs;
    }
    await wake.wait(seen, timeout, signal);
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

import type { Logger } from '@taskflow/platform';
import type { EventStore, Position, RecordedEvent } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import {
  type BatchContext,
  CheckpointMovedError,
  type Classified,
  classify,
  commitBatch,
  ProjectorHaltedError,
} from '../projector/apply.ts';
import { ALL_PROJECTORS } from '../projector/registry.ts';
import type { Projector } from '../projector/types.ts';
import { READ_MODELS_CHECKPOINT } from '../schema.ts';
import { backoffMs, isTransient, sleep } from '../shared/transient.ts';
import { mergeLanes, openLanes } from './lanes.ts';

export interface ReplayTarget {
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  /** The schema replayed into; its checkpoint row must be at `from`. */
  schema: string;
  /**
   * Projectors applied side by side, each group in transactions of its own on its own
   * connection (default: all in one). Only for a schema nobody reads before the replay ends
   * (see lanes.ts); a replay that fails leaves such a schema fit only to be dropped.
   */
  lanes?: readonly (readonly Projector[])[];
  /** Events read and applied per transaction (default 2,000). */
  pageSize?: number;
}

export interface ReplayProgress {
  position: Position | null;
  /** Events committed by this replay so far. */
  events: number;
}

const TRANSIENT_RETRIES = 5;

/**
 * Applies every event after `from` up to and including `until` to the target schema with the
 * projector's own batch commit (checkpoint in the same transaction, same skip and halt rules),
 * stopping exactly at `until`, so a replay can be brought to any position a live checkpoint
 * names. Bigger transactions than the live projector's, and the next page is read while the
 * current one is applied: a rebuild is throughput, not latency.
 */
export async function replayRange(
  target: ReplayTarget,
  from: Position | null,
  until: Position | null,
  onProgress?: (progress: ReplayProgress) => void,
): Promise<ReplayProgress> {
  const { eventStore } = target;
  const pageSize = target.pageSize ?? 2_000;
  const progress: ReplayProgress = { position: from, events: 0 };
  if (until === null || (from !== null && eventStore.comparePositions(from, until) >= 0)) return progress;

  const groups = target.lanes ?? [ALL_PROJECTORS];
  const names = groups.length === 1 ? [READ_MODELS_CHECKPOINT] : await openLanes(target, groups.length, from);
  const contexts: BatchContext[] = groups.map((projectors, lane) => ({
    sql: target.sql,
    logger: target.logger,
    schema: target.schema,
    checkpointName: names[lane]!,
    projectors,
  }));
  const read = (after: Position | null) => {
    const page = eventStore.readAll({ after: after ?? undefined, limit: pageSize });
    page.catch(() => undefined); // awaited below; a failure while a batch commits is not unhandled
    return page;
  };
  let next: Promise<RecordedEvent[]> | null = read(from);
  while (next) {
    let page: RecordedEvent[] = await next;
    if (page.length > 0 && eventStore.comparePositions(page.at(-1)!.position, until) > 0) {
      page = page.filter((event) => eventStore.comparePositions(event.position, until) <= 0);
    }
    const last = page.at(-1);
    if (!last) break;
    const reached = eventStore.comparePositions(last.position, until) >= 0;
    next = reached ? null : read(last.position);
    // Parsed once for every lane (and an unreadable event logged once).
    const classified = classify(page, target.logger);
    // While one lane waits for PostgreSQL, another's JavaScript runs: both cores work.
    const outcomes = await Promise.allSettled(
      contexts.map((context) => commitWithRetries(context, progress.position, page, classified)),
    );
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    progress.position = last.position;
    progress.events += page.length;
    onProgress?.({ ...progress });
  }
  if (groups.length > 1) await mergeLanes(target, names, progress.position);
  return progress;
}

async function commitWithRetries(
  context: BatchContext,
  expected: Position | null,
  events: RecordedEvent[],
  classified?: Classified,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await commitBatch(context, expected, events, classified);
      return;
    } catch (error) {
      // A retried batch whose first try committed after all (the connection broke at COMMIT).
      if (error instanceof CheckpointMovedError && attempt > 1 && error.actual === events.at(-1)!.position)
        return;
      if (isTransient(error) && attempt <= TRANSIENT_RETRIES) {
        context.logger.warn({ err: error, attempt }, 'replay batch failed; retrying');
        await sleep(backoffMs(attempt));
        continue;
      }
      if (error instanceof ProjectorHaltedError || isTransient(error) || events.length === 1) {
        throw asHalt(error, events);
      }
      // Name the event that fails, as the live projector does: apply one at a time.
      let position = expected;
      for (const event of events) {
        await commitWithRetries(context, position, [event]);
        position = event.position;
      }
      return;
    }
  }
}

function asHalt(error: unknown, events: RecordedEvent[]): unknown {
  if (error instanceof ProjectorHaltedError || isTransient(error) || events.length !== 1) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ProjectorHaltedError(events[0]!, `applying it failed: ${reason}`, { cause: error });
}

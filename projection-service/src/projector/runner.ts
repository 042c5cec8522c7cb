import type { Logger } from '@taskflow/platform';
import type { EventStore, Position, RecordedEvent } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import { readCheckpoint } from '../checkpoints/store.ts';
import { migrateReadModels, READ_MODELS_CHECKPOINT, READ_SCHEMA } from '../schema.ts';
import { backoffMs, isTransient, sleep } from '../shared/transient.ts';
import { type BatchContext, CheckpointMovedError, commitBatch, ProjectorHaltedError } from './apply.ts';
import { BatchReader } from './batches.ts';
import { ALL_PROJECTORS } from './registry.ts';
import type { Projector } from './types.ts';

export interface ProjectorDeps {
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  /** The schema the read models live in (default `read`; a rebuild projects into another). */
  schema?: string;
  /** Most events applied in one transaction (default 500). */
  maxBatchSize?: number;
  projectors?: readonly Projector[];
  /** Run the read-model migrations first (default true; a rebuild lays its own tables). */
  migrate?: boolean;
  /** Test seam: runs inside each batch's transaction just before its checkpoint is written. */
  beforeCommit?: (events: readonly RecordedEvent[]) => Promise<void>;
}

export interface ProjectorStats {
  applied: number;
  skipped: number;
  batches: number;
  /** Why it stopped on its own (a ProjectorHaltedError names the event), or null. */
  halted: Error | null;
}

export interface ProjectorHandle {
  /** Finishes the batch in flight (it commits or rolls back whole), then stops. */
  stop(): Promise<void>;
  /** The position of the last committed batch (null before the first event). */
  checkpoint(): Position | null;
  stats(): ProjectorStats;
  /** Resolves once the checkpoint is at or past `position`; rejects if the projector halts first. */
  waitFor(position: Position): Promise<void>;
  /** Resolves when stopped; rejects with ProjectorHaltedError when it halted on an event. */
  done: Promise<void>;
}

/**
 * The one subscriber that feeds every read model: catch-up then live from the stored
 * checkpoint, each batch applied by every projector in one transaction with the checkpoint.
 */
export async function startProjector(deps: ProjectorDeps): Promise<ProjectorHandle> {
  const schema = deps.schema ?? READ_SCHEMA;
  if (deps.migrate !== false) await migrateReadModels(deps.sql);
  const logger = deps.logger.child({ component: 'projector', schema });
  const context: BatchContext = {
    sql: deps.sql,
    logger,
    schema,
    checkpointName: READ_MODELS_CHECKPOINT,
    projectors: deps.projectors ?? ALL_PROJECTORS,
    beforeCommit: deps.beforeCommit,
  };
  const maxBatchSize = deps.maxBatchSize ?? 500;
  const stopping = new AbortController();
  const stats: ProjectorStats = { applied: 0, skipped: 0, batches: 0, halted: null };
  let committed = (await readCheckpoint(deps.sql, schema, READ_MODELS_CHECKPOINT)).position;
  const waiters = new Set<{ position: Position; resolve: () => void; reject: (error: Error) => void }>();

  const settleWaiters = () => {
    for (const waiter of waiters) {
      if (stats.halted) waiter.reject(stats.halted);
      else if (committed !== null && deps.eventStore.comparePositions(committed, waiter.position) >= 0) {
        waiter.resolve();
      } else continue;
      waiters.delete(waiter);
    }
  };

  const commit = async (batch: RecordedEvent[]) => {
    try {
      await commitAndRecord(batch);
    } catch (error) {
      if (
        !(error instanceof CheckpointMovedError || error instanceof ProjectorHaltedError) &&
        batch.length > 1
      ) {
        if (isTransient(error)) throw error;
        // Find the event that fails: apply one at a time, committing those before it.
        for (const event of batch) await commitOne(event);
        return;
      }
      throw error;
    }
  };
  const commitOne = async (event: RecordedEvent) => {
    try {
      await commitAndRecord([event]);
    } catch (error) {
      if (
        error instanceof CheckpointMovedError ||
        error instanceof ProjectorHaltedError ||
        isTransient(error)
      ) {
        throw error;
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new ProjectorHaltedError(event, `applying it failed: ${reason}`, { cause: error });
    }
  };
  const commitAndRecord = async (batch: RecordedEvent[]) => {
    const outcome = await commitBatch(context, committed, batch);
    if (!outcome) return;
    committed = outcome.position;
    stats.applied += outcome.applied;
    stats.skipped += outcome.skipped;
    stats.batches += 1;
    settleWaiters();
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const attempt = new AbortController();
      const signal = AbortSignal.any([stopping.signal, attempt.signal]);
      const reader = new BatchReader(
        deps.eventStore.subscribeToAll({ after: committed ?? undefined, signal }),
        maxBatchSize,
      );
      try {
        for (let batch = await reader.next(); batch; batch = await reader.next()) {
          await commit(batch);
          failures = 0;
        }
      } catch (error) {
        if (error instanceof ProjectorHaltedError) throw error;
        if (error instanceof CheckpointMovedError) {
          logger.warn(
            { from: committed, to: error.actual },
            'checkpoint moved under the projector; resuming there',
          );
          committed = error.actual;
          settleWaiters();
          continue;
        }
        if (stopping.signal.aborted) return;
        failures += 1;
        const delay = backoffMs(failures);
        const level = isTransient(error) ? 'warn' : 'error';
        logger[level]({ err: error, retryInMs: delay }, 'projector subscription failed; retrying');
        await sleep(delay, stopping.signal);
      } finally {
        attempt.abort();
        await reader.close();
      }
    }
  };

  const done = run().catch((error: unknown) => {
    const halted = error instanceof Error ? error : new Error(String(error));
    stats.halted = halted;
    logger.error({ err: halted }, 'projector halted');
    settleWaiters();
    throw halted;
  });
  // The caller may never look at `done`; the halt is logged and visible in stats().
  done.catch(() => undefined);

  return {
    async stop() {
      stopping.abort();
      await done.catch(() => undefined);
    },
    checkpoint: () => committed,
    stats: () => ({ ...stats }),
    waitFor(position) {
      return new Promise((resolve, reject) => {
        waiters.add({ position, resolve, reject });
        settleWaiters();
      });
    },
    done,
  };
}

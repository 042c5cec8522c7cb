import type { Position } from '@taskflow/platform/eventstore';
import { CHECKPOINT_CHANNEL, readCheckpoint } from '../checkpoints/store.ts';
import { READ_MODELS_CHECKPOINT, READ_SCHEMA } from '../schema.ts';
import { type ReplayProgress, type ReplayTarget, replayRange } from './replay.ts';

/** Where the replaced tables go for the moment between the swap and their drop. */
export const RETIRED_SCHEMA = 'read_old';

export interface SwapOptions {
  /** Longest the swap waits for a lock (the live projector's batch, readers of the old tables). */
  lockTimeoutMs: number;
  onProgress?: (progress: ReplayProgress, head: Position | null) => void;
}

/**
 * Puts the rebuilt schema (`target.schema`, replayed up to `replayedTo`) in the place of the
 * live one, atomically. Inside one transaction:
 *
 * 1. `LOCK read.checkpoints IN EXCLUSIVE MODE` waits for the live projector's batch in flight
 *    and keeps it from committing another (each batch takes that row FOR UPDATE first); plain
 *    reads, and so every query, go on.
 * 2. The rebuild replays on to the head, which is at or past the live checkpoint now frozen:
 *    the swap never moves the read models back in time.
 * 3. Both schemas are renamed. Queries name `read.<table>`, so each statement after the commit
 *    reads the new tables; the live projector, blocked on the old checkpoint row, finds the
 *    new one when it gets its lock (PostgreSQL looks the name up again after waiting), sees
 *    the rebuild's position and resumes from there (CheckpointMovedError): nothing is applied
 *    twice or skipped.
 *
 * Returns the position the swapped-in read models are at. The old tables are left in
 * `read_old` (which must not exist yet) for the caller to drop outside the swap.
 */
export async function swapIn(
  target: ReplayTarget,
  replayedTo: Position | null,
  options: SwapOptions,
): Promise<{ position: Position | null; events: number }> {
  const { sql, eventStore } = target;
  return sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`);
    await tx.query(`LOCK TABLE ${READ_SCHEMA}.checkpoints IN EXCLUSIVE MODE`);
    const live = (await readCheckpoint(tx, READ_SCHEMA, READ_MODELS_CHECKPOINT)).position;
    const head = await eventStore.headPosition();
    const until =
      live !== null && (head === null || eventStore.comparePositions(live, head) > 0) ? live : head;
    const tail = await replayRange(target, replayedTo, until, (progress) =>
      options.onProgress?.(progress, until),
    );
    if (live !== null && (tail.position === null || eventStore.comparePositions(tail.position, live) < 0)) {
      throw new Error(
        `the rebuild reached ${tail.position ?? 'nothing'} but the live read models are at ${live}: not swapping`,
      );
    }
    // The renames come last: they give this transaction an id, and the event store's readers
    // (the tail replay above included) stay below the oldest transaction still running.
    await tx.exec(
      `ALTER SCHEMA ${READ_SCHEMA} RENAME TO ${RETIRED_SCHEMA};
       ALTER SCHEMA ${target.schema} RENAME TO ${READ_SCHEMA};`,
    );
    // Query processes waiting for X-Min-Position learn of the jump at once.
    if (tail.position !== null) {
      await tx.query('SELECT pg_notify($1, $2)', [
        CHECKPOINT_CHANNEL,
        JSON.stringify({ schema: READ_SCHEMA, name: READ_MODELS_CHECKPOINT, position: tail.position }),
      ]);
    }
    return tail;
  });
}

import type { Logger } from '@taskflow/platform';
import type { EventStore, Position } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import { readCheckpoint } from '../checkpoints/store.ts';
import { migrateReadModels, READ_MODELS_CHECKPOINT, REBUILD_SCHEMA } from '../schema.ts';
import { sleep } from '../shared/transient.ts';
import { REBUILD_LANES } from './lanes.ts';
import { withMaintenanceLock } from './lock.ts';
import { createProgress } from './progress.ts';
import { type ReplayTarget, replayRange } from './replay.ts';
import { dropSchema, finishShadowSchema, layShadowSchema } from './shadow.ts';
import { RETIRED_SCHEMA, swapIn } from './swap.ts';

export interface RebuildDeps {
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  /** Progress lines (events/s, ETA); nothing when omitted. */
  report?: (line: string) => void;
  /** Events per transaction (default 20,000: more of a task's events fold into one row write). */
  pageSize?: number;
  /** Longest the swap waits for a lock before it gives up and tries again (default 5 s). */
  lockTimeoutMs?: number;
}

export interface RebuildResult {
  /** Where the swapped-in read models are. */
  position: Position | null;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

const SWAP_ATTEMPTS = 3;
const SWAP_TAIL = 2_000;
const MAX_PASSES = 20;

/**
 * `projections rebuild`: replays the whole log into fresh tables in `read_rebuild` while the
 * live ones keep serving, catches up with the head in passes (events keep arriving), then
 * swaps the schemas in one short transaction (see `swapIn`) and drops the old tables.
 */
export async function rebuildReadModels(deps: RebuildDeps): Promise<RebuildResult> {
  const { sql, eventStore } = deps;
  await migrateReadModels(sql);
  return withMaintenanceLock(sql, async () => {
    const pageSize = deps.pageSize ?? 20_000;
    const target: ReplayTarget = {
      sql,
      eventStore,
      logger: deps.logger,
      schema: REBUILD_SCHEMA,
      pageSize,
      lanes: REBUILD_LANES,
    };
    const progress = createProgress('rebuild', deps.report ?? (() => {}));
    const started = performance.now();
    let events = 0;
    let position: Position | null = null;
    // Passes until one finds only a few events: what is left for the swap to apply under its
    // lock (while the live projector waits) is then about as few. Writers faster than the
    // replay would keep it passing for ever: after some passes it swaps anyway.
    const catchUp = async () => {
      for (let passes = 1; ; passes++) {
        const head = await eventStore.headPosition();
        const pass = await replayRange(target, position, head, (p) =>
          progress.update(events + p.events, p.position, head),
        );
        events += pass.events;
        position = pass.position;
        if (pass.events < SWAP_TAIL || passes >= MAX_PASSES) return;
      }
    };
    await dropSchema(sql, RETIRED_SCHEMA);
    const deferred = await layShadowSchema(sql, REBUILD_SCHEMA);
    try {
      await catchUp();
      await finishShadowSchema(sql, REBUILD_SCHEMA, deferred);
      await catchUp(); // what arrived meanwhile
      let swapped: { position: Position | null; events: number } | undefined;
      for (let attempt = 1; !swapped; attempt++) {
        let tail = 0;
        try {
          swapped = await swapIn(target, position, {
            lockTimeoutMs: deps.lockTimeoutMs ?? 5_000,
            onProgress: (p, head) => {
              tail = p.events;
              progress.update(events + p.events, p.position, head);
            },
          });
        } catch (error) {
          events += tail; // committed to the rebuild schema before the swap gave up
          // A lock not granted in time (a long query on the old tables): the rebuild is intact, try again.
          if (!isLockTimeout(error) || attempt >= SWAP_ATTEMPTS) throw error;
          deps.logger.warn({ attempt }, 'swap could not get its locks in time; trying again');
          await sleep(1_000);
          position = await checkpointOf(target);
        }
      }
      events += swapped.events;
      await dropRetired(sql, deps.logger);
      const seconds = (performance.now() - started) / 1000;
      return { position: swapped.position, events, seconds, eventsPerSecond: progress.rate(events) };
    } catch (error) {
      await dropSchema(sql, REBUILD_SCHEMA).catch(() => undefined);
      throw error;
    }
  });
}

async function checkpointOf(target: ReplayTarget): Promise<Position | null> {
  return (await readCheckpoint(target.sql, target.schema, READ_MODELS_CHECKPOINT)).position;
}

/** Old tables still read by a long query are dropped a little later; the next rebuild drops them anyway. */
async function dropRetired(sql: SqlClient, logger: Logger): Promise<void> {
  try {
    await sql.transaction(async (tx) => {
      await tx.query('SET LOCAL lock_timeout = 10000');
      await tx.exec(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`);
    });
  } catch (error) {
    logger.warn({ err: error }, `could not drop ${RETIRED_SCHEMA} yet; the next rebuild drops it`);
  }
}

function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '55P03';
}

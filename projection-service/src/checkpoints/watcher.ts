import type { Logger } from '@taskflow/platform';
import type { EventStore, Position } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import { READ_MODELS_CHECKPOINT } from '../schema.ts';
import { CHECKPOINT_CHANNEL, readCheckpoint } from './store.ts';

export interface CheckpointWatcher {
  /** The read models' checkpoint as last seen (read fresh when it may be behind `position`). */
  reached(position: Position): Promise<boolean>;
  /** True once the checkpoint is at or past `position`; false when `timeoutMs` passes first. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

interface Waiter {
  position: Position;
  resolve: (reached: boolean) => void;
}

/**
 * Read-your-writes for queries. The projector may run in another process, so the checkpoint is
 * read from its table; a NOTIFY sent with every committed batch wakes waiters at once, and a
 * short poll covers lost notifications (and PGlite, where NOTIFY stays in one process).
 */
export function createCheckpointWatcher(options: {
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  schema: string;
  pollIntervalMs?: number;
}): CheckpointWatcher {
  const { sql, eventStore, schema } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const waiters = new Set<Waiter>();
  let latest: Position | null = null;
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;
  let poller: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> | undefined;

  const isPast = (position: Position) =>
    latest !== null && eventStore.comparePositions(latest, position) >= 0;
  const observe = (position: Position | null) => {
    if (position !== null && (latest === null || eventStore.comparePositions(position, latest) > 0)) {
      latest = position;
    }
    for (const waiter of waiters) {
      if (isPast(waiter.position)) {
        waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
    if (waiters.size === 0 && poller) {
      clearInterval(poller);
      poller = undefined;
    }
  };
  const refresh = (): Promise<void> => {
    refreshing ??= readCheckpoint(sql, schema, READ_MODELS_CHECKPOINT)
      .then((row) => observe(row.position))
      .catch((error: unknown) => options.logger.warn({ err: error }, 'reading the checkpoint failed'))
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  const ensureListening = () => {
    listening ??= sql
      .listen(CHECKPOINT_CHANNEL, (payload) => {
        if (payload === null) return void refresh();
        try {
          const message = JSON.parse(payload) as { schema?: string; position?: string };
          if (message.schema === schema && typeof message.position === 'string') observe(message.position);
        } catch {
          void refresh();
        }
      })
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, 'cannot LISTEN for checkpoints; polling only');
        return undefined;
      });
    return listening;
  };

  return {
    async reached(position) {
      if (isPast(position)) return true;
      await refresh();
      return isPast(position);
    },
    async waitFor(position, timeoutMs) {
      eventStore.comparePositions(position, position); // throws for a position this store never issued
      if (isPast(position)) return true;
      await ensureListening();
      await refresh();
      if (isPast(position)) return true;
      if (timeoutMs <= 0) return false;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(false);
        }, timeoutMs);
        const waiter: Waiter = {
          position,
          resolve: (reached) => {
            clearTimeout(timer);
            resolve(reached);
          },
        };
        waiters.add(waiter);
        poller ??= setInterval(() => void refresh(), pollIntervalMs);
      });
    },
    async close() {
      clearInterval(poller);
      for (const waiter of waiters) waiter.resolve(false);
      waiters.clear();
      const unlisten = await listening;
      await unlisten?.();
    },
  };
}

import type { SqlClient } from '../../sql/client.ts';
import { runMigrations } from '../../sql/migrations.ts';
import type { AppendResult, EventStore, ExpectedRevision } from '../port.ts';
import { comparePositionPairs, decodePosition } from '../position.ts';
import { validateAppend, validateReadAllLimit, validateStreamRead } from '../validation.ts';
import { callAppend, createWakeUpSender, interpretAppend } from './append.ts';
import { createReads } from './reads.ts';
import { EVENTSTORE_CHANNEL, EVENTSTORE_MIGRATION_NAMESPACE, eventStoreMigrations } from './schema.ts';
import { subscribe } from './subscription.ts';
import { WakeSignal } from './wake.ts';

export interface PostgresEventStoreOptions {
  /** Run the event store's migrations first (default true). */
  migrate?: boolean;
  /** Events a subscription reads per query (default 500). */
  batchSize?: number;
  /** Longest a live subscription waits without a wake-up (default 500 ms). */
  pollIntervalMs?: number;
  /** Least time between two wake-ups this store sends to other processes (default 2 ms). */
  wakeUpIntervalMs?: number;
}

// Events appear a few milliseconds after a wake-up when an older append is still committing.
const HELD_BACK_RETRY_MS = 2;

/** The PostgreSQL (and PGlite) event store. The caller owns `sql` and closes it after the store. */
export async function createPostgresEventStore(
  sql: SqlClient,
  options: PostgresEventStoreOptions = {},
): Promise<EventStore> {
  if (options.migrate !== false)
    await runMigrations(sql, EVENTSTORE_MIGRATION_NAMESPACE, eventStoreMigrations);
  const timing = {
    batchSize: options.batchSize ?? 500,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    heldBackRetryMs: HELD_BACK_RETRY_MS,
  };
  const reads = createReads(sql);
  const wake = new WakeSignal();
  const closing = new AbortController();
  const wakeUps = createWakeUpSender(sql, options.wakeUpIntervalMs ?? 2);
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;

  const ensureListening = () => {
    listening ??= sql
      .listen(EVENTSTORE_CHANNEL, () => wake.bump())
      .catch(() => {
        // Polling still delivers everything; the next subscription tries to listen again.
        listening = undefined;
        return undefined;
      });
    return listening;
  };

  return {
    async appendToStream(streamId, events, appendOptions): Promise<AppendResult> {
      const expected = appendOptions?.expectedRevision;
      const validated = validateAppend(streamId, events, expected);
      const row = await callAppend(sql, streamId, expected as ExpectedRevision, validated);
      const result = interpretAppend(streamId, expected as ExpectedRevision, row);
      if (row.outcome === 'appended') {
        wake.bump();
        wakeUps.send();
      }
      return result;
    },

    async readStream(streamId, readOptions) {
      const { direction, from, limit } = validateStreamRead(readOptions);
      return reads.readStream(streamId, direction === 'forwards', from, limit);
    },

    readAll: async (readOptions) => reads.readPage(readOptions?.after, validateReadAllLimit(readOptions)),

    subscribeToAll(subscribeOptions = {}) {
      const { after } = subscribeOptions;
      if (after !== undefined) decodePosition(after);
      const signals = [closing.signal, ...(subscribeOptions.signal ? [subscribeOptions.signal] : [])];
      const started = ensureListening();
      return (async function* () {
        await started;
        yield* subscribe(reads, wake, timing, after, AbortSignal.any(signals));
      })();
    },

    comparePositions: comparePositionPairs,

    headPosition: () => reads.headPosition(),

    async close() {
      closing.abort();
      wake.bump();
      await wakeUps.close();
      const unlisten = await listening;
      await unlisten?.();
    },
  };
}

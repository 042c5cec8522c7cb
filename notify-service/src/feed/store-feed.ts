import type { Logger } from '@taskflow/platform';
import type { EventStore, Position, RecordedEvent } from '@taskflow/platform/eventstore';
import type { SqlQueryable } from '@taskflow/platform/sql';
import { type BackoffPolicy, backoffDelay, errorMessage, sleep } from '../shared/backoff.ts';
import { classifyEvent } from './parse.ts';
import { type DeadLetterSink, type EventFeed, type EventHandler, PermanentHandlerError } from './port.ts';

export interface StoreFeedOptions {
  store: EventStore;
  /** Where the checkpoint lives (notify.feed_checkpoints); omitted = no checkpoint (push feed). */
  checkpoints?: SqlQueryable;
  /** Checkpoint name, e.g. `email`. */
  name: string;
  /** Where a feed without a checkpoint starts; the push feed always starts at the head. */
  initialPosition: 'beginning' | 'head';
  deadLetters: DeadLetterSink;
  logger: Logger;
  retry?: BackoffPolicy;
  /** Checkpoint after this many events or this long, whichever first (and on stop). */
  checkpointEvery?: { events: number; ms: number };
}

const DEFAULT_RETRY: BackoffPolicy = { baseMs: 200, maxMs: 5_000, maxAttempts: 5 };

/**
 * The embedded feed: the event store's own subscription (catch-up, then live), checkpointed in
 * notify's table after the handler returned. Handlers are idempotent, so replaying the few
 * events after the last saved checkpoint (after a crash) changes nothing.
 */
export function createStoreFeed(options: StoreFeedOptions): EventFeed {
  const retry = options.retry ?? DEFAULT_RETRY;
  const every = options.checkpointEvery ?? { events: 50, ms: 500 };
  const source = `store:${options.name}`;
  const log = options.logger.child({ feed: source });
  let controller: AbortController | null = null;
  let loop: Promise<void> | null = null;

  async function loadCheckpoint(): Promise<Position | undefined> {
    if (options.checkpoints) {
      const { rows } = await options.checkpoints.query<{ position: string }>(
        'SELECT position FROM notify.feed_checkpoints WHERE name = $1',
        [options.name],
      );
      if (rows[0]) return rows[0].position;
    }
    if (options.initialPosition === 'beginning') return undefined;
    return (await options.store.headPosition()) ?? undefined;
  }

  async function saveCheckpoint(position: Position): Promise<void> {
    await options.checkpoints?.query(
      `INSERT INTO notify.feed_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [options.name, position],
    );
  }

  async function handle(handler: EventHandler, event: RecordedEvent, signal: AbortSignal): Promise<boolean> {
    const verdict = classifyEvent(event);
    if (verdict.kind === 'skip') return true;
    const payload = () => JSON.stringify(event);
    if (verdict.kind === 'dead_letter') {
      await options.deadLetters.publish({
        source,
        reason: verdict.reason,
        key: event.id,
        payload: payload(),
      });
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await handler.handle(event, { heartbeat: async () => {} });
        return true;
      } catch (error) {
        const reason =
          error instanceof PermanentHandlerError
            ? `permanent failure: ${error.message}`
            : attempt >= retry.maxAttempts
              ? `failed ${attempt} times, last: ${errorMessage(error)}`
              : null;
        if (reason !== null) {
          log.error({ eventId: event.id, reason }, 'dead-lettering an event');
          await options.deadLetters.publish({
            source: `${source}:${handler.name}`,
            reason,
            key: event.id,
            payload: payload(),
          });
          return true;
        }
        log.warn({ eventId: event.id, attempt, err: error }, 'handler failed; retrying');
        await sleep(backoffDelay(retry, attempt), signal);
        if (signal.aborted) return false;
      }
    }
  }

  async function run(handler: EventHandler, start: Position | undefined, signal: AbortSignal) {
    let checkpoint = start;
    let saved = start;
    let sinceSave = 0;
    let savedAt = Date.now();
    let failures = 0;
    const persist = async () => {
      if (checkpoint !== undefined && checkpoint !== saved) {
        await saveCheckpoint(checkpoint);
        saved = checkpoint;
      }
      sinceSave = 0;
      savedAt = Date.now();
    };
    while (!signal.aborted) {
      try {
        for await (const event of options.store.subscribeToAll({ after: checkpoint, signal })) {
          if (!(await handle(handler, event, signal))) break;
          checkpoint = event.position;
          failures = 0;
          sinceSave += 1;
          if (sinceSave >= every.events || Date.now() - savedAt >= every.ms) await persist();
        }
        await persist();
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        log.error({ err: error, failures }, 'subscription failed; resubscribing');
        await sleep(backoffDelay({ baseMs: 200, maxMs: 10_000, maxAttempts: Infinity }, failures), signal);
      }
    }
    await persist().catch((error) => log.error({ err: error }, 'could not save the last checkpoint'));
  }

  return {
    async start(handler) {
      if (controller) throw new Error(`${source} already started`);
      controller = new AbortController();
      const start = await loadCheckpoint();
      if (start !== undefined) await saveCheckpoint(start);
      loop = run(handler, start, controller.signal);
      log.info({ after: start ?? 'beginning' }, 'subscription started');
    },
    async stop() {
      controller?.abort();
      await loop;
      controller = null;
      loop = null;
    },
  };
}

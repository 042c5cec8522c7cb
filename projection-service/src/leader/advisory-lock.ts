import type { Logger } from '@taskflow/platform';
import pg from 'pg';
import { sleep } from '../shared/transient.ts';

/** Advisory lock keys: one per singleton worker, so they may be led by different instances. */
export const LEADER_LOCKS = {
  projector: 7_461_730_115_214_101n,
  forwarder: 7_461_730_115_214_102n,
} as const;

export interface Worker {
  stop(): Promise<void>;
}

export interface Leadership {
  isLeader(): boolean;
  /** Stops the worker (if leading) and releases the lock. */
  stop(): Promise<void>;
}

/**
 * Runs `start`'s worker in exactly one instance at a time: whoever holds a session-level
 * PostgreSQL advisory lock on `key` leads. The lock lives on a connection of its own; when
 * that session ends (process died, network cut) the lock is released and another instance's
 * next try (every `retryMs`) takes over. A leader that loses its session stops its worker.
 */
export function runAsLeader(options: {
  connectionString: string;
  key: bigint;
  name: string;
  logger: Logger;
  start: () => Promise<Worker>;
  retryMs?: number;
}): Leadership {
  const retryMs = options.retryMs ?? 2_000;
  const logger = options.logger.child({ component: 'leader', worker: options.name });
  const stopping = new AbortController();
  let leading = false;

  const lead = async () => {
    while (!stopping.signal.aborted) {
      const client = new pg.Client({ connectionString: options.connectionString, keepAlive: true });
      const lost = new Promise<void>((resolve) => {
        client.on('error', (error) => {
          logger.warn({ err: error }, 'leader lock session failed');
          resolve();
        });
        client.on('end', () => resolve());
      });
      let worker: Worker | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      try {
        await client.connect();
        while (!stopping.signal.aborted) {
          const { rows } = await client.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_lock($1::bigint) AS ok',
            [options.key.toString()],
          );
          if (rows[0]?.ok) break;
          await Promise.race([sleep(retryMs, stopping.signal), lost]);
        }
        if (stopping.signal.aborted) return;
        worker = await options.start();
        leading = true;
        logger.info('leading');
        // A silently dead session is noticed by the heartbeat failing.
        heartbeat = setInterval(
          () => client.query('SELECT 1').catch(() => client.end().catch(() => undefined)),
          retryMs,
        );
        await Promise.race([
          lost,
          new Promise((resolve) => stopping.signal.addEventListener('abort', resolve)),
        ]);
      } catch (error) {
        logger.warn({ err: error }, 'leader election failed; retrying');
      } finally {
        clearInterval(heartbeat);
        if (worker) {
          leading = false;
          await worker
            .stop()
            .catch((error: unknown) => logger.error({ err: error }, 'stopping the worker failed'));
          if (!stopping.signal.aborted) logger.warn('lost leadership; stopped the worker');
        }
        await client.end().catch(() => undefined);
      }
      if (!stopping.signal.aborted) await sleep(retryMs, stopping.signal);
    }
  };
  const running = lead();

  return {
    isLeader: () => leading,
    async stop() {
      stopping.abort();
      await running;
    },
  };
}

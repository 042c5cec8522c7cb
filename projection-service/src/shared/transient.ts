import { sqlErrorCode } from '@taskflow/platform/sql';

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Whether retrying the same work later may succeed: the database is unreachable, restarting,
 * out of connections, or lost a serialisation race. Anything else (a constraint, a type, a bug)
 * fails the same way every time, so retrying it would be a crash loop.
 */
export function isTransient(error: unknown): boolean {
  const code = sqlErrorCode(error);
  if (code !== undefined) {
    if (TRANSIENT_NODE_CODES.has(code)) return true;
    return (
      code.startsWith('08') || // connection exception
      code.startsWith('53') || // insufficient resources
      code.startsWith('57P') || // operator intervention (shutdown, cannot connect now)
      code === '40001' || // serialization failure
      code === '40P01' // deadlock detected
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return /connection terminated|connection timeout|timeout exceeded when trying to connect|client has encountered a connection error/i.test(
    message,
  );
}

/** 100 ms doubling up to 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

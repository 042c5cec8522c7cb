/** Exponential backoff with full jitter, bounded: delay before retry number `attempt` (1-based). */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Attempts in all, the first included; after the last one the work counts as failed. */
  maxAttempts: number;
}

/**
 * `random` in [0, 1). Full jitter (AWS architecture blog): uniformly between half and all of the
 * exponential step, so retries of many failures spread out instead of arriving in waves.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

export function attemptsLeft(policy: BackoffPolicy, attemptsMade: number): boolean {
  return attemptsMade < policy.maxAttempts;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

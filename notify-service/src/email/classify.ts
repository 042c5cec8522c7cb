export type FailureKind = 'transient' | 'permanent';

const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Pure: SMTP says 4xx for "try again later" and 5xx for "never"; with no reply at all, a
 * refused, reset or timed-out connection is worth retrying. Anything unrecognised is treated as
 * transient, so it is retried a bounded number of times before it fails.
 */
export function classifyMailError(error: unknown): FailureKind {
  if (error instanceof PermanentMailError) return 'permanent';
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') {
    if (responseCode >= 500 && responseCode < 600) return 'permanent';
    if (responseCode >= 400 && responseCode < 500) return 'transient';
  }
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return 'transient';
  return 'transient';
}

/** Raised by our own checks for an email that can never go out (e.g. an unusable address). */
export class PermanentMailError extends Error {
  override readonly name = 'PermanentMailError';
}

export function describeMailError(error: unknown): string {
  const { responseCode, code, response, message } = (error ?? {}) as Record<string, unknown>;
  const parts = [
    typeof responseCode === 'number' ? String(responseCode) : null,
    typeof code === 'string' ? code : null,
    typeof response === 'string' ? response : typeof message === 'string' ? message : String(error),
  ];
  return parts
    .filter((part): part is string => part !== null)
    .join(' ')
    .slice(0, 1000);
}

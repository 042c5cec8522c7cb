import { MinPositionHeader } from '@taskflow/contracts';
import { ServiceUnavailableError, ValidationError } from '@taskflow/platform';
import type { FastifyRequest } from 'fastify';
import type { CheckpointWatcher } from './watcher.ts';

export const MIN_POSITION_HEADER = 'x-min-position';

/**
 * `X-Min-Position: <position>`: the query waits (bounded) until the read models have applied
 * that position, so a client reads its own writes; past the bound it is told to retry.
 */
export function minPositionHook(watcher: CheckpointWatcher, waitMs: number) {
  return async (request: FastifyRequest): Promise<void> => {
    const raw = request.headers[MIN_POSITION_HEADER];
    if (raw === undefined) return;
    const parsed = MinPositionHeader.safeParse(raw);
    const invalid = () =>
      new ValidationError(`${MIN_POSITION_HEADER} is not a position this service issued`, {
        errors: [{ path: `headers.${MIN_POSITION_HEADER}`, message: 'not a valid position' }],
      });
    if (!parsed.success) throw invalid();
    let reached: boolean;
    try {
      reached = await watcher.waitFor(parsed.data, waitMs);
    } catch {
      throw invalid();
    }
    if (!reached) {
      throw new ServiceUnavailableError(
        `the read models have not reached position ${parsed.data} within ${waitMs} ms; retry shortly`,
        1,
      );
    }
  };
}

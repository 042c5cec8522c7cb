import { comparePositionPairs } from '@taskflow/platform/eventstore';

/**
 * Positions are opaque to clients, but both event store adapters write them as fixed-width
 * `major-minor` decimals, so their order is the stores' order; anything else falls back to
 * plain text order (still total, so sorting and "after" stay well defined).
 */
export function comparePositions(a: string, b: string): number {
  try {
    return comparePositionPairs(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

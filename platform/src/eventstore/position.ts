import { InvalidReadError } from './errors.ts';
import type { Position } from './port.ts';

/**
 * Both adapters order events by a pair of unsigned 64-bit numbers: PostgreSQL by
 * (transaction id, global position), EventStoreDB by (commit, prepare). Written as two
 * zero-padded 20-digit decimals, the string order equals the numeric order too.
 */
export interface PositionPair {
  major: bigint;
  minor: bigint;
}

const PAIR = /^(\d{20})-(\d{20})$/;
const MAX_U64 = 2n ** 64n - 1n;

export function encodePosition(major: bigint, minor: bigint): Position {
  if (major < 0n || minor < 0n || major > MAX_U64 || minor > MAX_U64) {
    throw new RangeError(`position parts out of range: ${major}, ${minor}`);
  }
  return `${major.toString().padStart(20, '0')}-${minor.toString().padStart(20, '0')}`;
}

export function decodePosition(position: unknown): PositionPair {
  const match = typeof position === 'string' ? PAIR.exec(position) : null;
  if (!match?.[1] || !match[2]) {
    throw new InvalidReadError(`not a position issued by this event store: ${String(position)}`);
  }
  const major = BigInt(match[1]);
  const minor = BigInt(match[2]);
  if (major > MAX_U64 || minor > MAX_U64) throw new InvalidReadError(`position out of range: ${position}`);
  return { major, minor };
}

export function comparePositionPairs(a: Position, b: Position): number {
  const left = decodePosition(a);
  const right = decodePosition(b);
  if (left.major !== right.major) return left.major < right.major ? -1 : 1;
  if (left.minor !== right.minor) return left.minor < right.minor ? -1 : 1;
  return 0;
}

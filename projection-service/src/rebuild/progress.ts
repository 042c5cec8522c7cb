import { decodePosition, type Position } from '@taskflow/platform/eventstore';

export interface ProgressReporter {
  /** After each committed batch: events applied so far and where, against the head then. */
  update(events: number, position: Position | null, head: Position | null): void;
  /** Events per second since the start. */
  rate(events: number): number;
}

/**
 * Progress lines for an operator (events/s and an ETA), at most one per `intervalMs`. The ETA
 * comes from the head's position: positions grow with every event written (PostgreSQL's
 * global sequence, EventStoreDB's log offset), so the distance still to go over the speed so
 * far in position units is the time left, without counting the log first.
 */
export function createProgress(
  label: string,
  write: (line: string) => void,
  intervalMs = 1_000,
): ProgressReporter {
  const started = performance.now();
  let printed = started;
  const seconds = () => (performance.now() - started) / 1000;
  const rate = (events: number) => Math.round(events / Math.max(seconds(), 0.001));
  return {
    rate,
    update(events, position, head) {
      const now = performance.now();
      if (now - printed < intervalMs) return;
      printed = now;
      const at = offset(position);
      const end = offset(head);
      let where = '';
      if (at !== null && end !== null && end > 0n) {
        const done = Number(at) / Number(end);
        const eta = at > 0n ? Math.max(0, (seconds() * Number(end - at)) / Number(at)) : Number.NaN;
        where = `, ${Math.min(100, Math.floor(done * 100))}% of the log, ETA ${formatSeconds(eta)}`;
      }
      write(
        `${label}: ${events.toLocaleString('en')} events, ${rate(events).toLocaleString('en')} events/s${where}`,
      );
    },
  };
}

function offset(position: Position | null): bigint | null {
  if (position === null) return null;
  try {
    return decodePosition(position).minor;
  } catch {
    return null;
  }
}

export function formatSeconds(value: number): string {
  if (!Number.isFinite(value)) return '?';
  if (value < 60) return `${Math.ceil(value)}s`;
  return `${Math.floor(value / 60)}m${String(Math.ceil(value % 60)).padStart(2, '0')}s`;
}

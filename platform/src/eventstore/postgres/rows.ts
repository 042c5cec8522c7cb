import type { RecordedEvent } from '../port.ts';

/** Positions and timestamps are formatted by PostgreSQL so both drivers return the same text. */
export const EVENT_COLUMNS = `eventstore_position(transaction_id, global_position) AS position, stream_id, revision,
  event_id, event_type, data, metadata,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;

export interface EventRow {
  position: string;
  stream_id: string;
  /** `pg` returns bigint as a string, PGlite as a number. */
  revision: string | number;
  event_id: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: RecordedEvent['metadata'];
  recorded_at: string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    recordedAt: row.recorded_at,
  };
}

import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../src/eventstore/index.ts';
import type { SqlClient } from '../src/sql/index.ts';

const STREAMS_PER_WRITER = 50;

/** A typical TaskFlow event: a few ids and a status change, about 400 bytes as JSON. */
export function benchEvent(sequence: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'TaskStatusChanged',
    data: { taskId: randomUUID(), from: 'todo', to: 'in_progress', sequence },
    metadata: {
      actor: 'bench-user',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

/**
 * One event per append, as a command handler does it: each writer on streams of its own,
 * with the exact expected revision it last saw.
 */
export function appendOperation(store: EventStore, label: string, onCommitted?: (eventId: string) => void) {
  const revisions = new Map<string, number>();
  return async (worker: number, iteration: number) => {
    const streamId = `bench-${label}-${worker}-${iteration % STREAMS_PER_WRITER}`;
    const event = benchEvent(iteration);
    const result = await store.appendToStream(streamId, [event], {
      expectedRevision: revisions.get(streamId) ?? 'no_stream',
    });
    onCommitted?.(event.id);
    revisions.set(streamId, result.nextRevision);
  };
}

/**
 * The physical reference: the same payload as one row into a plain table, nothing else.
 * Prepared like the event store's own statements, so the comparison is like for like.
 */
export function bareInsertOperation(sql: SqlClient) {
  return async (_worker: number, iteration: number) => {
    const { data, metadata } = benchEvent(iteration);
    await sql.query('INSERT INTO bench_plain (payload) VALUES ($1::jsonb)', [
      JSON.stringify({ data, metadata }),
    ]);
  };
}

import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@taskflow/contracts';
import { createLogger, type Logger } from '@taskflow/platform';
import {
  type AppendResult,
  createPostgresEventStore,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
} from '@taskflow/platform/eventstore';
import { createPgSqlClient, type SqlClient } from '@taskflow/platform/sql';
import { createTestDatabase, type TestDatabase } from '@taskflow/platform/testing';
import { type ProjectorDeps, type ProjectorHandle, startProjector } from '../projector/runner.ts';
import { migrateReadModels } from '../schema.ts';

/**
 * A fresh PostgreSQL database per test file with a real event store and the read models:
 * tests append real events and run the real projector until it reaches the head.
 */
export interface Harness {
  db: TestDatabase;
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  /** Appends raw events (any type, data, schema version), as a foreign or buggy writer might. */
  appendRaw(streamId: string, events: NewEvent[], expectedRevision?: ExpectedRevision): Promise<AppendResult>;
  append(
    streamId: string,
    events: DomainEvent[],
    options?: { actor?: string | null; occurredAt?: string; expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Starts a projector, waits until its checkpoint reaches the last event this harness appended
   * (the store's head can lag behind it while another transaction in the cluster is open), stops it.
   */
  catchUp(options?: Partial<ProjectorDeps>): Promise<void>;
  /** The position of the newest event this harness appended. */
  lastPosition(): Position | null;
  startProjector(options?: Partial<ProjectorDeps>): Promise<ProjectorHandle>;
  close(): Promise<void>;
}

export async function createHarness(prefix = 'projection'): Promise<Harness> {
  const db = await createTestDatabase(prefix);
  const sql = createPgSqlClient({ connectionString: db.url, maxConnections: 6 });
  const eventStore = await createPostgresEventStore(sql, { pollIntervalMs: 50 });
  await migrateReadModels(sql);
  const logger = createLogger('projection-test', 'silent');
  const start = (options: Partial<ProjectorDeps> = {}) =>
    startProjector({ sql, eventStore, logger, ...options });
  let lastAppended: Position | null = null;
  const appendRaw = async (
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision = 'any',
  ) => {
    const result = await eventStore.appendToStream(streamId, events, { expectedRevision });
    if (lastAppended === null || eventStore.comparePositions(result.position, lastAppended) > 0) {
      lastAppended = result.position;
    }
    return result;
  };

  return {
    db,
    sql,
    eventStore,
    logger,
    appendRaw,
    append(streamId, events, options = {}) {
      const occurredAt = options.occurredAt ?? new Date().toISOString();
      return appendRaw(
        streamId,
        events.map((event) => ({
          id: randomUUID(),
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: {
            actor: options.actor === undefined ? null : options.actor,
            commandId: randomUUID(),
            correlationId: randomUUID(),
            causationId: null,
            occurredAt,
            schemaVersion: event.schemaVersion,
          },
        })),
        options.expectedRevision ?? 'any',
      );
    },
    async catchUp(options = {}) {
      const head = lastAppended ?? (await eventStore.headPosition());
      const projector = await start(options);
      try {
        if (head !== null) await projector.waitFor(head);
      } finally {
        await projector.stop();
      }
    },
    startProjector: start,
    lastPosition: () => lastAppended,
    async close() {
      await eventStore.close();
      await sql.close();
      await db.drop();
    },
  };
}

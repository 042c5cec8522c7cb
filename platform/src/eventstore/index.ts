import type { EventStore } from './port.ts';

export * from './errors.ts';
export * from './port.ts';
export { comparePositionPairs, decodePosition, encodePosition } from './position.ts';
export {
  APPEND_SQL,
  EVENTSTORE_CHANNEL,
  EVENTSTORE_MIGRATION_NAMESPACE,
  eventStoreMigrations,
} from './postgres/schema.ts';
export { createPostgresEventStore, type PostgresEventStoreOptions } from './postgres/store.ts';
export { MAX_STREAM_ID_LENGTH } from './validation.ts';

/** The EventStoreDB adapter; its gRPC client takes ~0.4 s to load, so only when asked for. */
export async function createEsdbEventStore(connectionString: string): Promise<EventStore> {
  const { buildEsdbEventStore } = await import('./esdb.ts');
  return buildEsdbEventStore(connectionString);
}

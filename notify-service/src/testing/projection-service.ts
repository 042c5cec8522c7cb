import { authPlugin, createHttpServer, createLogger, type KeyPairPem } from '@taskflow/platform';
import type { EventStore } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import {
  buildProjectionService,
  type ForwarderHandle,
  migrateReadModels,
  type ProjectorHandle,
  startForwarder,
  startProjector,
} from '@taskflow/projection-service';
import type { Kafka } from 'kafkajs';
import { createHttpReadSide } from '../read-side/http.ts';
import type { ReadSide } from '../read-side/port.ts';

/**
 * The real projection-service next to a command-service harness (same database, as in the
 * all-in-one): its projector, its HTTP routes (the /internal ones notify calls) and, when a
 * Kafka is given, its forwarder to `topic`.
 */
export interface RunningProjectionService {
  url: string;
  readSide: ReadSide;
  projector: ProjectorHandle;
  forwarder: ForwarderHandle | null;
  /** Waits until the projector (and the forwarder) have passed `position`. */
  settle(position: string): Promise<void>;
  close(): Promise<void>;
}

export async function startRealProjectionService(options: {
  sql: SqlClient;
  eventStore: EventStore;
  keys: KeyPairPem;
  serviceToken: string;
  kafka?: { kafka: Kafka; topic: string; partitions: number };
}): Promise<RunningProjectionService> {
  const logger = createLogger('projection-in-notify-test', 'silent');
  // command-service's harness lays a bare stand-in for the inbox table; the real read models replace it.
  await options.sql.exec('DROP TABLE IF EXISTS read.notifications');
  await migrateReadModels(options.sql);
  const app = await createHttpServer({ logger, title: 'projection (notify tests)' });
  await app.register(authPlugin, {
    issuer: 'taskflow',
    audience: 'taskflow-api',
    publicKey: options.keys.publicKey,
    serviceToken: options.serviceToken,
  });
  await app.register(buildProjectionService, { sql: options.sql, eventStore: options.eventStore, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const projector = await startProjector({ sql: options.sql, eventStore: options.eventStore, logger });
  const forwarder = options.kafka
    ? await startForwarder({
        sql: options.sql,
        eventStore: options.eventStore,
        logger,
        kafka: options.kafka.kafka,
        topic: options.kafka.topic,
        partitions: options.kafka.partitions,
      })
    : null;
  return {
    url,
    readSide: createHttpReadSide({ baseUrl: url, serviceToken: options.serviceToken }),
    projector,
    forwarder,
    async settle(position) {
      await projector.waitFor(position);
      await forwarder?.waitFor(position);
    },
    async close() {
      await forwarder?.stop();
      await projector.stop();
      await app.close();
    },
  };
}

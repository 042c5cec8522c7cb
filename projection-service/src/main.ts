// projection-service as a process of its own (distributed mode): the query API, the projector
// and (with KAFKA_BROKERS) the Kafka forwarder, each worker led by one instance at a time.
import {
  authPlugin,
  ConfigError,
  createHttpServer,
  createLogger,
  healthRoutes,
  loadConfig,
  serve,
} from '@taskflow/platform';
import { createEsdbEventStore, createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createKafka } from '@taskflow/platform/kafka';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { configSchema } from './config.ts';
import { startForwarder } from './forwarder/forwarder.ts';
import { LEADER_LOCKS, runAsLeader } from './leader/advisory-lock.ts';
import { buildProjectionService } from './plugin.ts';
import { type ProjectorHandle, startProjector } from './projector/runner.ts';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger('projection-service', config.LOG_LEVEL);
  const sql = createPgSqlClient({
    connectionString: config.DATABASE_URL,
    onBackgroundError: (error) => logger.warn({ err: error }, 'database connection error'),
  });
  const eventStore =
    config.EVENT_STORE === 'esdb'
      ? await createEsdbEventStore(config.ESDB_URL!)
      : await createPostgresEventStore(sql);

  let shutdown: (error: unknown) => void = () => {};
  const app = await createHttpServer({
    logger,
    title: 'TaskFlow projection-service',
    onProgrammerError: (error) => shutdown(error),
  });
  await app.register(authPlugin, {
    publicKey: config.JWT_PUBLIC_KEY,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    serviceToken: config.SERVICE_TOKEN,
  });

  let projector: ProjectorHandle | undefined;
  await app.register(healthRoutes, {
    checks: [
      { name: 'postgres', check: async () => void (await sql.query('SELECT 1')) },
      {
        name: 'projector',
        check: async () => {
          const halted = projector?.stats().halted;
          if (halted) throw halted;
        },
      },
    ],
  });
  await app.register(buildProjectionService, {
    sql,
    eventStore,
    logger,
    minPositionWaitMs: config.MIN_POSITION_WAIT_MS,
  });

  const projectorLeadership = runAsLeader({
    connectionString: config.DATABASE_URL,
    key: LEADER_LOCKS.projector,
    name: 'projector',
    logger,
    start: async () => {
      projector = await startProjector({ sql, eventStore, logger });
      return projector;
    },
  });
  const brokers = config.KAFKA_BROKERS;
  const forwarderLeadership = brokers
    ? runAsLeader({
        connectionString: config.DATABASE_URL,
        key: LEADER_LOCKS.forwarder,
        name: 'kafka-forwarder',
        logger,
        start: () =>
          startForwarder({
            sql,
            eventStore,
            logger,
            kafka: createKafka({ brokers, clientId: 'projection-service', logger }),
            topic: config.KAFKA_TOPIC,
            partitions: config.KAFKA_PARTITIONS,
          }),
      })
    : undefined;
  if (!brokers) logger.info('KAFKA_BROKERS not set: the Kafka forwarder does not run');

  const served = await serve({
    app,
    logger,
    host: config.HOST,
    port: config.PORT,
    onClose: async () => {
      await forwarderLeadership?.stop();
      await projectorLeadership.stop();
      await eventStore.close();
      await sql.close();
    },
  });
  shutdown = served.shutdown;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(
      `projection-service failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  process.exit(1);
});

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
import { createPgSqlClient, runMigrations } from '@taskflow/platform/sql';
import { buildCommandService } from './app.ts';
import { createArgon2Hasher } from './auth/passwords.ts';
import { commandServiceConfig } from './config.ts';
import { COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations } from './schema.ts';

async function main(): Promise<void> {
  const config = loadConfig(commandServiceConfig);
  const logger = createLogger('command-service', config.LOG_LEVEL);
  const sql = createPgSqlClient({ connectionString: config.DATABASE_URL, maxConnections: 40 });
  await runMigrations(sql, COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations);
  if (config.EVENT_STORE === 'esdb' && !config.ESDB_URL)
    throw new ConfigError('ESDB_URL: required when EVENT_STORE=esdb');
  const eventStore =
    config.EVENT_STORE === 'esdb'
      ? await createEsdbEventStore(config.ESDB_URL!)
      : await createPostgresEventStore(sql);

  let shutdown: (error: unknown) => void = () => {};
  const app = await createHttpServer({
    logger,
    title: 'TaskFlow command-service',
    onProgrammerError: (e) => shutdown(e),
  });
  const tokenSettings = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  await app.register(authPlugin, {
    ...tokenSettings,
    publicKey: config.JWT_PUBLIC_KEY,
    serviceToken: config.SERVICE_TOKEN,
  });
  await app.register(healthRoutes, {
    checks: [{ name: 'postgres', check: async () => void (await sql.query('SELECT 1')) }],
  });
  await app.register(buildCommandService, {
    sql,
    eventStore,
    hasher: createArgon2Hasher(),
    tokens: {
      ...tokenSettings,
      privateKey: config.JWT_PRIVATE_KEY,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    },
  });
  const served = await serve({
    app,
    logger,
    host: config.HOST,
    port: config.PORT,
    onClose: async () => {
      await eventStore.close();
      await sql.close();
    },
  });
  shutdown = served.shutdown;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `command-service failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

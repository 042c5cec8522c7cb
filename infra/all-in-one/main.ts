// The all-in-one process `./taskflow start` runs: every service's plugin in one Fastify
// instance, on embedded PGlite under TASKFLOW_DATA_DIR. Always a single process.
import { join, resolve } from 'node:path';
import {
  buildCommandService,
  COMMAND_MIGRATION_NAMESPACE,
  commandServiceMigrations,
  createArgon2Hasher,
} from '@taskflow/command-service';
import {
  buildNotifyService,
  createEmbeddedNotify,
  injectReminderCommands,
  migrateNotify,
} from '@taskflow/notify-service';
import {
  authPlugin,
  ConfigError,
  createHttpServer,
  createLogger,
  envLogLevel,
  envPort,
  healthRoutes,
  loadConfig,
  serve,
} from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { openPgliteSqlClient, runMigrations } from '@taskflow/platform/sql';
import {
  buildProjectionService,
  createInProcessReadSide,
  migrateReadModels,
  startProjector,
} from '@taskflow/projection-service';
import { z } from 'zod';
import { loadOrCreateSecrets, lockDataDir } from './data-dir.ts';

const configSchema = z.object({
  PORT: envPort(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  TASKFLOW_DATA_DIR: z.string().min(1).default('.taskflow'),
  LOG_LEVEL: envLogLevel,
  JWT_ISSUER: z.string().min(1).default('taskflow'),
  JWT_AUDIENCE: z.string().min(1).default('taskflow-api'),
  /** Without it, mail is written as .eml files to <TASKFLOW_DATA_DIR>/mailbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('TaskFlow <notifications@taskflow.local>'),
  WS_ALLOWED_ORIGINS: z
    .string()
    .default('http://localhost:8080,http://127.0.0.1:8080')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  DEADLINE_CRON: z.string().min(1).default('* * * * *'),
});

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const dataDir = resolve(config.TASKFLOW_DATA_DIR);
  const unlock = lockDataDir(dataDir);
  process.on('exit', unlock);
  const secrets = loadOrCreateSecrets(dataDir);
  const logger = createLogger('taskflow', config.LOG_LEVEL);

  const sql = await openPgliteSqlClient(join(dataDir, 'pglite'));
  await runMigrations(sql, COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations);
  const eventStore = await createPostgresEventStore(sql);
  await migrateReadModels(sql);
  await migrateNotify(sql);

  let shutdown: (error: unknown) => void = () => {};
  const app = await createHttpServer({
    logger,
    title: 'TaskFlow API',
    onProgrammerError: (e) => shutdown(e),
  });
  const tokenSettings = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  await app.register(authPlugin, {
    ...tokenSettings,
    publicKey: secrets.keys.publicKey,
    serviceToken: secrets.serviceToken,
    operatorToken: secrets.operatorToken,
  });
  const projector = await startProjector({ sql, eventStore, logger });
  await app.register(healthRoutes, {
    checks: [
      { name: 'pglite', check: async () => void (await sql.query('SELECT 1')) },
      {
        name: 'projector',
        check: async () => {
          const halted = projector.stats().halted;
          if (halted) throw halted;
        },
      },
    ],
  });
  await app.register(buildProjectionService, { sql, eventStore, logger });
  const notify = createEmbeddedNotify({
    sql,
    eventStore,
    readSide: createInProcessReadSide({ sql, eventStore }),
    commands: injectReminderCommands(app, secrets.serviceToken),
    logger,
    dataDir,
    smtpUrl: config.SMTP_URL,
    mailFrom: config.MAIL_FROM,
    allowedOrigins: config.WS_ALLOWED_ORIGINS,
    cron: config.DEADLINE_CRON,
  });
  await app.register(buildNotifyService, notify.deps);
  const workers = await notify.start();
  await app.register(buildCommandService, {
    sql,
    eventStore,
    hasher: createArgon2Hasher(),
    tokens: { ...tokenSettings, privateKey: secrets.keys.privateKey, ttlSeconds: 900 },
  });

  const served = await serve({
    app,
    logger,
    host: config.HOST,
    port: config.PORT,
    onClose: async () => {
      await workers.stop();
      await projector.stop();
      await eventStore.close();
      await sql.close();
      unlock();
    },
  });
  shutdown = served.shutdown;
  const address = app.server.address();
  const url = `http://${config.HOST}:${typeof address === 'object' && address ? address.port : config.PORT}`;
  process.stdout.write(
    [
      `TaskFlow is serving on ${url} (data in ${dataDir})`,
      `  mail goes to ${notify.mailbox ?? config.SMTP_URL}`,
      `  curl ${url}/healthz`,
      `  curl -X POST ${url}/api/auth/register -H 'content-type: application/json' -d '{"name":"Ada","email":"ada@example.com","password":"correct horse"}'`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`taskflow failed to start: ${message}\n`);
  process.exit(1);
});

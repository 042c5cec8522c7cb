// Prints the OpenAPI document of every public route: the three services' plugins registered in
// one Fastify instance on throwaway in-memory storage, exactly as the all-in-one process does.
// The gateway serves it where the services run apart (docker-compose writes it to a volume).
import {
  buildCommandService,
  COMMAND_MIGRATION_NAMESPACE,
  commandServiceMigrations,
  createArgon2Hasher,
} from '@taskflow/command-service';
import { buildNotifyService, createEmbeddedNotify, injectReminderCommands } from '@taskflow/notify-service';
import { authPlugin, createHttpServer, createLogger, generateSigningKeys } from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { openPgliteSqlClient, runMigrations } from '@taskflow/platform/sql';
import { buildProjectionService, createInProcessReadSide } from '@taskflow/projection-service';

const logger = createLogger('openapi', 'silent');
const sql = await openPgliteSqlClient();
await runMigrations(sql, COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations);
const eventStore = await createPostgresEventStore(sql);
const keys = generateSigningKeys();
const tokens = { issuer: 'taskflow', audience: 'taskflow-api' };
const app = await createHttpServer({ logger, title: 'TaskFlow API' });
await app.register(authPlugin, { ...tokens, publicKey: keys.publicKey });
await app.register(buildCommandService, {
  sql,
  eventStore,
  hasher: createArgon2Hasher({ algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  tokens: { ...tokens, privateKey: keys.privateKey, ttlSeconds: 900 },
});
await app.register(buildProjectionService, { sql, eventStore, logger });
const notify = createEmbeddedNotify({
  sql,
  eventStore,
  readSide: createInProcessReadSide({ sql, eventStore }),
  commands: injectReminderCommands(app, 'unused'),
  logger,
  dataDir: '/nonexistent',
  cron: null,
});
await app.register(buildNotifyService, notify.deps);
await app.ready();
process.stdout.write(`${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await eventStore.close();
await sql.close();

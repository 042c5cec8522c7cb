import { join, resolve } from 'node:path';
import {
  authPlugin,
  createHttpServer,
  createLogger,
  healthRoutes,
  loadConfig,
  serve,
} from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createKafka } from '@taskflow/platform/kafka';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { buildNotifyService } from './app.ts';
import { notifyServiceConfig } from './config.ts';
import { createMailboxTransport, createSmtpTransport } from './email/transport.ts';
import { createKafkaFeeds, createStoreFeeds } from './feed/setups.ts';
import { createHttpReadSide } from './read-side/http.ts';
import { createHttpReminderCommands } from './reminders/http-commands.ts';
import { createDeadlineScanner } from './reminders/scanner.ts';
import { startNotifyWorkers } from './workers.ts';
import { createNotificationHub } from './ws/hub.ts';

async function main(): Promise<void> {
  const config = loadConfig(notifyServiceConfig);
  const logger = createLogger('notify-service', config.LOG_LEVEL);
  const sql = createPgSqlClient({ connectionString: config.DATABASE_URL, maxConnections: 20 });
  const readSide = createHttpReadSide({
    baseUrl: config.PROJECTION_SERVICE_URL,
    serviceToken: config.SERVICE_TOKEN,
  });
  const hub = createNotificationHub({
    readSide,
    logger,
    pingIntervalMs: config.WS_PING_INTERVAL_MS,
    maxSocketsPerUser: config.WS_MAX_SOCKETS_PER_USER,
    limits: { maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES },
  });
  const scanner = createDeadlineScanner({
    readSide,
    commands: createHttpReminderCommands({
      baseUrl: config.COMMAND_SERVICE_URL,
      serviceToken: config.SERVICE_TOKEN,
    }),
    windows: config.REMINDER_WINDOWS,
    logger,
  });

  let shutdown: (error: unknown) => void = () => {};
  const app = await createHttpServer({
    logger,
    title: 'TaskFlow notify-service',
    onProgrammerError: (e) => shutdown(e),
  });
  await app.register(authPlugin, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    publicKey: config.JWT_PUBLIC_KEY,
    serviceToken: config.SERVICE_TOKEN,
    ...(config.OPERATOR_TOKEN ? { operatorToken: config.OPERATOR_TOKEN } : {}),
  });
  await app.register(healthRoutes, {
    checks: [{ name: 'postgres', check: async () => void (await sql.query('SELECT 1')) }],
  });
  await app.register(buildNotifyService, { hub, scanner, allowedOrigins: config.WS_ALLOWED_ORIGINS });

  const brokers = config.KAFKA_BROKERS ?? [];
  const eventStore = brokers.length === 0 ? await createPostgresEventStore(sql, { migrate: false }) : null;
  const feeds = eventStore
    ? createStoreFeeds({ store: eventStore, sql, logger })
    : await createKafkaFeeds({
        kafka: createKafka({ brokers, clientId: `notify-${config.INSTANCE_ID}`, logger }),
        topic: config.KAFKA_TOPIC,
        instanceId: config.INSTANCE_ID,
        eventsDlqTopic: config.EVENTS_DLQ_TOPIC,
        emailDlqTopic: config.EMAIL_DLQ_TOPIC,
        logger,
      });
  const mailbox = resolve(join(config.TASKFLOW_DATA_DIR, 'mailbox'));
  const transport = config.SMTP_URL
    ? createSmtpTransport({ url: config.SMTP_URL, maxConnections: config.EMAIL_CONCURRENCY })
    : createMailboxTransport(mailbox);
  if (!config.SMTP_URL)
    logger.info({ mailbox }, `no SMTP_URL: emails are written as .eml files to ${mailbox}`);

  const workers = await startNotifyWorkers({
    hub,
    sql,
    readSide,
    feeds,
    logger,
    email: {
      transport,
      from: config.MAIL_FROM,
      concurrency: config.EMAIL_CONCURRENCY,
      hourlyCap: config.EMAIL_HOURLY_CAP,
      retry: { baseMs: 2_000, maxMs: 10 * 60_000, maxAttempts: config.EMAIL_MAX_ATTEMPTS },
    },
    reminders: { scanner, cron: config.DEADLINE_CRON },
  });
  const served = await serve({
    app,
    logger,
    host: config.HOST,
    port: config.PORT,
    onClose: async () => {
      await workers.stop();
      await eventStore?.close();
      await sql.close();
    },
  });
  shutdown = served.shutdown;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `notify-service failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

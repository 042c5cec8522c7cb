import { hostname } from 'node:os';
import { REMINDER_WINDOWS, type ReminderWindow } from '@taskflow/contracts';
import { envLogLevel, envPort } from '@taskflow/platform';
import { z } from 'zod';

const pem = (name: string) => z.string().includes('-----BEGIN', { message: `${name} must be a PEM key` });
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    );

/** notify-service's environment; a bad value stops the process at start, naming the variable. */
export const notifyServiceConfig = z.object({
  PORT: envPort(3003),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: envLogLevel,
  /** notify's own schema (delivery log); also the event store when there is no Kafka. */
  DATABASE_URL: z.url(),
  /** Comma-separated; without it the feed is the event store's subscription on DATABASE_URL. */
  KAFKA_BROKERS: list('').optional(),
  KAFKA_TOPIC: z.string().min(1).default('taskflow.events'),
  EVENTS_DLQ_TOPIC: z.string().min(1).default('taskflow.events.dlq'),
  EMAIL_DLQ_TOPIC: z.string().min(1).default('taskflow.email.dlq'),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, dash and underscore only')
    .default(`${hostname()}-${process.pid}`),
  /** Without it, mail is written as .eml files to <TASKFLOW_DATA_DIR>/mailbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('TaskFlow <notifications@taskflow.local>'),
  TASKFLOW_DATA_DIR: z.string().min(1).default('.taskflow'),
  EMAIL_HOURLY_CAP: positiveInt(30),
  EMAIL_CONCURRENCY: positiveInt(4),
  EMAIL_MAX_ATTEMPTS: positiveInt(8),
  JWT_PUBLIC_KEY: pem('JWT_PUBLIC_KEY'),
  JWT_ISSUER: z.string().min(1).default('taskflow'),
  JWT_AUDIENCE: z.string().min(1).default('taskflow-api'),
  SERVICE_TOKEN: z.string().min(32, 'SERVICE_TOKEN must be at least 32 characters'),
  OPERATOR_TOKEN: z.string().min(32, 'OPERATOR_TOKEN must be at least 32 characters').optional(),
  PROJECTION_SERVICE_URL: z.url(),
  COMMAND_SERVICE_URL: z.url(),
  /** Origins browsers may open sockets from (`*` for any); clients without Origin are not browsers. */
  WS_ALLOWED_ORIGINS: list('http://localhost:8080,http://127.0.0.1:8080'),
  WS_PING_INTERVAL_MS: positiveInt(30_000),
  WS_MAX_SOCKETS_PER_USER: positiveInt(10),
  WS_MAX_BUFFERED_BYTES: positiveInt(1024 * 1024),
  DEADLINE_CRON: z.string().min(1).default('* * * * *'),
  REMINDER_WINDOWS: list(REMINDER_WINDOWS.join(',')).pipe(
    z.array(z.enum(REMINDER_WINDOWS)).min(1, 'name at least one window (24h, 1h)'),
  ),
});
export type NotifyServiceConfig = z.infer<typeof notifyServiceConfig>;
export type { ReminderWindow };

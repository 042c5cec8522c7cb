import { envLogLevel, envPort, envUrl } from '@taskflow/platform';
import { z } from 'zod';

/** A PEM key from the environment, where newlines often arrive escaped as `\n`. */
const pem = z
  .string()
  .min(1)
  .transform((value) => value.replace(/\\n/g, '\n'))
  .refine((value) => value.includes('-----BEGIN'), 'must be a PEM-encoded key');

/** projection-service's environment; a bad or missing value stops the process naming it. */
export const configSchema = z
  .object({
    DATABASE_URL: envUrl,
    PORT: envPort(3002),
    HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: envLogLevel,
    JWT_PUBLIC_KEY: pem,
    JWT_ISSUER: z.string().min(1).default('taskflow'),
    JWT_AUDIENCE: z.string().min(1).default('taskflow-api'),
    SERVICE_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    /** Where events live: PostgreSQL (the same DATABASE_URL) or EventStoreDB at ESDB_URL. */
    EVENT_STORE: z.enum(['postgres', 'esdb']).default('postgres'),
    ESDB_URL: z.string().min(1).optional(),
    /** Comma-separated; without it the Kafka forwarder does not run. */
    KAFKA_BROKERS: z
      .string()
      .min(1)
      .transform((value) => value.split(',').map((broker) => broker.trim()))
      .optional(),
    KAFKA_TOPIC: z.string().min(1).default('taskflow.events'),
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
    /** How long a query with X-Min-Position waits for the projector before 503. */
    MIN_POSITION_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(2_000),
  })
  .refine((config) => config.EVENT_STORE !== 'esdb' || config.ESDB_URL !== undefined, {
    message: 'ESDB_URL is required when EVENT_STORE=esdb',
    path: ['ESDB_URL'],
  });
export type Config = z.infer<typeof configSchema>;

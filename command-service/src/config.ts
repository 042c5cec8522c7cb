import { envLogLevel, envPort } from '@taskflow/platform';
import { z } from 'zod';

const pem = (name: string) => z.string().includes('-----BEGIN', { message: `${name} must be a PEM key` });

/** command-service's environment; a bad value stops the process at start, naming the variable. */
export const commandServiceConfig = z.object({
  PORT: envPort(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: envLogLevel,
  DATABASE_URL: z.url(),
  EVENT_STORE: z.enum(['postgres', 'esdb']).default('postgres'),
  ESDB_URL: z.string().optional(),
  JWT_PRIVATE_KEY: pem('JWT_PRIVATE_KEY'),
  JWT_PUBLIC_KEY: pem('JWT_PUBLIC_KEY'),
  JWT_ISSUER: z.string().min(1).default('taskflow'),
  JWT_AUDIENCE: z.string().min(1).default('taskflow-api'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  SERVICE_TOKEN: z.string().min(32, 'SERVICE_TOKEN must be at least 32 characters'),
});
export type CommandServiceConfig = z.infer<typeof commandServiceConfig>;

import type { EventStore } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import type { FastifyInstance } from 'fastify';
import type { PasswordHasher } from './auth/passwords.ts';
import { authRoutes } from './auth/routes.ts';
import { idempotencyPlugin } from './http/idempotency.ts';
import { inboxRoutes } from './inbox/routes.ts';
import { projectRoutes } from './projects/routes.ts';
import { taskRoutes } from './tasks/routes.ts';
import { userRoutes } from './users/routes.ts';

export interface CommandServiceDeps {
  sql: SqlClient;
  eventStore: EventStore;
  hasher: PasswordHasher;
  tokens: { privateKey: string; issuer: string; audience: string; ttlSeconds: number };
  /** Failed logins allowed per email and per client address within the window. */
  loginThrottle?: { perEmail: number; perAddress: number; windowSeconds: number };
  clock?: () => Date;
}

/**
 * The write side as one Fastify plugin: every route that changes something. The root instance
 * provides the auth decorators (platform's authPlugin); this plugin adds idempotency and the
 * feature routes, each encapsulated in its own child context.
 */
export async function buildCommandService(app: FastifyInstance, deps: CommandServiceDeps): Promise<void> {
  const clock = deps.clock ?? (() => new Date());
  await app.register(idempotencyPlugin, { sql: deps.sql });
  const shared = { ...deps, clock };
  await app.register(authRoutes, shared);
  await app.register(userRoutes, shared);
  await app.register(projectRoutes, shared);
  await app.register(taskRoutes, shared);
  await app.register(inboxRoutes, shared);
}

export type FeatureDeps = CommandServiceDeps & { clock: () => Date };

import type { App, Logger } from '@taskflow/platform';
import type { EventStore } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import type { FastifyInstance } from 'fastify';
import { minPositionHook } from './checkpoints/min-position.ts';
import { createCheckpointWatcher } from './checkpoints/watcher.ts';
import { registerNotificationRoutes } from './notifications/routes.ts';
import { registerProjectRoutes } from './projects/routes.ts';
import { assertSchemaName, migrateReadModels, READ_SCHEMA } from './schema.ts';
import type { QueryContext } from './shared/context.ts';
import { registerDeadlineRoutes } from './tasks/deadlines.ts';
import { registerTaskRoutes } from './tasks/routes.ts';
import { registerUserRoutes } from './users/routes.ts';

export interface ProjectionServiceDeps {
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  /** Longest a query with `X-Min-Position` waits for the projector (default 2000 ms). */
  minPositionWaitMs?: number;
  /** The schema queries read (default `read`). */
  schema?: string;
}

export const DEFAULT_MIN_POSITION_WAIT_MS = 2_000;

/**
 * The read side's HTTP routes as one encapsulated Fastify plugin: GET /api/... for clients
 * (`app.requireUser`) and /internal/... for other services (`app.requireService`). The auth
 * plugin must be registered on the root first. Register with
 * `app.register(buildProjectionService, deps)`; the projector is started separately.
 */
export async function buildProjectionService(instance: FastifyInstance, deps: ProjectionServiceDeps) {
  const app = instance as unknown as App;
  const schema = assertSchemaName(deps.schema ?? READ_SCHEMA);
  await migrateReadModels(deps.sql);
  const ctx: QueryContext = { sql: deps.sql, eventStore: deps.eventStore, schema };
  const watcher = createCheckpointWatcher({
    sql: deps.sql,
    eventStore: deps.eventStore,
    logger: deps.logger,
    schema,
  });
  app.addHook('onClose', async () => watcher.close());
  app.addHook('preHandler', minPositionHook(watcher, deps.minPositionWaitMs ?? DEFAULT_MIN_POSITION_WAIT_MS));
  registerTaskRoutes(app, ctx);
  registerProjectRoutes(app, ctx);
  registerNotificationRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerDeadlineRoutes(app, ctx);
}

import type { FastifyInstance } from 'fastify';
import { deadlineRoutes } from './reminders/routes.ts';
import type { DeadlineScanner } from './reminders/scanner.ts';
import type { NotificationHub } from './ws/hub.ts';
import { wsRoutes } from './ws/routes.ts';

export interface NotifyServiceDeps {
  /** The sockets this process holds; `startNotifyWorkers` feeds it. */
  hub: NotificationHub;
  scanner: DeadlineScanner;
  allowedOrigins: readonly string[];
  maxPayloadBytes?: number;
}

/**
 * notify-service's HTTP surface as one Fastify plugin: `GET /ws/notifications` and
 * `POST /notify/deadline`. The root instance provides platform's authPlugin (verifyToken,
 * requireOperatorOrService), so the all-in-one process registers this beside the other services.
 */
export async function buildNotifyService(app: FastifyInstance, deps: NotifyServiceDeps): Promise<void> {
  await app.register(wsRoutes, {
    hub: deps.hub,
    allowedOrigins: deps.allowedOrigins,
    ...(deps.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: deps.maxPayloadBytes }),
  });
  await app.register(deadlineRoutes, { scanner: deps.scanner });
}

import {
  IdParams,
  MAX_PAGE_SIZE,
  NotificationListQuery,
  NotificationPage,
  Position,
  UnreadCount,
} from '@taskflow/contracts';
import { z } from 'zod';
import { type App, BEARER, NoQuery, type QueryContext, ReadYourWritesHeaders } from '../shared/context.ts';
import { listNotifications, notificationsAfter, unreadCount } from './queries.ts';

const TAGS = ['notifications'];

export const NotificationsAfterQuery = z.strictObject({
  /** Exclusive; omitted means from the start. */
  after: Position.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(MAX_PAGE_SIZE),
});

/** The inbox (newest first), the unread count, and the internal resume feed (oldest first). */
export function registerNotificationRoutes(app: App, ctx: QueryContext): void {
  app.get(
    '/api/notifications',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'The caller’s notifications, newest first',
        tags: TAGS,
        security: BEARER,
        headers: ReadYourWritesHeaders,
        querystring: NotificationListQuery,
        response: { 200: NotificationPage },
      },
    },
    async (request) => listNotifications(ctx, request.user.userId, request.query),
  );

  app.get(
    '/api/notifications/unread-count',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'How many of the caller’s notifications are unread',
        tags: TAGS,
        security: BEARER,
        headers: ReadYourWritesHeaders,
        querystring: NoQuery,
        response: { 200: UnreadCount },
      },
    },
    async (request) => ({ count: await unreadCount(ctx, request.user.userId) }),
  );

  app.get(
    '/internal/users/:id/notifications',
    {
      onRequest: app.requireService,
      schema: {
        summary:
          'A user’s notifications after a position, oldest first (WebSocket resume); nextCursor is the next `after`',
        tags: ['internal'],
        hide: true,
        params: IdParams,
        querystring: NotificationsAfterQuery,
        response: { 200: NotificationPage },
      },
    },
    async (request) => notificationsAfter(ctx, request.params.id, request.query.after, request.query.limit),
  );
}

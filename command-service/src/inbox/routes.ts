import { IdParams, inboxStream } from '@taskflow/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FeatureDeps } from '../app.ts';
import { runCommand } from '../command-runner.ts';
import { DomainNotFoundError } from '../domain-errors.ts';
import { commandContextFor } from '../http/context.ts';
import { actorOf } from '../http/responses.ts';
import { inboxDecider } from './decider.ts';

const tags = ['notifications'];
const security = [{ bearer: [] }];

/**
 * Read marks are events on the caller's own inbox stream, so a user can only ever mark their
 * own notifications. Whether a notification exists (and where it sits in the log) is a fact of
 * the projection's inbox table; the write side reads it for that one check.
 */
export async function inboxRoutes(root: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const store = deps.eventStore;
  app.addHook('onRequest', app.requireUser);

  app.post(
    '/api/notifications/:id/read',
    { schema: { tags, security, params: IdParams, response: { 204: z.null() } } },
    async (request, reply) => {
      const userId = request.user.userId;
      const { rows } = await deps.sql.query<{ position: string }>(
        'SELECT position FROM read.notifications WHERE id = $1 AND recipient_id = $2',
        [request.params.id, userId],
      );
      const notification = rows[0];
      if (!notification) throw new DomainNotFoundError('notification_not_found', 'Notification not found');
      const context = commandContextFor(request, deps.clock());
      const outcome = await runCommand({
        store,
        streamId: inboxStream(userId),
        decider: inboxDecider,
        command: {
          type: 'MarkNotificationRead',
          userId,
          notificationId: request.params.id,
          notificationPosition: notification.position,
          actor: actorOf(request),
          comparePositions: (a, b) => store.comparePositions(a, b),
          now: context.now,
        },
        context,
      });
      return reply
        .code(204)
        .header('x-position', outcome.position ?? '')
        .send(null);
    },
  );

  app.post(
    '/api/notifications/read-all',
    { schema: { tags, security, response: { 204: z.null() } } },
    async (request, reply) => {
      const userId = request.user.userId;
      // Everything recorded so far: notifications that arrive later stay unread.
      let head = await store.headPosition();
      if (head === null) return reply.code(204).send(null);
      // Our own last read-all is itself the head until something else happens: a repeat with
      // nothing recorded since then covers nothing new and must append nothing.
      const [last] = await store.readStream(inboxStream(userId), { direction: 'backwards', limit: 1 });
      if (last?.type === 'AllNotificationsRead' && store.comparePositions(head, last.position) <= 0) {
        head = String(last.data.upToPosition);
      }
      const context = commandContextFor(request, deps.clock());
      const outcome = await runCommand({
        store,
        streamId: inboxStream(userId),
        decider: inboxDecider,
        command: {
          type: 'MarkAllNotificationsRead',
          userId,
          upToPosition: head,
          actor: actorOf(request),
          comparePositions: (a, b) => store.comparePositions(a, b),
          now: context.now,
        },
        context,
      });
      return reply
        .code(204)
        .header('x-position', outcome.position ?? '')
        .send(null);
    },
  );
}

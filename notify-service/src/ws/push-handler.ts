import { notificationsForEvent, parseStoredEvent } from '@taskflow/contracts';
import type { EventHandler } from '../feed/port.ts';
import type { NotificationHub } from './hub.ts';

/**
 * The per-instance push group's handler: membership events adjust the authorisation cache, and
 * each notification goes to the recipient's sockets on this instance.
 */
export function pushHandler(hub: NotificationHub): EventHandler {
  return {
    name: 'push',
    async handle(recorded) {
      const parsed = parseStoredEvent(recorded);
      if (!parsed.ok) return;
      const { event } = parsed;
      if (event.type === 'MemberAdded') hub.membership.forget(event.data.projectId, event.data.userId);
      if (event.type === 'MemberRemoved') hub.membership.removed(event.data.projectId, event.data.userId);
      const addressed = notificationsForEvent(event, {
        eventId: recorded.id,
        position: recorded.position,
        occurredAt: recorded.metadata.occurredAt,
        actor: recorded.metadata.actor,
      });
      for (const { recipientId, notification } of addressed) await hub.push(recipientId, notification);
    },
  };
}

import { z } from 'zod';
import { Position, Uuid } from '../primitives/index.ts';
import { defineEvent } from './define.ts';

/**
 * Stream `inbox-<userId>`: the only state a user changes about notifications. Notifications
 * themselves are not events; they are derived from task events by `notificationsFor`.
 */
export const NotificationRead = defineEvent('NotificationRead', 1, {
  userId: Uuid,
  notificationId: Uuid,
});

/** Every notification of this user at or before `upToPosition` is read; later ones stay unread. */
export const AllNotificationsRead = defineEvent('AllNotificationsRead', 1, {
  userId: Uuid,
  upToPosition: Position,
});

export const InboxEvent = z.discriminatedUnion('type', [NotificationRead, AllNotificationsRead]);
export type InboxEvent = z.infer<typeof InboxEvent>;

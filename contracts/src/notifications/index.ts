import { v5 as uuidV5 } from 'uuid';
import { type DomainEvent, parseStoredEvent } from '../events/domain-event.ts';
import type { EmailPreferences } from '../primitives/index.ts';
import type { Notification, NotificationType } from '../read-models/index.ts';
import { assignedMessage, deadlineMessage, statusChangedMessage } from './messages.ts';

export * from './messages.ts';

/** Fixed forever: changing it changes every notification id and breaks duplicate detection. */
export const NOTIFICATION_ID_NAMESPACE = 'ab42683c-3cca-4c19-8472-236a73f6120b';

/** The same (event, recipient) gives the same id in the inbox, on the socket and in the email. */
export function notificationId(eventId: string, recipientId: string): string {
  return uuidV5(`${eventId}:${recipientId}`, NOTIFICATION_ID_NAMESPACE);
}

/** Which email preference switches each notification type's email on or off. */
export const EMAIL_PREFERENCE_FOR: Readonly<Record<NotificationType, keyof EmailPreferences>> = {
  'task.assigned': 'taskAssigned',
  'task.status_changed': 'statusChanged',
  'task.deadline_approaching': 'deadlineApproaching',
};

/** What `notificationsFor` needs of a stored event; the event store's `RecordedEvent` fits. */
export interface StoredEventLike {
  id: string;
  type: string;
  data: unknown;
  position: string;
  metadata: { actor: string | null; occurredAt: string; schemaVersion: number };
}

export interface EventContext {
  eventId: string;
  position: string;
  occurredAt: string;
  /** The user who caused the event, never notified of it; null for the system. */
  actor: string | null;
}

export interface AddressedNotification {
  recipientId: string;
  notification: Notification;
}

/**
 * The notifications one stored event causes. Events this version cannot read (unknown type,
 * newer schema) cause none here; a consumer that wants to log them calls `parseStoredEvent` first.
 */
export function notificationsFor(stored: StoredEventLike): AddressedNotification[] {
  const parsed = parseStoredEvent(stored);
  if (!parsed.ok) return [];
  return notificationsForEvent(parsed.event, {
    eventId: stored.id,
    position: stored.position,
    occurredAt: stored.metadata.occurredAt,
    actor: stored.metadata.actor,
  });
}

/** As `notificationsFor`, for a caller that has already parsed the event. */
export function notificationsForEvent(event: DomainEvent, context: EventContext): AddressedNotification[] {
  const cause = { ...context, eventType: event.type };
  switch (event.type) {
    case 'TaskAssigned': {
      const { data } = event;
      return address([data.assigneeId], cause, {
        type: 'task.assigned',
        taskId: data.taskId,
        projectId: data.projectId,
        message: assignedMessage(data.actorName, data.title),
      });
    }
    case 'TaskStatusChanged': {
      const { data } = event;
      return address([data.createdBy, data.assigneeId], cause, {
        type: 'task.status_changed',
        taskId: data.taskId,
        projectId: data.projectId,
        message: statusChangedMessage(data.actorName, data.title, data.from, data.to),
      });
    }
    case 'TaskDeadlineApproaching': {
      const { data } = event;
      return address([data.assigneeId], cause, {
        type: 'task.deadline_approaching',
        taskId: data.taskId,
        projectId: data.projectId,
        message: deadlineMessage(data.title, data, context.occurredAt),
      });
    }
    default:
      return [];
  }
}

function address(
  candidates: readonly (string | null)[],
  context: EventContext & { eventType: string },
  content: Pick<Notification, 'type' | 'taskId' | 'projectId' | 'message'>,
): AddressedNotification[] {
  const recipients = new Set(candidates.filter((id): id is string => id !== null && id !== context.actor));
  return [...recipients].map((recipientId) => ({
    recipientId,
    notification: {
      id: notificationId(context.eventId, recipientId),
      ...content,
      isRead: false,
      createdAt: context.occurredAt,
      position: context.position,
      cause: { eventId: context.eventId, eventType: context.eventType },
    },
  }));
}

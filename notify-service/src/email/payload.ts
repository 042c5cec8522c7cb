import {
  type AddressedNotification,
  type DomainEvent,
  type Notification,
  notificationsForEvent,
  parseStoredEvent,
  type ReminderWindow,
  type TaskStatus,
} from '@taskflow/contracts';
import type { RecordedEvent } from '@taskflow/platform/eventstore';

/** What an email says, captured from the event when it happened (stored with the delivery row). */
export interface EmailPayload {
  notification: Notification;
  title: string;
  actorName: string | null;
  status: { from: TaskStatus; to: TaskStatus } | null;
  deadline: string | null;
  window: ReminderWindow | null;
  late: boolean;
}

export interface EmailJob {
  recipientId: string;
  payload: EmailPayload;
}

/** Pure: the email jobs one recorded event causes (one per notification, one per recipient). */
export function emailJobsFor(recorded: RecordedEvent): EmailJob[] {
  const parsed = parseStoredEvent(recorded);
  if (!parsed.ok) return [];
  const addressed = notificationsForEvent(parsed.event, {
    eventId: recorded.id,
    position: recorded.position,
    occurredAt: recorded.metadata.occurredAt,
    actor: recorded.metadata.actor,
  });
  return addressed.map((item) => jobOf(item, parsed.event));
}

function jobOf({ recipientId, notification }: AddressedNotification, event: DomainEvent): EmailJob {
  const base = { notification, actorName: null, status: null, deadline: null, window: null, late: false };
  switch (event.type) {
    case 'TaskAssigned':
      return { recipientId, payload: { ...base, title: event.data.title, actorName: event.data.actorName } };
    case 'TaskStatusChanged':
      return {
        recipientId,
        payload: {
          ...base,
          title: event.data.title,
          actorName: event.data.actorName,
          status: { from: event.data.from, to: event.data.to },
        },
      };
    case 'TaskDeadlineApproaching':
      return {
        recipientId,
        payload: {
          ...base,
          title: event.data.title,
          deadline: event.data.deadline,
          window: event.data.window,
          late: event.data.late,
        },
      };
    default:
      return { recipientId, payload: { ...base, title: '' } };
  }
}

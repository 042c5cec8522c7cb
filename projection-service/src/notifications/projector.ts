import { type AddressedNotification, notificationsForEvent } from '@taskflow/contracts';
import type { SqlQueryable } from '@taskflow/platform/sql';
import type { Projector } from '../projector/types.ts';

const NOTIFICATION_RECORD = `id uuid, recipient_id uuid, type text, task_id uuid, project_id uuid, message text,
  created_at timestamptz, position text, cause_event_id uuid, cause_event_type text`;

/**
 * The inbox: a row per `notificationsFor(event)` result (the id is the deterministic one the
 * socket and the email use, so a redelivered event inserts nothing), and read marks from the
 * user's inbox stream applied in place. Inserts are buffered and flushed before a read mark,
 * so a mark always sees every notification before it.
 */
export const notificationsProjector: Projector = {
  name: 'notifications',
  async apply(events, tx, schema) {
    let pending: AddressedNotification[] = [];
    const flush = async () => {
      if (pending.length > 0) await insertNotifications(tx, schema, pending);
      pending = [];
    };
    for (const { event, recorded } of events) {
      if (event.type === 'NotificationRead') {
        await flush();
        await tx.query(
          `UPDATE ${schema}.notifications SET is_read = true, read_position = $3
           WHERE id = $1 AND recipient_id = $2 AND NOT is_read`,
          [event.data.notificationId, event.data.userId, recorded.position],
        );
      } else if (event.type === 'AllNotificationsRead') {
        await flush();
        await tx.query(
          `UPDATE ${schema}.notifications SET is_read = true, read_position = $3
           WHERE recipient_id = $1 AND position <= $2 AND NOT is_read`,
          [event.data.userId, event.data.upToPosition, recorded.position],
        );
      } else {
        pending.push(
          ...notificationsForEvent(event, {
            eventId: recorded.id,
            position: recorded.position,
            occurredAt: recorded.metadata.occurredAt,
            actor: recorded.metadata.actor,
          }),
        );
      }
    }
    await flush();
  },
};

async function insertNotifications(
  tx: SqlQueryable,
  schema: string,
  notifications: AddressedNotification[],
): Promise<void> {
  const rows = notifications.map(({ recipientId, notification: n }) => ({
    id: n.id,
    recipient_id: recipientId,
    type: n.type,
    task_id: n.taskId,
    project_id: n.projectId,
    message: n.message,
    created_at: n.createdAt,
    position: n.position,
    cause_event_id: n.cause.eventId,
    cause_event_type: n.cause.eventType,
  }));
  await tx.query(
    `INSERT INTO ${schema}.notifications (id, recipient_id, type, task_id, project_id, message, created_at,
       position, cause_event_id, cause_event_type)
     SELECT r.id, r.recipient_id, r.type, r.task_id, r.project_id, r.message, r.created_at, r.position,
       r.cause_event_id, r.cause_event_type
     FROM jsonb_to_recordset($1::jsonb) AS r(${NOTIFICATION_RECORD})
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

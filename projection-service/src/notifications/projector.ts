import { type AddressedNotification, notificationsForEvent } from '@taskflow/contracts';
import type { Position } from '@taskflow/platform/eventstore';
import type { SqlQueryable } from '@taskflow/platform/sql';
import type { Projector } from '../projector/types.ts';

const NOTIFICATION_RECORD = `id uuid, recipient_id uuid, type text, task_id uuid, project_id uuid, message text,
  created_at timestamptz, position text, cause_event_id uuid, cause_event_type text`;

/** A read mark: one notification (NotificationRead) or all up to a position (AllNotificationsRead). */
interface Mark {
  user_id: string;
  notification_id: string | null;
  up_to: Position | null;
  position: Position;
}

/**
 * The inbox: a row per `notificationsFor(event)` result (the id is the deterministic one the
 * socket and the email use, so a redelivered event inserts nothing), and read marks from the
 * user's inbox stream applied in place. A batch costs two statements however many marks it
 * holds (a rebuild replays hundreds of thousands): every notification is inserted first, then
 * each mark touches only notifications positioned before it, which are exactly those that
 * existed when it was recorded, and the earliest mark covering a notification sets its
 * `read_position`, as if the events had been applied one by one.
 */
export const notificationsProjector: Projector = {
  name: 'notifications',
  async apply(events, tx, schema) {
    const notifications: AddressedNotification[] = [];
    const marks: Mark[] = [];
    for (const { event, recorded } of events) {
      if (event.type === 'NotificationRead') {
        const { userId, notificationId } = event.data;
        marks.push({
          user_id: userId,
          notification_id: notificationId,
          up_to: null,
          position: recorded.position,
        });
      } else if (event.type === 'AllNotificationsRead') {
        const { userId, upToPosition } = event.data;
        marks.push({
          user_id: userId,
          notification_id: null,
          up_to: upToPosition,
          position: recorded.position,
        });
      } else {
        notifications.push(
          ...notificationsForEvent(event, {
            eventId: recorded.id,
            position: recorded.position,
            occurredAt: recorded.metadata.occurredAt,
            actor: recorded.metadata.actor,
          }),
        );
      }
    }
    if (notifications.length > 0) await insertNotifications(tx, schema, notifications);
    if (marks.length > 0) await applyMarks(tx, schema, marks);
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

/** Positions compare as text in the "C" collation, as the position columns do. */
async function applyMarks(tx: SqlQueryable, schema: string, marks: Mark[]): Promise<void> {
  await tx.query(
    `WITH marks AS (
       SELECT m.user_id, m.notification_id, m.up_to COLLATE "C" AS up_to, m.position COLLATE "C" AS position
       FROM jsonb_to_recordset($1::jsonb) AS m(user_id uuid, notification_id uuid, up_to text, position text)
     ), covered AS (
       SELECT n.id, m.position FROM marks m
       JOIN ${schema}.notifications n ON n.id = m.notification_id AND n.recipient_id = m.user_id
       WHERE NOT n.is_read AND n.position < m.position
       UNION ALL
       -- One index range scan of the user's unread notifications per mark (OFFSET 0 keeps the
       -- planner from turning it into a scan of the whole inbox table, which grows without bound).
       SELECT n.id, m.position FROM marks m
       CROSS JOIN LATERAL (
         SELECT u.id FROM ${schema}.notifications u
         WHERE u.recipient_id = m.user_id AND u.position <= m.up_to AND u.position < m.position AND NOT u.is_read
         OFFSET 0
       ) n
       WHERE m.up_to IS NOT NULL
     ), earliest AS (
       SELECT DISTINCT ON (id) id, position FROM covered ORDER BY id, position
     )
     UPDATE ${schema}.notifications n SET is_read = true, read_position = e.position
     FROM earliest e WHERE n.id = e.id`,
    [JSON.stringify(marks)],
  );
}

import type { Notification, NotificationPage } from '@taskflow/contracts';
import type { QueryContext } from '../shared/context.ts';
import { decodeCursor, encodeCursor, isString, isUuid } from '../shared/cursor.ts';
import { isoTime } from '../shared/sql.ts';

interface NotificationRow {
  id: string;
  type: Notification['type'];
  taskId: string;
  projectId: string;
  message: string;
  isRead: boolean;
  createdAt: string;
  position: string;
  causeEventId: string;
  causeEventType: string;
}

const COLUMNS = `n.id, n.type, n.task_id AS "taskId", n.project_id AS "projectId", n.message, n.is_read AS "isRead",
  ${isoTime('n.created_at')} AS "createdAt", n.position, n.cause_event_id AS "causeEventId",
  n.cause_event_type AS "causeEventType"`;

function toNotification(row: NotificationRow): Notification {
  const { causeEventId, causeEventType, ...rest } = row;
  return { ...rest, cause: { eventId: causeEventId, eventType: causeEventType } };
}

/** The caller's inbox, newest first (by position), keyset-paged; optionally unread only. */
export async function listNotifications(
  ctx: QueryContext,
  userId: string,
  query: { unread?: boolean | undefined; limit: number; cursor?: string | undefined },
): Promise<NotificationPage> {
  const params: unknown[] = [userId, query.limit + 1];
  const where = ['n.recipient_id = $1'];
  if (query.unread) where.push('NOT n.is_read');
  if (query.cursor) {
    const [position, id] = decodeCursor<[string, string]>(
      query.cursor,
      (parts): parts is [string, string] => parts.length === 2 && isString(parts[0]) && isUuid(parts[1]),
    );
    params.push(position, id);
    where.push('(n.position, n.id) < ($3, $4::uuid)');
  }
  const { rows } = await ctx.sql.query<NotificationRow>(
    `SELECT ${COLUMNS} FROM ${ctx.schema}.notifications n WHERE ${where.join(' AND ')}
     ORDER BY n.position DESC, n.id DESC LIMIT $2`,
    params,
  );
  const items = rows.slice(0, query.limit).map(toNotification);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.position, last.id]) : null,
  };
}

export async function unreadCount(ctx: QueryContext, userId: string): Promise<number> {
  const { rows } = await ctx.sql.query<{ count: string | number }>(
    `SELECT count(*) AS count FROM ${ctx.schema}.notifications WHERE recipient_id = $1 AND NOT is_read`,
    [userId],
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * For a WebSocket resume: the user's notifications strictly after `after`, oldest first. A
 * user has at most one notification per event, so the position alone orders and pages them.
 */
export async function notificationsAfter(
  ctx: QueryContext,
  userId: string,
  after: string | undefined,
  limit: number,
): Promise<NotificationPage> {
  const { rows } = await ctx.sql.query<NotificationRow>(
    `SELECT ${COLUMNS} FROM ${ctx.schema}.notifications n
     WHERE n.recipient_id = $1 AND ($2::text IS NULL OR n.position > $2::text COLLATE "C")
     ORDER BY n.position, n.id LIMIT $3`,
    [userId, after ?? null, limit + 1],
  );
  const items = rows.slice(0, limit).map(toNotification);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? last.position : null };
}

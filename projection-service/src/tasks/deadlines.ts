import {
  dueReminderWindows,
  InstantInput,
  REMINDER_WINDOW_MS,
  ReminderWindow,
  TaskStatus,
  Uuid,
} from '@taskflow/contracts';
import { z } from 'zod';
import type { App, QueryContext } from '../shared/context.ts';
import { decodeCursor, encodeCursor, isUuid } from '../shared/cursor.ts';
import { isoTime } from '../shared/sql.ts';

export const DueRemindersQuery = z.strictObject({
  /** The scan's "now" (default: the server's clock). */
  now: InstantInput.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  cursor: z.string().min(1).max(512).optional(),
});

export const DueReminder = z.object({
  taskId: Uuid,
  projectId: Uuid,
  title: z.string(),
  deadline: z.string(),
  window: ReminderWindow,
  assigneeId: Uuid,
  status: TaskStatus,
});
export type DueReminder = z.infer<typeof DueReminder>;

export const DueReminderPage = z.object({
  items: z.array(DueReminder),
  /** Open, assigned tasks looked at on this page (items are those of them with a reminder due). */
  scanned: z.int().nonnegative(),
  nextCursor: z.string().nullable(),
});

interface CandidateRow {
  taskId: string;
  projectId: string;
  title: string;
  deadline: string;
  assigneeId: string;
  status: z.infer<typeof TaskStatus>;
  sent: string[];
}

const WIDEST_WINDOW_MS = Math.max(...Object.values(REMINDER_WINDOW_MS));

/**
 * Open, assigned tasks whose deadline is within the widest reminder window of `now`, with the
 * window contracts' `dueReminderWindows` says is due and not issued yet for this deadline.
 */
export async function dueReminders(
  ctx: QueryContext,
  query: { now: string; limit: number; cursor?: string | undefined },
): Promise<z.infer<typeof DueReminderPage>> {
  const params: unknown[] = [query.now, WIDEST_WINDOW_MS, query.limit + 1];
  let after = '';
  if (query.cursor) {
    const [deadline, id] = decodeCursor<[string, string]>(
      query.cursor,
      (parts): parts is [string, string] =>
        parts.length === 2 &&
        typeof parts[0] === 'string' &&
        !Number.isNaN(Date.parse(parts[0])) &&
        isUuid(parts[1]),
    );
    params.push(deadline, id);
    after = 'AND (t.deadline, t.id) > ($4::timestamptz, $5::uuid)';
  }
  const { rows } = await ctx.sql.query<CandidateRow>(
    `SELECT t.id AS "taskId", t.project_id AS "projectId", t.title, ${isoTime('t.deadline')} AS deadline,
       t.assignee_id AS "assigneeId", t.status,
       ARRAY(SELECT r.reminder_window FROM ${ctx.schema}.task_reminders r
             WHERE r.task_id = t.id AND r.deadline = t.deadline) AS sent
     FROM ${ctx.schema}.tasks t
     WHERE t.deadline IS NOT NULL AND t.assignee_id IS NOT NULL AND t.status NOT IN ('done', 'cancelled')
       AND t.deadline > $1::timestamptz
       AND t.deadline <= $1::timestamptz + make_interval(secs => $2::double precision / 1000) ${after}
     ORDER BY t.deadline, t.id LIMIT $3`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const items: DueReminder[] = [];
  for (const row of page) {
    for (const window of dueReminderWindows(row.deadline, query.now)) {
      if (row.sent.includes(window)) continue;
      const { sent: _sent, ...task } = row;
      items.push({ ...task, window });
    }
  }
  const last = page.at(-1);
  return {
    items,
    scanned: page.length,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.deadline, last.taskId]) : null,
  };
}

export function registerDeadlineRoutes(app: App, ctx: QueryContext): void {
  app.get(
    '/internal/deadline-reminders',
    {
      onRequest: app.requireService,
      schema: {
        summary: 'Tasks whose deadline has entered a reminder window not yet reminded of (deadline scan)',
        tags: ['internal'],
        hide: true,
        querystring: DueRemindersQuery,
        response: { 200: DueReminderPage },
      },
    },
    async (request) =>
      dueReminders(ctx, {
        now: request.query.now ?? new Date().toISOString(),
        limit: request.query.limit,
        cursor: request.query.cursor,
      }),
  );
}

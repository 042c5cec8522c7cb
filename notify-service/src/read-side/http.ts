import { EmailPreferences, Instant, Notification, ReminderWindow } from '@taskflow/contracts';
import { z } from 'zod';
import type { DueReminder, ReadSide, UserContact } from './port.ts';

/**
 * projection-service's internal routes, as this adapter assumes them (service token as
 * `Authorization: Bearer`). Every answer is parsed with zod; a 404 means "no such thing".
 */
export const READ_SIDE_ROUTES = {
  userContact: (userId: string) => `/internal/users/${enc(userId)}/contact`,
  notificationsAfter: (userId: string, after: string, limit: number) =>
    `/internal/users/${enc(userId)}/notifications?after=${enc(after)}&limit=${limit}`,
  isMember: (projectId: string, userId: string) =>
    `/internal/projects/${enc(projectId)}/members/${enc(userId)}`,
  dueReminders: (now: Date, cursor: string | null) =>
    `/internal/deadline-reminders?now=${enc(now.toISOString())}&limit=500${cursor ? `&cursor=${enc(cursor)}` : ''}`,
  projectName: (projectId: string) => `/internal/projects/${enc(projectId)}`,
} as const;

const ContactAnswer = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  preferences: z.object({ email: EmailPreferences }),
});
const NotificationsAnswer = z.object({ items: z.array(Notification) });
const RemindersAnswer = z.object({
  items: z.array(z.object({ taskId: z.uuid(), deadline: Instant, window: ReminderWindow.optional() })),
  nextCursor: z.string().nullable().optional(),
});
/** projection-service serves at most this many notifications per page. */
export const MAX_NOTIFICATIONS_PAGE = 500;
const ProjectAnswer = z.object({ name: z.string() });

export interface HttpReadSideOptions {
  baseUrl: string;
  serviceToken: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class ReadSideError extends Error {
  override readonly name = 'ReadSideError';
}

export function createHttpReadSide(options: HttpReadSideOptions): ReadSide {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');

  /** The parsed body, or null on 404. `atLeast` asks the read side to have applied that position. */
  async function get<T>(path: string, schema: z.ZodType<T>, atLeast?: string): Promise<T | null> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.serviceToken}`,
      accept: 'application/json',
    };
    if (atLeast) headers['x-min-position'] = atLeast;
    const response = await doFetch(`${base}${path}`, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    const text = await response.text();
    if (response.status === 404) return null;
    if (!response.ok)
      throw new ReadSideError(`GET ${path.split('?')[0]}: HTTP ${response.status} ${text.slice(0, 300)}`);
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new ReadSideError(`GET ${path.split('?')[0]}: unexpected answer: ${parsed.error.message}`);
    return parsed.data;
  }

  return {
    async userContact(userId): Promise<UserContact | null> {
      return get(READ_SIDE_ROUTES.userContact(userId), ContactAnswer);
    },
    async notificationsAfter(userId, position, limit) {
      const answer = await get(
        READ_SIDE_ROUTES.notificationsAfter(userId, position, limit),
        NotificationsAnswer,
      );
      return answer?.items ?? [];
    },
    async isMember(projectId, userId, atLeast) {
      return (await get(READ_SIDE_ROUTES.isMember(projectId, userId), z.unknown(), atLeast)) !== null;
    },
    async dueReminders(now): Promise<DueReminder[]> {
      const due: DueReminder[] = [];
      let cursor: string | null = null;
      do {
        const answer: z.infer<typeof RemindersAnswer> | null = await get(
          READ_SIDE_ROUTES.dueReminders(now, cursor),
          RemindersAnswer,
        );
        for (const item of answer?.items ?? []) {
          due.push(
            item.window ? { taskId: item.taskId, deadline: item.deadline, window: item.window } : item,
          );
        }
        cursor = answer?.nextCursor ?? null;
      } while (cursor);
      return due;
    },
    async projectName(projectId) {
      return (await get(READ_SIDE_ROUTES.projectName(projectId), ProjectAnswer))?.name ?? null;
    },
  };
}

const enc = encodeURIComponent;

import { z } from 'zod';

/**
 * Value schemas every other contract is built from. Events use the strict canonical forms
 * (UTC `Z` times) so stored data compares byte for byte; request bodies use the lenient
 * `...Input` forms and canonicalise on parse.
 */

export const Uuid = z.uuid();

/** A point in time as stored: ISO-8601 UTC with `Z`, as `Date#toISOString` writes it. */
export const Instant = z.iso.datetime();
export type Instant = z.infer<typeof Instant>;

/** A point in time as clients may send it (any offset); parsed to the canonical UTC form. */
export const InstantInput = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/** The event store's global position: opaque, compared only by the store. */
export const Position = z.string().min(1).max(100);
export type Position = z.infer<typeof Position>;

export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const TaskPriority = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof TaskPriority>;

export const PROJECT_ROLES = ['owner', 'manager', 'member'] as const;
export const ProjectRole = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof ProjectRole>;

export const REMINDER_WINDOWS = ['24h', '1h'] as const;
export const ReminderWindow = z.enum(REMINDER_WINDOWS);
export type ReminderWindow = z.infer<typeof ReminderWindow>;

export const EmailPreferences = z.object({
  taskAssigned: z.boolean(),
  statusChanged: z.boolean(),
  deadlineApproaching: z.boolean(),
});
export type EmailPreferences = z.infer<typeof EmailPreferences>;
export const UserPreferences = z.object({ email: EmailPreferences });
export type UserPreferences = z.infer<typeof UserPreferences>;

/** New users get every email: opting out is a choice they make, not one made for them. */
export const DEFAULT_PREFERENCES: UserPreferences = {
  email: { taskAssigned: true, statusChanged: true, deadlineApproaching: true },
};

/** The person behind a command; the name travels so notification texts need no lookup. */
export interface Actor {
  userId: string;
  name: string;
}

// Limits, in UTF-16 code units as JavaScript counts them. Generous for people, small enough
// that a full task (title + description + metadata) stays far below the store's 256 KiB per event.
export const LIMITS = {
  nameMax: 100,
  emailMax: 254,
  passwordMin: 8,
  passwordMax: 128,
  projectNameMax: 100,
  projectDescriptionMax: 2_000,
  taskTitleMax: 200,
  taskDescriptionMax: 10_000,
  tokenMax: 512,
} as const;

/** Control characters (newlines, tabs, NUL) have no place in a title or a name. */
const SINGLE_LINE = /^[^\p{Cc}]*$/u;

/** Trimmed, non-empty, single-line text of at most `max` characters. */
export function singleLineText(max: number) {
  return z.string().trim().min(1).max(max).regex(SINGLE_LINE, 'must not contain control characters');
}

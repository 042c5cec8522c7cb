import type { ReminderWindow, TaskStatus } from '../primitives/index.ts';
import { STATUS_LABELS } from '../workflow/status.ts';

/**
 * The sentences people read in the inbox, on screen and in email. They live with
 * `notificationsFor` so the three channels say the same words.
 */

export function assignedMessage(actorName: string, title: string): string {
  return `${actorName} assigned you “${title}”`;
}

export function statusChangedMessage(
  actorName: string,
  title: string,
  from: TaskStatus,
  to: TaskStatus,
): string {
  return `${actorName} moved “${title}” from ${STATUS_LABELS[from]} to ${STATUS_LABELS[to]}`;
}

const WINDOW_TEXT: Readonly<Record<ReminderWindow, string>> = { '24h': '24 hours', '1h': '1 hour' };

/** A late reminder says how long is really left, not what the window nominally promised. */
export function deadlineMessage(
  title: string,
  reminder: { window: ReminderWindow; late: boolean; deadline: string },
  sentAt: string,
): string {
  const dueIn = reminder.late
    ? formatDuration(Date.parse(reminder.deadline) - Date.parse(sentAt))
    : WINDOW_TEXT[reminder.window];
  return `“${title}” is due in ${dueIn}`;
}

export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

import type { ReminderWindow } from '../primitives/index.ts';

const HOUR_MS = 3_600_000;

/** How long before the deadline each reminder window opens. */
export const REMINDER_WINDOW_MS: Readonly<Record<ReminderWindow, number>> = {
  '24h': 24 * HOUR_MS,
  '1h': HOUR_MS,
};

/**
 * A reminder issued within this long after its window opened is on time. The scheduler runs
 * every minute or so, so a reminder is always a little after the window's start; only a real
 * delay (scheduler down, task created inside the window) marks it `late`.
 */
export const REMINDER_LATE_AFTER_MS = 5 * 60_000;

export type ReminderDecision =
  | { due: true; late: boolean }
  | { due: false; reason: 'not_yet_open' | 'deadline_passed' | 'superseded' };

/**
 * Whether a reminder for `window` should go out at `now`. A window is superseded once a
 * narrower one has opened: a task whose deadline is under an hour away gets the 1 h reminder
 * only, not a "due in 24 hours" one as well. Scheduler and decider both ask this.
 */
export function reminderDecision(window: ReminderWindow, deadline: string, now: string): ReminderDecision {
  const deadlineMs = Date.parse(deadline);
  const nowMs = Date.parse(now);
  const opensAt = deadlineMs - REMINDER_WINDOW_MS[window];
  if (nowMs >= deadlineMs) return { due: false, reason: 'deadline_passed' };
  if (nowMs < opensAt) return { due: false, reason: 'not_yet_open' };
  const narrowerOpened = Object.values(REMINDER_WINDOW_MS).some(
    (span) => span < REMINDER_WINDOW_MS[window] && nowMs >= deadlineMs - span,
  );
  if (narrowerOpened) return { due: false, reason: 'superseded' };
  return { due: true, late: nowMs - opensAt > REMINDER_LATE_AFTER_MS };
}

/** The windows due at `now` for a deadline (at most one), for the scheduler's scan. */
export function dueReminderWindows(deadline: string, now: string): ReminderWindow[] {
  return (Object.keys(REMINDER_WINDOW_MS) as ReminderWindow[]).filter(
    (window) => reminderDecision(window, deadline, now).due,
  );
}

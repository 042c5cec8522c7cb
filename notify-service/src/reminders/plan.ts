import { type ReminderWindow, reminderDecision } from '@taskflow/contracts';
import type { DueReminder } from '../read-side/port.ts';

export interface PlannedReminder {
  taskId: string;
  deadline: string;
  window: ReminderWindow;
}

/**
 * Pure: which reminder commands a scan sends. The read side proposes tasks near a deadline;
 * `reminderDecision` (the same rule the decider applies) keeps the windows due now: a missed
 * window is still reminded (late) until the deadline passes, and a task inside the 1 h window
 * gets only that one. Disabled windows are dropped; one command per (task, deadline, window).
 */
export function planReminders(
  due: readonly DueReminder[],
  now: Date,
  enabledWindows: readonly ReminderWindow[],
): PlannedReminder[] {
  const at = now.toISOString();
  const planned = new Map<string, PlannedReminder>();
  for (const item of due) {
    const candidates = item.window ? [item.window] : enabledWindows;
    for (const window of candidates) {
      if (!enabledWindows.includes(window)) continue;
      if (!reminderDecision(window, item.deadline, at).due) continue;
      planned.set(`${item.taskId}|${item.deadline}|${window}`, {
        taskId: item.taskId,
        deadline: item.deadline,
        window,
      });
    }
  }
  return [...planned.values()];
}

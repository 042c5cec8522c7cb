import type { TaskStatus } from '../primitives/index.ts';

/**
 * Which status changes a user may make. Work can be started, paused (blocked), finished or
 * dropped from any open state; finished or dropped work can be reopened. `blocked → done` is
 * not offered: something blocked has to be unblocked before it can honestly be finished.
 * Staying in the same status is not a transition (a PATCH to the current status changes nothing).
 */
export const STATUS_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  todo: ['in_progress', 'blocked', 'done', 'cancelled'],
  in_progress: ['todo', 'blocked', 'done', 'cancelled'],
  blocked: ['todo', 'in_progress', 'cancelled'],
  done: ['todo', 'in_progress'],
  cancelled: ['todo'],
};

export const INITIAL_TASK_STATUS: TaskStatus = 'todo';

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/** Done or cancelled: no reminders, nothing left to chase. */
export function isClosedStatus(status: TaskStatus): boolean {
  return status === 'done' || status === 'cancelled';
}

export const STATUS_LABELS: Readonly<Record<TaskStatus, string>> = {
  todo: 'To do',
  in_progress: 'In progress',
  blocked: 'Blocked',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** The sentence a 409 carries, so a client can show it as is. */
export function describeForbiddenTransition(from: TaskStatus, to: TaskStatus): string {
  const allowed = STATUS_TRANSITIONS[from].join(', ');
  return `A task cannot move from ${from} to ${to}; from ${from} it can move to: ${allowed}`;
}

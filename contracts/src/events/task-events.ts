import { z } from 'zod';
import { Instant, ReminderWindow, TaskPriority, TaskStatus, Uuid } from '../primitives/index.ts';
import { defineEvent } from './define.ts';

/**
 * Stream `task-<taskId>`. One event per intent, so the history reads as what people did.
 * Events that notify someone carry every participant, the title and the actor's name, so
 * notify-service needs no lookup (and a message shows the title as it was then).
 */

/** A new task is always `todo` and unassigned; an assignee given at creation follows as `TaskAssigned`. */
export const TaskCreated = defineEvent('TaskCreated', 1, {
  taskId: Uuid,
  projectId: Uuid,
  title: z.string(),
  description: z.string(),
  priority: TaskPriority,
  deadline: Instant.nullable(),
  createdBy: Uuid,
});

export const TaskRenamed = defineEvent('TaskRenamed', 1, {
  taskId: Uuid,
  projectId: Uuid,
  title: z.string(),
});

export const TaskDescriptionChanged = defineEvent('TaskDescriptionChanged', 1, {
  taskId: Uuid,
  projectId: Uuid,
  description: z.string(),
});

export const TaskPrioritised = defineEvent('TaskPrioritised', 1, {
  taskId: Uuid,
  projectId: Uuid,
  priority: TaskPriority,
});

/** Setting or moving the deadline; reminders for the old deadline stop applying. */
export const TaskDeadlineSet = defineEvent('TaskDeadlineSet', 1, {
  taskId: Uuid,
  projectId: Uuid,
  deadline: Instant,
});

export const TaskDeadlineCleared = defineEvent('TaskDeadlineCleared', 1, {
  taskId: Uuid,
  projectId: Uuid,
});

export const TaskAssigned = defineEvent('TaskAssigned', 1, {
  taskId: Uuid,
  projectId: Uuid,
  title: z.string(),
  assigneeId: Uuid,
  previousAssigneeId: Uuid.nullable(),
  actorName: z.string(),
});

export const TaskUnassigned = defineEvent('TaskUnassigned', 1, {
  taskId: Uuid,
  projectId: Uuid,
  previousAssigneeId: Uuid,
});

/** Names the creator and the assignee at the moment of the change: both are told of it. */
export const TaskStatusChanged = defineEvent('TaskStatusChanged', 1, {
  taskId: Uuid,
  projectId: Uuid,
  title: z.string(),
  from: TaskStatus,
  to: TaskStatus,
  createdBy: Uuid,
  assigneeId: Uuid.nullable(),
  actorName: z.string(),
});

/**
 * At most one per (deadline, window). `late`: issued noticeably after the window opened (see
 * `REMINDER_LATE_AFTER_MS`), e.g. the scheduler was down or the task was created inside it.
 */
export const TaskDeadlineApproaching = defineEvent('TaskDeadlineApproaching', 1, {
  taskId: Uuid,
  projectId: Uuid,
  title: z.string(),
  window: ReminderWindow,
  deadline: Instant,
  assigneeId: Uuid,
  late: z.boolean(),
});

export const TaskEvent = z.discriminatedUnion('type', [
  TaskCreated,
  TaskRenamed,
  TaskDescriptionChanged,
  TaskPrioritised,
  TaskDeadlineSet,
  TaskDeadlineCleared,
  TaskAssigned,
  TaskUnassigned,
  TaskStatusChanged,
  TaskDeadlineApproaching,
]);
export type TaskEvent = z.infer<typeof TaskEvent>;

import { z } from 'zod';
import {
  InstantInput,
  LIMITS,
  ReminderWindow,
  singleLineText,
  TaskPriority,
  TaskStatus,
  Uuid,
} from '../primitives/index.ts';

const Title = singleLineText(LIMITS.taskTitleMax);
const Description = z.string().max(LIMITS.taskDescriptionMax);

/** A new task is `todo`; status is not settable at creation, so every task's history starts there. */
export const CreateTaskBody = z.strictObject({
  projectId: Uuid,
  title: Title,
  description: Description.default(''),
  priority: TaskPriority.default('medium'),
  deadline: InstantInput.nullable().default(null),
  assigneeId: Uuid.nullable().default(null),
});
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;

/**
 * PATCH: an absent field is left alone; `null` clears `deadline` or `assigneeId`. An empty
 * body is valid and changes nothing. Descriptions are cleared with an empty string.
 */
export const UpdateTaskBody = z.strictObject({
  title: Title.optional(),
  description: Description.optional(),
  priority: TaskPriority.optional(),
  deadline: InstantInput.nullable().optional(),
  status: TaskStatus.optional(),
  assigneeId: Uuid.nullable().optional(),
});
export type UpdateTaskBody = z.infer<typeof UpdateTaskBody>;

/** `POST /internal/tasks/{id}/deadline-reminders`: the deadline the scheduler saw, so a moved one is ignored. */
export const DeadlineReminderBody = z.strictObject({
  window: ReminderWindow,
  deadline: InstantInput,
});
export type DeadlineReminderBody = z.infer<typeof DeadlineReminderBody>;

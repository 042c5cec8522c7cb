import { z } from 'zod';
import { InstantInput, Position, TaskStatus, Uuid } from '../primitives/index.ts';

/** Query strings arrive as strings: numbers and booleans are coerced, unknown keys refused. */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

const Limit = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);
const Cursor = z.string().min(1).max(512);

/** `status=todo,in_progress` → `['todo', 'in_progress']`. */
const StatusList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()))
  .pipe(z.array(TaskStatus).min(1));

export const TASK_SORTS = [
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'deadline',
  '-deadline',
  'priority',
  '-priority',
] as const;

export const TaskListQuery = z.strictObject({
  projectId: Uuid.optional(),
  assignee: z.union([z.literal('me'), Uuid]).optional(),
  status: StatusList.optional(),
  deadlineBefore: InstantInput.optional(),
  deadlineAfter: InstantInput.optional(),
  q: z.string().min(1).max(200).optional(),
  /** A leading `-` sorts descending; newest first unless asked otherwise. */
  sort: z.enum(TASK_SORTS).default('-createdAt'),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

/** `GET /api/tasks/{id}`: the task now, or as it was at a time or a revision (not both). */
export const TaskAsOfQuery = z
  .strictObject({
    asOf: InstantInput.optional(),
    revision: z.coerce.number().int().positive().optional(),
  })
  .refine((query) => query.asOf === undefined || query.revision === undefined, {
    message: 'give asOf or revision, not both',
    path: ['revision'],
  });
export type TaskAsOfQuery = z.infer<typeof TaskAsOfQuery>;

export const NotificationListQuery = z.strictObject({
  unread: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

/** `X-Min-Position`: read-your-writes. */
export const MinPositionHeader = Position;

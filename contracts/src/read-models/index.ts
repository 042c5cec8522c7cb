import { z } from 'zod';
import {
  Instant,
  Position,
  ProjectRole,
  TaskPriority,
  TaskStatus,
  UserPreferences,
  Uuid,
} from '../primitives/index.ts';

/** Response shapes: what queries and commands answer, and what the read models hold. */

/** Every command's answer: the new stream revision (the ETag) and the global position to read at. */
export const CommandAccepted = z.object({
  id: Uuid,
  revision: z.int().nonnegative(),
  position: Position,
});
export type CommandAccepted = z.infer<typeof CommandAccepted>;

/** A list page; `nextCursor` is null on the last page. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const Task = z.object({
  id: Uuid,
  projectId: Uuid,
  title: z.string(),
  description: z.string(),
  status: TaskStatus,
  priority: TaskPriority,
  deadline: Instant.nullable(),
  assigneeId: Uuid.nullable(),
  createdBy: Uuid,
  createdAt: Instant,
  updatedAt: Instant,
  revision: z.int().nonnegative(),
});
export type Task = z.infer<typeof Task>;
export const TaskPage = pageOf(Task);
export type TaskPage = z.infer<typeof TaskPage>;

export const TaskHistoryItem = z.object({
  revision: z.int().nonnegative(),
  position: Position,
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  actor: Uuid.nullable(),
  occurredAt: Instant,
});
export const TaskHistory = z.object({ items: z.array(TaskHistoryItem) });
export type TaskHistory = z.infer<typeof TaskHistory>;

export const ProjectSummary = z.object({
  id: Uuid,
  name: z.string(),
  description: z.string(),
  role: ProjectRole,
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;
export const ProjectPage = pageOf(ProjectSummary);
export type ProjectPage = z.infer<typeof ProjectPage>;

export const ProjectMember = z.object({ userId: Uuid, name: z.string(), role: ProjectRole });
export const ProjectDetail = z.object({
  id: Uuid,
  name: z.string(),
  description: z.string(),
  members: z.array(ProjectMember),
});
export type ProjectDetail = z.infer<typeof ProjectDetail>;

export const NOTIFICATION_TYPES = [
  'task.assigned',
  'task.status_changed',
  'task.deadline_approaching',
] as const;
export const NotificationType = z.enum(NOTIFICATION_TYPES);
export type NotificationType = z.infer<typeof NotificationType>;

/** The same object (same id) in the inbox, on the WebSocket and behind the email. */
export const Notification = z.object({
  id: Uuid,
  type: NotificationType,
  taskId: Uuid,
  projectId: Uuid,
  message: z.string(),
  isRead: z.boolean(),
  createdAt: Instant,
  position: Position,
  cause: z.object({ eventId: Uuid, eventType: z.string() }),
});
export type Notification = z.infer<typeof Notification>;
export const NotificationPage = pageOf(Notification);
export type NotificationPage = z.infer<typeof NotificationPage>;
export const UnreadCount = z.object({ count: z.int().nonnegative() });

export const RegisteredUser = z.object({ id: Uuid, name: z.string(), email: z.string() });
export type RegisteredUser = z.infer<typeof RegisteredUser>;
export const UserProfile = RegisteredUser.extend({ preferences: UserPreferences });
export type UserProfile = z.infer<typeof UserProfile>;

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires. */
  expiresIn: z.int().positive(),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const DeadlineScanResult = z.object({
  scanned: z.int().nonnegative(),
  reminded: z.int().nonnegative(),
});
export type DeadlineScanResult = z.infer<typeof DeadlineScanResult>;

import type {
  Actor,
  ProjectRole,
  ReminderWindow,
  TaskPriority,
  TaskStatus,
  UpdateTaskBody,
} from '@taskflow/contracts';
import { DomainNotFoundError, DomainValidationError } from '../domain-errors.ts';

/** The task decider's state, commands and the small rules its create and update paths share. */

/** The members of the task's project as its own stream says (the project decider's state fits). */
export interface ProjectMembership {
  projectId: string;
  members: ReadonlyMap<string, ProjectRole>;
}

export interface TaskFacts {
  taskId: string;
  projectId: string;
  title: string;
  description: string;
  priority: TaskPriority;
  deadline: string | null;
  assigneeId: string | null;
  createdBy: string;
  status: TaskStatus;
  /** `reminderKey(deadline, window)` of every reminder already sent. */
  remindersSent: ReadonlySet<string>;
}

export type TaskState = { exists: false } | ({ exists: true } & TaskFacts);
export type ExistingTask = Extract<TaskState, { exists: true }>;

export type TaskCommand =
  | {
      type: 'CreateTask';
      taskId: string;
      projectId: string;
      title: string;
      description: string;
      priority: TaskPriority;
      deadline: string | null;
      assigneeId: string | null;
      actor: Actor;
      project: ProjectMembership;
      now: string;
    }
  | {
      /** PATCH: absent fields stay; `null` clears deadline or assignee. */
      type: 'UpdateTask';
      taskId: string;
      changes: UpdateTaskBody;
      actor: Actor;
      project: ProjectMembership;
      now: string;
    }
  | {
      /** From the deadline scheduler (a service, not a person): no actor, no membership. */
      type: 'RemindDeadline';
      taskId: string;
      window: ReminderWindow;
      deadline: string;
      now: string;
    };

/** Same instant, whatever ISO spelling: `...T09:00Z` and `...T09:00:00.000Z` are one deadline. */
export function sameInstant(a: string | null, b: string | null): boolean {
  return a === b || (a !== null && b !== null && Date.parse(a) === Date.parse(b));
}

export function reminderKey(deadline: string, window: ReminderWindow): string {
  return `${window}@${new Date(deadline).toISOString()}`;
}

export function taskNotFound(): DomainNotFoundError {
  return new DomainNotFoundError('task_not_found', 'Task not found');
}

/** The handler loaded the wrong project: a bug to surface loudly (500), not a client error. */
export function requireSameProject(project: ProjectMembership, projectId: string): void {
  if (project.projectId !== projectId) {
    throw new Error(`membership of project ${project.projectId} passed for a task of project ${projectId}`);
  }
}

export function assigneeNotMember(): DomainValidationError {
  const message = 'The assignee must be a member of the task’s project';
  return new DomainValidationError('assignee_not_member', message, [{ path: 'assigneeId', message }]);
}

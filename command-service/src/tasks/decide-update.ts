import {
  canTransition,
  describeForbiddenTransition,
  makeEvent,
  type ProjectRole,
  type TaskEvent,
  type UpdateTaskBody,
} from '@taskflow/contracts';
import { DomainConflictError, DomainForbiddenError } from '../domain-errors.ts';
import {
  assigneeNotMember,
  type ExistingTask,
  requireSameProject,
  sameInstant,
  type TaskCommand,
  taskNotFound,
} from './task-model.ts';

/**
 * PATCH /api/tasks/{id}: each changed field becomes its own intent event, an unchanged field
 * none, so a no-op PATCH appends nothing. The events come in a fixed order, assignment before
 * status, so a status change names the assignee the task has once the PATCH is applied.
 */
export function decideUpdate(
  command: Extract<TaskCommand, { type: 'UpdateTask' }>,
  task: ExistingTask,
): TaskEvent[] {
  requireSameProject(command.project, task.projectId);
  const role = command.project.members.get(command.actor.userId);
  if (role === undefined) throw taskNotFound();
  const { changes } = command;
  authorise(role, command.actor.userId, task, changes);

  const ids = { taskId: task.taskId, projectId: task.projectId };
  const events: TaskEvent[] = [];
  const title = changes.title ?? task.title;
  if (title !== task.title) events.push(makeEvent('TaskRenamed', { ...ids, title }));
  if (changes.description !== undefined && changes.description !== task.description) {
    events.push(makeEvent('TaskDescriptionChanged', { ...ids, description: changes.description }));
  }
  if (changes.priority !== undefined && changes.priority !== task.priority) {
    events.push(makeEvent('TaskPrioritised', { ...ids, priority: changes.priority }));
  }
  if (changes.deadline !== undefined && !sameInstant(changes.deadline, task.deadline)) {
    events.push(
      changes.deadline === null
        ? makeEvent('TaskDeadlineCleared', ids)
        : makeEvent('TaskDeadlineSet', { ...ids, deadline: new Date(changes.deadline).toISOString() }),
    );
  }

  const assigneeId = changes.assigneeId === undefined ? task.assigneeId : changes.assigneeId;
  if (assigneeId !== task.assigneeId) {
    if (assigneeId === null) {
      events.push(makeEvent('TaskUnassigned', { ...ids, previousAssigneeId: task.assigneeId! }));
    } else {
      if (!command.project.members.has(assigneeId)) throw assigneeNotMember();
      const previousAssigneeId = task.assigneeId;
      events.push(
        makeEvent('TaskAssigned', {
          ...ids,
          title,
          assigneeId,
          previousAssigneeId,
          actorName: command.actor.name,
        }),
      );
    }
  }

  const to = changes.status ?? task.status;
  if (to !== task.status) {
    if (!canTransition(task.status, to)) {
      throw new DomainConflictError('status_transition', describeForbiddenTransition(task.status, to));
    }
    events.push(
      makeEvent('TaskStatusChanged', {
        ...ids,
        title,
        from: task.status,
        to,
        createdBy: task.createdBy,
        assigneeId,
        actorName: command.actor.name,
      }),
    );
  }
  return events;
}

/**
 * API.md "Who may do what": owners and managers change anything; a member edits tasks they
 * created or are assigned to, and changes the status only of tasks assigned to them. Judged on
 * the fields the PATCH names (not only those that differ), against the task before the PATCH,
 * so the same request always gets the same answer.
 */
function authorise(role: ProjectRole, actorId: string, task: ExistingTask, changes: UpdateTaskBody): void {
  if (role !== 'member') return;
  const named = (Object.keys(changes) as (keyof UpdateTaskBody)[]).filter(
    (field) => changes[field] !== undefined,
  );
  const isAssignee = task.assigneeId === actorId;
  if (named.some((field) => field !== 'status') && !isAssignee && task.createdBy !== actorId) {
    throw new DomainForbiddenError(
      'not_task_editor',
      'Members can edit only the tasks they created or are assigned to',
    );
  }
  if (named.includes('status') && !isAssignee) {
    throw new DomainForbiddenError(
      'not_task_assignee',
      'Members can change the status only of tasks assigned to them',
    );
  }
}

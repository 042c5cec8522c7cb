import {
  INITIAL_TASK_STATUS,
  isClosedStatus,
  makeEvent,
  reminderDecision,
  type TaskEvent,
} from '@taskflow/contracts';
import { assertNever, DomainConflictError, DomainNotFoundError } from '../domain-errors.ts';
import { decideUpdate } from './decide-update.ts';
import {
  assigneeNotMember,
  type ExistingTask,
  reminderKey,
  requireSameProject,
  sameInstant,
  type TaskCommand,
  type TaskState,
  taskNotFound,
} from './task-model.ts';

export * from './task-model.ts';

/**
 * The task aggregate (stream `task-<id>`). Who may act depends on the actor's role in the
 * task's project, which lives in another stream: the command handler folds the project's
 * events and passes the members in (`project`), so the rules stay here and stay pure.
 */

export const initialState: TaskState = { exists: false };

export function evolve(state: TaskState, event: TaskEvent): TaskState {
  if (event.type === 'TaskCreated') {
    const { taskId, projectId, title, description, priority, deadline, createdBy } = event.data;
    const status = INITIAL_TASK_STATUS;
    const facts = { taskId, projectId, title, description, priority, deadline, createdBy, status };
    return { exists: true, ...facts, assigneeId: null, remindersSent: new Set() };
  }
  // Decide refuses every command before creation, so a stream never starts otherwise.
  if (!state.exists) return state;
  switch (event.type) {
    case 'TaskRenamed':
      return { ...state, title: event.data.title };
    case 'TaskDescriptionChanged':
      return { ...state, description: event.data.description };
    case 'TaskPrioritised':
      return { ...state, priority: event.data.priority };
    case 'TaskDeadlineSet':
      return { ...state, deadline: event.data.deadline };
    case 'TaskDeadlineCleared':
      return { ...state, deadline: null };
    case 'TaskAssigned':
      return { ...state, assigneeId: event.data.assigneeId };
    case 'TaskUnassigned':
      return { ...state, assigneeId: null };
    case 'TaskStatusChanged':
      return { ...state, status: event.data.to };
    case 'TaskDeadlineApproaching': {
      const remindersSent = new Set(state.remindersSent).add(
        reminderKey(event.data.deadline, event.data.window),
      );
      return { ...state, remindersSent };
    }
    default:
      return assertNever(event);
  }
}

export function decide(command: TaskCommand, state: TaskState): TaskEvent[] {
  switch (command.type) {
    case 'CreateTask':
      return decideCreate(command, state);
    case 'UpdateTask':
      if (!state.exists) throw taskNotFound();
      return decideUpdate(command, state);
    case 'RemindDeadline':
      if (!state.exists) throw taskNotFound();
      return decideReminder(command, state);
    default:
      return assertNever(command);
  }
}

export const taskDecider = { initialState, evolve, decide };

function decideCreate(command: Extract<TaskCommand, { type: 'CreateTask' }>, state: TaskState): TaskEvent[] {
  if (state.exists) throw new DomainConflictError('already_exists', 'This task already exists');
  requireSameProject(command.project, command.projectId);
  // Any member may create tasks; to anyone else the project does not exist.
  if (!command.project.members.has(command.actor.userId)) {
    throw new DomainNotFoundError('project_not_found', 'Project not found');
  }
  const { taskId, projectId, title, description, priority, assigneeId, actor } = command;
  if (assigneeId !== null && !command.project.members.has(assigneeId)) throw assigneeNotMember();
  const deadline = command.deadline === null ? null : new Date(command.deadline).toISOString();
  const events: TaskEvent[] = [
    makeEvent('TaskCreated', {
      taskId,
      projectId,
      title,
      description,
      priority,
      deadline,
      createdBy: actor.userId,
    }),
  ];
  if (assigneeId !== null) {
    events.push(
      makeEvent('TaskAssigned', {
        taskId,
        projectId,
        title,
        assigneeId,
        previousAssigneeId: null,
        actorName: actor.name,
      }),
    );
  }
  return events;
}

/**
 * At most one reminder per (deadline, window), and only while it still means something: the
 * task is open, assigned, the deadline is the one the scheduler saw, and the window is due
 * (see `reminderDecision`). Anything else is not an error, just nothing to remind of.
 */
function decideReminder(
  command: Extract<TaskCommand, { type: 'RemindDeadline' }>,
  task: ExistingTask,
): TaskEvent[] {
  const { deadline, assigneeId } = task;
  if (isClosedStatus(task.status) || assigneeId === null || deadline === null) return [];
  if (!sameInstant(deadline, command.deadline)) return [];
  if (task.remindersSent.has(reminderKey(deadline, command.window))) return [];
  const decision = reminderDecision(command.window, deadline, command.now);
  if (!decision.due) return [];
  return [
    makeEvent('TaskDeadlineApproaching', {
      taskId: task.taskId,
      projectId: task.projectId,
      title: task.title,
      window: command.window,
      deadline,
      assigneeId,
      late: decision.late,
    }),
  ];
}

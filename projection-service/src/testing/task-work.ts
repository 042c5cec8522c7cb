/** The traffic generator's task model and the work done on a task (see traffic.ts). */
import {
  type DomainEvent,
  makeEvent,
  STATUS_TRANSITIONS,
  TASK_PRIORITIES,
  type TaskStatus,
  taskStream,
} from '@taskflow/contracts';

export interface User {
  id: string;
  name: string;
}
export interface Project {
  id: string;
  members: User[];
}
export interface TaskState {
  id: string;
  project: Project;
  title: string;
  createdBy: string;
  assignee: User | null;
  status: TaskStatus;
  deadline: string | null;
}

const WORDS = ['fix', 'login', 'report', 'invoice', 'deploy', 'review', 'design', 'sync', 'export', 'cache'];
export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
export const title = () =>
  `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} #${Math.floor(Math.random() * 10_000)}`;

/**
 * One thing a member does to a task they work on, in the proportions of a busy team: assign,
 * move (about 40%), rename, describe, prioritise, set or clear the deadline, unassign, or the
 * scheduler's reminder. False when the roll falls on none of those: the caller reads an inbox.
 */
export function workOn(
  task: TaskState,
  ctx: { emit: (streamId: string, event: DomainEvent, actor: string | null) => void; now: () => number },
): boolean {
  const actor = pick(task.project.members);
  const stream = taskStream(task.id);
  const base = { taskId: task.id, projectId: task.project.id };
  const roll = Math.random();
  if (task.assignee === null || roll < 0.1) {
    const assignee = pick(task.project.members);
    if (assignee === task.assignee) return true;
    const data = { ...base, title: task.title, assigneeId: assignee.id, actorName: actor.name };
    ctx.emit(
      stream,
      makeEvent('TaskAssigned', { ...data, previousAssigneeId: task.assignee?.id ?? null }),
      actor.id,
    );
    task.assignee = assignee;
  } else if (roll < 0.5) {
    const to = pick(STATUS_TRANSITIONS[task.status]);
    const data = { ...base, title: task.title, from: task.status, to, createdBy: task.createdBy };
    ctx.emit(
      stream,
      makeEvent('TaskStatusChanged', { ...data, assigneeId: task.assignee.id, actorName: actor.name }),
      actor.id,
    );
    task.status = to;
  } else if (roll < 0.6) {
    task.title = title();
    ctx.emit(stream, makeEvent('TaskRenamed', { ...base, title: task.title }), actor.id);
  } else if (roll < 0.68) {
    ctx.emit(
      stream,
      makeEvent('TaskDescriptionChanged', { ...base, description: `Now: ${title()}` }),
      actor.id,
    );
  } else if (roll < 0.74) {
    ctx.emit(stream, makeEvent('TaskPrioritised', { ...base, priority: pick(TASK_PRIORITIES) }), actor.id);
  } else if (roll < 0.8) {
    task.deadline = new Date(ctx.now() + 86_400_000 * (1 + Math.random() * 10)).toISOString();
    ctx.emit(stream, makeEvent('TaskDeadlineSet', { ...base, deadline: task.deadline }), actor.id);
  } else if (roll < 0.82 && task.deadline !== null) {
    task.deadline = null;
    ctx.emit(stream, makeEvent('TaskDeadlineCleared', base), actor.id);
  } else if (roll < 0.84) {
    ctx.emit(
      stream,
      makeEvent('TaskUnassigned', { ...base, previousAssigneeId: task.assignee.id }),
      actor.id,
    );
    task.assignee = null;
  } else if (roll < 0.88 && task.deadline !== null) {
    const data = { ...base, title: task.title, deadline: task.deadline, assigneeId: task.assignee.id };
    ctx.emit(
      stream,
      makeEvent('TaskDeadlineApproaching', { ...data, window: pick(['24h', '1h'] as const), late: false }),
      null,
    );
  } else {
    return false;
  }
  return true;
}

import {
  type Actor,
  makeEvent,
  type ProjectRole,
  type TaskEvent,
  type UpdateTaskBody,
} from '@taskflow/contracts';
import type { ProjectMembership, TaskCommand } from './task-model.ts';

/**
 * One project with one of each kind of person, for the task decider's tests: Olivia owns it,
 * Max manages it, Mia created the task, Sam is assigned to it, Nora is just a member, and
 * Xavier is not in the project at all.
 */
export const PROJECT = '22222222-2222-4222-8222-222222222222';
export const TASK = '11111111-1111-4111-8111-111111111111';
export const NOW = '2030-01-01T09:00:00.000Z';
export const DEADLINE = '2030-01-02T09:00:00.000Z';

const person = (digit: string, name: string): Actor => ({
  userId: `${digit.repeat(8)}-${digit.repeat(4)}-4${digit.repeat(3)}-8${digit.repeat(3)}-${digit.repeat(12)}`,
  name,
});
export const people = {
  olivia: person('a', 'Olivia'),
  max: person('b', 'Max'),
  mia: person('c', 'Mia'),
  sam: person('d', 'Sam'),
  nora: person('e', 'Nora'),
  xavier: person('f', 'Xavier'),
};
export type Person = keyof typeof people;

const ROLES: [Person, ProjectRole][] = [
  ['olivia', 'owner'],
  ['max', 'manager'],
  ['mia', 'member'],
  ['sam', 'member'],
  ['nora', 'member'],
];
export const project: ProjectMembership = {
  projectId: PROJECT,
  members: new Map(ROLES.map(([who, role]) => [people[who].userId, role])),
};

export const ids = { taskId: TASK, projectId: PROJECT };

export const taskCreated = makeEvent('TaskCreated', {
  ...ids,
  title: 'Fix login',
  description: 'It fails on Safari',
  priority: 'medium',
  deadline: DEADLINE,
  createdBy: people.mia.userId,
});

export const assignedTo = (
  who: Person,
  actor: Person = 'olivia',
  previous: Person | null = null,
): TaskEvent =>
  makeEvent('TaskAssigned', {
    ...ids,
    title: 'Fix login',
    assigneeId: people[who].userId,
    previousAssigneeId: previous === null ? null : people[previous].userId,
    actorName: people[actor].name,
  });

/** Created by Mia, assigned to Sam, status todo, deadline DEADLINE. */
export const samsTask: TaskEvent[] = [taskCreated, assignedTo('sam')];

export const update = (actor: Person, changes: UpdateTaskBody): TaskCommand => ({
  type: 'UpdateTask',
  taskId: TASK,
  changes,
  actor: people[actor],
  project,
  now: NOW,
});

export const statusChanged = (
  from: 'todo' | 'in_progress' | 'blocked' | 'done' | 'cancelled',
  to: typeof from,
  actor: Person,
  assignee: Person | null = 'sam',
): TaskEvent =>
  makeEvent('TaskStatusChanged', {
    ...ids,
    title: 'Fix login',
    from,
    to,
    createdBy: people.mia.userId,
    assigneeId: assignee === null ? null : people[assignee].userId,
    actorName: people[actor].name,
  });

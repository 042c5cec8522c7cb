import { makeEvent, type ReminderWindow, type TaskEvent } from '@taskflow/contracts';
import { fold, given } from '@taskflow/contracts/testing';
import { describe, expect, it } from 'vitest';
import { DomainConflictError, DomainNotFoundError, DomainValidationError } from '../domain-errors.ts';
import {
  assignedTo,
  DEADLINE,
  ids,
  NOW,
  type Person,
  people,
  project,
  samsTask,
  statusChanged,
  TASK,
  taskCreated,
} from './decider.fixtures.ts';
import { type TaskCommand, taskDecider } from './decider.ts';

const create = (
  actor: Person,
  overrides: Partial<Extract<TaskCommand, { type: 'CreateTask' }>> = {},
): TaskCommand => ({
  type: 'CreateTask',
  ...ids,
  title: 'Fix login',
  description: 'It fails on Safari',
  priority: 'medium',
  deadline: DEADLINE,
  assigneeId: null,
  actor: people[actor],
  project,
  now: NOW,
  ...overrides,
});

describe('CreateTask', () => {
  it('lets any member create a task, unassigned and todo', () => {
    given(taskDecider).when(create('mia')).thenEvents([taskCreated]);
    expect(fold(taskDecider, [taskCreated])).toMatchObject({
      exists: true,
      status: 'todo',
      assigneeId: null,
    });
  });

  it('announces an assignee given at creation as an assignment, so they are notified', () => {
    given(taskDecider)
      .when(create('mia', { assigneeId: people.sam.userId }))
      .thenEvents([taskCreated, assignedTo('sam', 'mia')]);
  });

  it('stores the deadline in canonical UTC', () => {
    const [first] = given(taskDecider)
      .when(create('mia', { deadline: '2030-01-02T10:00:00+01:00' }))
      .events();
    expect(first).toEqual(taskCreated);
  });

  it('hides the project from someone outside it', () => {
    given(taskDecider).when(create('xavier')).thenError(DomainNotFoundError, { reason: 'project_not_found' });
  });

  it('refuses an assignee who is not a member, naming the field', () => {
    given(taskDecider)
      .when(create('olivia', { assigneeId: people.xavier.userId }))
      .thenError(DomainValidationError, { reason: 'assignee_not_member', errors: [{ path: 'assigneeId' }] });
  });

  it('refuses to create the same task twice', () => {
    given(taskDecider, [taskCreated])
      .when(create('mia'))
      .thenError(DomainConflictError, { reason: 'already_exists' });
  });

  it('treats membership of another project as a bug, not a client error', () => {
    const wrongProject = { ...project, projectId: '99999999-9999-4999-8999-999999999999' };
    expect(() =>
      taskDecider.decide(create('mia', { project: wrongProject }), taskDecider.initialState),
    ).toThrow(/membership of project/);
  });
});

describe('RemindDeadline', () => {
  const hoursBefore = (hours: number) => new Date(Date.parse(DEADLINE) - hours * 3_600_000).toISOString();
  const remind = (window: ReminderWindow, now: string, deadline = DEADLINE): TaskCommand => ({
    type: 'RemindDeadline',
    taskId: TASK,
    window,
    deadline,
    now,
  });
  const reminder = (window: ReminderWindow, late = false): TaskEvent =>
    makeEvent('TaskDeadlineApproaching', {
      ...ids,
      title: 'Fix login',
      window,
      deadline: DEADLINE,
      assigneeId: people.sam.userId,
      late,
    });

  it('reminds the assignee once the 24 h window opens', () => {
    given(taskDecider, samsTask)
      .when(remind('24h', hoursBefore(23.99)))
      .thenEvents([reminder('24h')]);
  });

  it('reminds at most once per deadline and window', () => {
    given(taskDecider, [...samsTask, reminder('24h')])
      .when(remind('24h', hoursBefore(20)))
      .thenNothing();
  });

  it('still sends the 1 h reminder after the 24 h one', () => {
    given(taskDecider, [...samsTask, reminder('24h')])
      .when(remind('1h', hoursBefore(0.99)))
      .thenEvents([reminder('1h')]);
  });

  it('marks a reminder sent long after its window opened as late', () => {
    given(taskDecider, samsTask)
      .when(remind('24h', hoursBefore(10)))
      .thenEvents([reminder('24h', true)]);
  });

  it('sends no 24 h reminder when the deadline is under an hour away: the 1 h one covers it', () => {
    given(taskDecider, samsTask)
      .when(remind('24h', hoursBefore(0.5)))
      .thenNothing();
  });

  it('sends nothing before the window opens or after the deadline', () => {
    given(taskDecider, samsTask)
      .when(remind('1h', hoursBefore(2)))
      .thenNothing();
    given(taskDecider, samsTask)
      .when(remind('1h', hoursBefore(-1)))
      .thenNothing();
  });

  it('ignores a deadline that has moved since the scheduler looked', () => {
    given(taskDecider, samsTask)
      .when(remind('1h', hoursBefore(0.5), '2030-01-05T09:00:00.000Z'))
      .thenNothing();
  });

  it('knows the deadline in any ISO spelling', () => {
    given(taskDecider, samsTask)
      .when(remind('1h', hoursBefore(0.99), '2030-01-02T10:00+01:00'))
      .thenEvents([reminder('1h')]);
  });

  it('reminds again for a new deadline', () => {
    const moved = makeEvent('TaskDeadlineSet', { ...ids, deadline: '2030-01-03T09:00:00.000Z' });
    const events = given(taskDecider, [...samsTask, reminder('24h'), moved])
      .when(remind('24h', '2030-01-02T09:01:00.000Z', '2030-01-03T09:00:00.000Z'))
      .events();
    expect(events.map((event) => event.type === 'TaskDeadlineApproaching' && event.data.deadline)).toEqual([
      '2030-01-03T09:00:00.000Z',
    ]);
  });

  it.each(['done', 'cancelled'] as const)('sends nothing for a %s task', (status) => {
    given(taskDecider, [...samsTask, statusChanged('todo', status, 'sam')])
      .when(remind('1h', hoursBefore(0.5)))
      .thenNothing();
  });

  it('sends nothing for an unassigned task: there is nobody to remind', () => {
    given(taskDecider, [taskCreated])
      .when(remind('1h', hoursBefore(0.5)))
      .thenNothing();
  });

  it('answers not found for an unknown task', () => {
    given(taskDecider)
      .when(remind('1h', hoursBefore(0.5)))
      .thenError(DomainNotFoundError, { reason: 'task_not_found' });
  });
});

describe('evolve', () => {
  it('folds every kind of change into the task as it now is', () => {
    const state = fold(taskDecider, [
      ...samsTask,
      makeEvent('TaskRenamed', { ...ids, title: 'Fix sign-in' }),
      makeEvent('TaskDescriptionChanged', { ...ids, description: '' }),
      makeEvent('TaskPrioritised', { ...ids, priority: 'urgent' }),
      makeEvent('TaskDeadlineCleared', ids),
      makeEvent('TaskUnassigned', { ...ids, previousAssigneeId: people.sam.userId }),
      statusChanged('todo', 'blocked', 'max', null),
    ]);
    expect(state).toEqual({
      exists: true,
      ...ids,
      title: 'Fix sign-in',
      description: '',
      priority: 'urgent',
      deadline: null,
      assigneeId: null,
      createdBy: people.mia.userId,
      status: 'blocked',
      remindersSent: new Set(),
    });
  });
});

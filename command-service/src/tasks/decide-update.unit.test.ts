import { makeEvent } from '@taskflow/contracts';
import { given } from '@taskflow/contracts/testing';
import { describe, expect, it } from 'vitest';
import {
  DomainConflictError,
  DomainForbiddenError,
  DomainNotFoundError,
  DomainValidationError,
} from '../domain-errors.ts';
import {
  assignedTo,
  ids,
  type Person,
  people,
  samsTask,
  statusChanged,
  taskCreated,
  update,
} from './decider.fixtures.ts';
import { taskDecider } from './decider.ts';

describe('UpdateTask: one intent event per changed field', () => {
  it('renames, re-describes and re-prioritises', () => {
    given(taskDecider, samsTask)
      .when(update('max', { title: 'Fix sign-in', description: 'Safari 17', priority: 'high' }))
      .thenEvents([
        makeEvent('TaskRenamed', { ...ids, title: 'Fix sign-in' }),
        makeEvent('TaskDescriptionChanged', { ...ids, description: 'Safari 17' }),
        makeEvent('TaskPrioritised', { ...ids, priority: 'high' }),
      ]);
  });

  it('moves a deadline, in canonical UTC, and clears it with null', () => {
    given(taskDecider, samsTask)
      .when(update('max', { deadline: '2030-01-03T10:00:00+01:00' }))
      .thenEvents([makeEvent('TaskDeadlineSet', { ...ids, deadline: '2030-01-03T09:00:00.000Z' })]);
    given(taskDecider, samsTask)
      .when(update('max', { deadline: null }))
      .thenEvents([makeEvent('TaskDeadlineCleared', ids)]);
  });

  it('reassigns, naming the previous assignee', () => {
    given(taskDecider, samsTask)
      .when(update('max', { assigneeId: people.nora.userId }))
      .thenEvents([assignedTo('nora', 'max', 'sam')]);
  });

  it('unassigns with null', () => {
    given(taskDecider, samsTask)
      .when(update('max', { assigneeId: null }))
      .thenEvents([makeEvent('TaskUnassigned', { ...ids, previousAssigneeId: people.sam.userId })]);
  });

  it('changes status, naming creator and assignee', () => {
    given(taskDecider, samsTask)
      .when(update('sam', { status: 'in_progress' }))
      .thenEvents([statusChanged('todo', 'in_progress', 'sam')]);
  });

  it('puts the assignment before the status change, which names the new assignee and title', () => {
    const events = given(taskDecider, samsTask)
      .when(update('olivia', { status: 'done', assigneeId: people.nora.userId, title: 'Fix sign-in' }))
      .events();
    expect(events.map((event) => event.type)).toEqual(['TaskRenamed', 'TaskAssigned', 'TaskStatusChanged']);
    expect(events[2]?.data).toMatchObject({
      assigneeId: people.nora.userId,
      title: 'Fix sign-in',
      to: 'done',
    });
  });
});

describe('UpdateTask: nothing changes, nothing is appended', () => {
  it('appends nothing for an empty PATCH', () => {
    given(taskDecider, samsTask).when(update('nora', {})).thenNothing();
  });

  it('appends nothing when every field already has that value', () => {
    given(taskDecider, samsTask)
      .when(
        update('max', {
          title: 'Fix login',
          description: 'It fails on Safari',
          priority: 'medium',
          deadline: '2030-01-02T10:00:00+01:00',
          status: 'todo',
          assigneeId: people.sam.userId,
        }),
      )
      .thenNothing();
  });

  it('appends only the field that differs', () => {
    given(taskDecider, samsTask)
      .when(update('max', { title: 'Fix login', priority: 'low' }))
      .thenEvents([makeEvent('TaskPrioritised', { ...ids, priority: 'low' })]);
  });
});

describe('UpdateTask: the status workflow', () => {
  it('refuses a forbidden move with a 409 that says what is allowed', () => {
    given(taskDecider, [...samsTask, statusChanged('todo', 'cancelled', 'sam')])
      .when(update('sam', { status: 'done' }))
      .thenError(DomainConflictError, {
        reason: 'status_transition',
        message: 'A task cannot move from cancelled to done; from cancelled it can move to: todo',
      });
  });

  it('reopens done work', () => {
    given(taskDecider, [...samsTask, statusChanged('todo', 'done', 'sam')])
      .when(update('sam', { status: 'todo' }))
      .thenEvents([statusChanged('done', 'todo', 'sam')]);
  });

  it('appends nothing of a PATCH that is refused in part', () => {
    given(taskDecider, [...samsTask, statusChanged('todo', 'blocked', 'sam')])
      .when(update('max', { title: 'Renamed', status: 'done' }))
      .thenError(DomainConflictError, { reason: 'status_transition' });
  });
});

describe('UpdateTask: who may do what', () => {
  const cases: [
    Person,
    'title' | 'status' | 'assignee',
    'allowed' | 'not_task_editor' | 'not_task_assignee',
  ][] = [
    ['olivia', 'title', 'allowed'],
    ['olivia', 'status', 'allowed'],
    ['max', 'assignee', 'allowed'],
    ['max', 'status', 'allowed'],
    ['mia', 'title', 'allowed'],
    ['mia', 'assignee', 'allowed'],
    ['mia', 'status', 'not_task_assignee'],
    ['sam', 'title', 'allowed'],
    ['sam', 'status', 'allowed'],
    ['nora', 'title', 'not_task_editor'],
    ['nora', 'assignee', 'not_task_editor'],
    ['nora', 'status', 'not_task_assignee'],
  ];
  const changeOf = {
    title: { title: 'Renamed' },
    status: { status: 'in_progress' as const },
    assignee: { assigneeId: null },
  };

  it.each(cases)('%s changing the %s: %s', (actor, field, outcome) => {
    const when = given(taskDecider, samsTask).when(update(actor, changeOf[field]));
    if (outcome === 'allowed') expect(when.events()).toHaveLength(1);
    else when.thenError(DomainForbiddenError, { reason: outcome });
  });

  it('judges the fields named, so an unchanged value from a member without rights is still refused', () => {
    given(taskDecider, samsTask)
      .when(update('nora', { title: 'Fix login' }))
      .thenError(DomainForbiddenError, {
        reason: 'not_task_editor',
      });
  });

  it('does not let the creator change status while someone else is assigned', () => {
    given(taskDecider, samsTask)
      .when(update('mia', { assigneeId: people.mia.userId, status: 'in_progress' }))
      .thenError(DomainForbiddenError, { reason: 'not_task_assignee' });
  });

  it('lets the creator change status once assigned to them', () => {
    given(taskDecider, [...samsTask, assignedTo('mia', 'mia', 'sam')])
      .when(update('mia', { status: 'in_progress' }))
      .thenEvents([statusChanged('todo', 'in_progress', 'mia', 'mia')]);
  });

  it('hides the task from someone outside the project', () => {
    given(taskDecider, samsTask)
      .when(update('xavier', {}))
      .thenError(DomainNotFoundError, { reason: 'task_not_found' });
  });

  it('answers not found for a task that does not exist', () => {
    given(taskDecider)
      .when(update('olivia', { title: 'x' }))
      .thenError(DomainNotFoundError, { reason: 'task_not_found' });
  });

  it('refuses to assign someone outside the project', () => {
    given(taskDecider, [taskCreated])
      .when(update('olivia', { assigneeId: people.xavier.userId }))
      .thenError(DomainValidationError, { reason: 'assignee_not_member' });
  });
});

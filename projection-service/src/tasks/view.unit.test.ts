import { makeEvent, type TaskEvent } from '@taskflow/contracts';
import { SAMPLE_EVENT_DATA } from '@taskflow/contracts/testing';
import { describe, expect, it } from 'vitest';
import { evolveTaskView } from './view.ts';

const at = (revision: number, occurredAt = `2030-01-0${revision + 1}T00:00:00.000Z`) => ({
  revision,
  occurredAt,
});
const created = makeEvent('TaskCreated', SAMPLE_EVENT_DATA.TaskCreated);
const fold = (events: TaskEvent[]) =>
  events.reduce<ReturnType<typeof evolveTaskView>>(
    (view, event, revision) => evolveTaskView(view, event, at(revision)),
    null,
  );

describe('evolveTaskView (the one fold of task events)', () => {
  it('given TaskCreated, then the view is a todo, unassigned task at revision 0 created and updated then', () => {
    expect(evolveTaskView(null, created, at(0))).toEqual({
      id: SAMPLE_EVENT_DATA.TaskCreated.taskId,
      projectId: SAMPLE_EVENT_DATA.TaskCreated.projectId,
      title: 'Fix login',
      description: 'It fails',
      status: 'todo',
      priority: 'high',
      deadline: '2030-01-02T09:00:00.000Z',
      assigneeId: null,
      createdBy: SAMPLE_EVENT_DATA.TaskCreated.createdBy,
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
      revision: 0,
    });
  });

  it('given each edit, then exactly its field changes along with revision and updatedAt', () => {
    const cases: [TaskEvent, Record<string, unknown>][] = [
      [makeEvent('TaskRenamed', SAMPLE_EVENT_DATA.TaskRenamed), { title: 'Fix sign-in' }],
      [makeEvent('TaskDescriptionChanged', SAMPLE_EVENT_DATA.TaskDescriptionChanged), { description: '' }],
      [makeEvent('TaskPrioritised', SAMPLE_EVENT_DATA.TaskPrioritised), { priority: 'urgent' }],
      [
        makeEvent('TaskDeadlineSet', {
          ...SAMPLE_EVENT_DATA.TaskDeadlineSet,
          deadline: '2031-05-05T10:00:00.000Z',
        }),
        { deadline: '2031-05-05T10:00:00.000Z' },
      ],
      [makeEvent('TaskDeadlineCleared', SAMPLE_EVENT_DATA.TaskDeadlineCleared), { deadline: null }],
      [
        makeEvent('TaskAssigned', SAMPLE_EVENT_DATA.TaskAssigned),
        { assigneeId: SAMPLE_EVENT_DATA.TaskAssigned.assigneeId },
      ],
      [makeEvent('TaskStatusChanged', SAMPLE_EVENT_DATA.TaskStatusChanged), { status: 'in_progress' }],
    ];
    const base = fold([created]);
    for (const [event, change] of cases) {
      expect(evolveTaskView(base, event, at(1)), event.type).toEqual({
        ...base,
        ...change,
        revision: 1,
        updatedAt: '2030-01-02T00:00:00.000Z',
      });
    }
    const assigned = fold([created, makeEvent('TaskAssigned', SAMPLE_EVENT_DATA.TaskAssigned)]);
    expect(
      evolveTaskView(assigned, makeEvent('TaskUnassigned', SAMPLE_EVENT_DATA.TaskUnassigned), at(2)),
    ).toMatchObject({
      assigneeId: null,
      revision: 2,
    });
  });

  it('given a deadline reminder, then only the revision moves', () => {
    const base = fold([created]);
    const reminded = evolveTaskView(
      base,
      makeEvent('TaskDeadlineApproaching', SAMPLE_EVENT_DATA.TaskDeadlineApproaching),
      at(1),
    );
    expect(reminded).toEqual({ ...base, revision: 1 });
  });

  it('given an event at or below the view’s revision, then the view is returned unchanged (redelivery)', () => {
    const renamed = fold([created, makeEvent('TaskRenamed', SAMPLE_EVENT_DATA.TaskRenamed)]);
    const again = makeEvent('TaskRenamed', { ...SAMPLE_EVENT_DATA.TaskRenamed, title: 'Stale' });
    expect(evolveTaskView(renamed, again, at(1))).toBe(renamed);
    expect(evolveTaskView(renamed, created, at(0))).toBe(renamed);
  });

  it('given an edit of a task never created, then there is no view', () => {
    expect(evolveTaskView(null, makeEvent('TaskRenamed', SAMPLE_EVENT_DATA.TaskRenamed), at(1))).toBeNull();
  });
});

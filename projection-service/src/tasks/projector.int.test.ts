import { makeEvent, type Task, taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';
import { taskColumns } from './rows.ts';

describe('tasks projector (real PostgreSQL)', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    const given = scenario(h);
    alice = await given.user('Alice');
    bob = await given.user('Bob');
    projectId = await given.project(alice);
  });
  afterAll(async () => h.close());

  const row = async (id: string) =>
    (await h.sql.query<Task>(`SELECT ${taskColumns('t')} FROM read.tasks t WHERE t.id = $1`, [id])).rows[0];

  it('given a task created then edited in every way, when projected, then its row holds the folded state', async () => {
    const t0 = '2030-01-01T10:00:00.000Z';
    const t1 = '2030-01-01T11:00:00.000Z';
    const task = await scenario(h).task(projectId, alice, {
      title: 'Fix login',
      description: 'It fails',
      priority: 'high',
      deadline: '2030-02-01T09:00:00.000Z',
      occurredAt: t0,
    });
    const ref = { taskId: task.id, projectId };
    await h.append(
      taskStream(task.id),
      [
        makeEvent('TaskRenamed', { ...ref, title: 'Fix sign-in' }),
        makeEvent('TaskDescriptionChanged', { ...ref, description: 'Safari only' }),
        makeEvent('TaskPrioritised', { ...ref, priority: 'urgent' }),
        makeEvent('TaskDeadlineSet', { ...ref, deadline: '2030-03-01T09:00:00.000Z' }),
        makeEvent('TaskAssigned', {
          ...ref,
          title: 'Fix sign-in',
          assigneeId: bob.id,
          previousAssigneeId: null,
          actorName: 'Alice',
        }),
        makeEvent('TaskStatusChanged', {
          ...ref,
          title: 'Fix sign-in',
          from: 'todo',
          to: 'in_progress',
          createdBy: alice.id,
          assigneeId: bob.id,
          actorName: 'Alice',
        }),
      ],
      { actor: alice.id, occurredAt: t1 },
    );

    await h.catchUp();

    expect(await row(task.id)).toEqual({
      id: task.id,
      projectId,
      title: 'Fix sign-in',
      description: 'Safari only',
      status: 'in_progress',
      priority: 'urgent',
      deadline: '2030-03-01T09:00:00.000Z',
      assigneeId: bob.id,
      createdBy: alice.id,
      createdAt: t0,
      updatedAt: t1,
      revision: 7,
    });
  });

  it('given a deadline cleared and the assignee removed, when projected, then both are null', async () => {
    const task = await scenario(h).task(projectId, alice, {
      deadline: '2030-02-01T09:00:00.000Z',
      assignee: bob,
    });
    await h.append(taskStream(task.id), [
      makeEvent('TaskDeadlineCleared', { taskId: task.id, projectId }),
      makeEvent('TaskUnassigned', { taskId: task.id, projectId, previousAssigneeId: bob.id }),
    ]);
    await h.catchUp();
    expect(await row(task.id)).toMatchObject({ deadline: null, assigneeId: null, revision: 4 });
  });

  it('given a deadline reminder, when projected, then the revision moves, updatedAt stays and the reminder is recorded', async () => {
    const deadline = '2030-02-01T09:00:00.000Z';
    const task = await scenario(h).task(projectId, alice, {
      deadline,
      assignee: bob,
      occurredAt: '2030-01-01T00:00:00.000Z',
    });
    await h.append(
      taskStream(task.id),
      [
        makeEvent('TaskDeadlineApproaching', {
          taskId: task.id,
          projectId,
          title: task.title,
          window: '24h',
          deadline,
          assigneeId: bob.id,
          late: false,
        }),
      ],
      { occurredAt: '2030-01-31T09:01:00.000Z' },
    );
    await h.catchUp();
    expect(await row(task.id)).toMatchObject({ revision: 3, updatedAt: '2030-01-01T00:00:00.000Z' });
    const { rows } = await h.sql.query(
      `SELECT reminder_window FROM read.task_reminders WHERE task_id = $1 AND deadline = $2`,
      [task.id, deadline],
    );
    expect(rows).toEqual([{ reminder_window: '24h' }]);
  });

  it('given a title and description, when projected, then the search vector matches stemmed words of both', async () => {
    const task = await scenario(h).task(projectId, alice, {
      title: 'Migrating databases',
      description: 'Quickly',
    });
    await h.catchUp();
    const { rows } = await h.sql.query<{ id: string }>(
      `SELECT id FROM read.tasks WHERE search @@ websearch_to_tsquery('english', 'migrate database quick')`,
    );
    expect(rows.map((r) => r.id)).toEqual([task.id]);
  });
});

import { makeEvent, type Task, taskStream } from '@taskflow/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../testing/app.ts';
import type { Harness } from '../testing/harness.ts';
import { scenario, type TestTask, type TestUser } from '../testing/scenario.ts';
import { useTaskWorld } from '../testing/task-world.ts';

describe('GET /api/tasks/{id}, now and as it was (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let projectA: string;
  let secret: TestTask;
  const tasks: TestTask[] = [];

  const world = useTaskWorld();
  beforeAll(() => {
    ({ h, t, alice, bob, projectA, secret } = world);
    tasks.push(...world.tasks);
  });

  it('given a visible task, when fetched, then it comes with its revision as ETag and If-None-Match gives 304', async () => {
    const response = await t.get(`/api/tasks/${tasks[0]!.id}`, bob);
    expect(response.statusCode).toBe(200);
    const task = response.json() as Task;
    expect(task).toMatchObject({
      id: tasks[0]!.id,
      title: 'Fix login page',
      status: 'in_progress',
      revision: 3,
      assigneeId: bob.id,
    });
    expect(response.headers.etag).toBe('"3"');
    const again = await t.get(`/api/tasks/${tasks[0]!.id}`, bob, { 'if-none-match': '"3"' });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('given a task in a project the caller is not in, or an unknown id, when fetched, then 404; a malformed id is 400', async () => {
    expect((await t.get(`/api/tasks/${secret.id}`, alice)).statusCode).toBe(404);
    expect((await t.get(`/api/tasks/${tasks[4]!.id}`, bob)).statusCode).toBe(404);
    expect((await t.get(`/api/tasks/${crypto.randomUUID()}`, alice)).statusCode).toBe(404);
    expect((await t.get('/api/tasks/not-a-uuid', alice)).statusCode).toBe(400);
  });

  it('given a task edited over time, when asked at a revision or a time, then it is folded from its events as it was then', async () => {
    const task = await scenario(h).task(projectA, alice, {
      title: 'Old title',
      occurredAt: '2032-01-01T00:00:00.000Z',
    });
    await h.append(
      taskStream(task.id),
      [makeEvent('TaskRenamed', { taskId: task.id, projectId: projectA, title: 'New title' })],
      {
        occurredAt: '2032-01-02T00:00:00.000Z',
      },
    );
    await h.append(
      taskStream(task.id),
      [makeEvent('TaskPrioritised', { taskId: task.id, projectId: projectA, priority: 'urgent' })],
      {
        occurredAt: '2032-01-03T00:00:00.000Z',
      },
    );
    await h.catchUp();
    const at = async (query: string) => t.get(`/api/tasks/${task.id}${query}`, alice);

    // Public revisions count events: the task as created is revision 1.
    const r1 = await at('?revision=1');
    expect(r1.json()).toMatchObject({ title: 'Old title', priority: 'medium', revision: 1 });
    expect(r1.headers.etag).toBe('"1"');
    expect((await at('?revision=2')).json()).toMatchObject({
      title: 'New title',
      priority: 'medium',
      revision: 2,
    });
    expect((await at('?asOf=2032-01-02T12:00:00Z')).json()).toMatchObject({
      title: 'New title',
      revision: 2,
      updatedAt: '2032-01-02T00:00:00.000Z',
    });
    expect((await at('?asOf=2032-01-01T00:00:00.000Z')).json()).toMatchObject({
      title: 'Old title',
      revision: 1,
    });
    // The fold of the whole stream is exactly the projected row: one piece of code.
    expect((await at('?revision=3')).json()).toEqual((await at('')).json());
    expect((await at('?revision=4')).statusCode).toBe(404);
    expect((await at('?asOf=2031-12-31T00:00:00Z')).statusCode).toBe(404);
    expect((await at('?revision=1&asOf=2032-01-02T12:00:00Z')).statusCode).toBe(400);
    expect((await at('?revision=0')).statusCode).toBe(400);
    expect((await t.get(`/api/tasks/${secret.id}?revision=1`, alice)).statusCode).toBe(404);
  });
});

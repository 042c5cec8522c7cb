import { makeEvent, type Task, type TaskPage, taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestTask, type TestUser } from '../testing/scenario.ts';

describe('GET /api/tasks/{id}, now and as it was (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let projectA: string;
  let projectB: string;
  let secret: TestTask;
  const tasks: TestTask[] = [];

  beforeAll(async () => {
    h = await createHarness();
    const given = scenario(h);
    alice = await given.user('Alice');
    bob = await given.user('Bob');
    mallory = await given.user('Mallory');
    projectA = await given.project(alice, 'A');
    projectB = await given.project(alice, 'B');
    await given.addMember(projectA, bob, 'member', alice);
    const spec = [
      {
        title: 'Fix login page',
        priority: 'urgent',
        deadline: '2030-01-05T00:00:00.000Z',
        assignee: bob,
        project: projectA,
      },
      {
        title: 'Write release notes',
        priority: 'low',
        deadline: null,
        assignee: undefined,
        project: projectA,
      },
      {
        title: 'Migrate the database',
        priority: 'high',
        deadline: '2030-01-02T00:00:00.000Z',
        assignee: alice,
        project: projectA,
      },
      {
        title: 'Design login flow',
        priority: 'medium',
        deadline: '2030-01-09T00:00:00.000Z',
        assignee: bob,
        project: projectA,
      },
      {
        title: 'Budget',
        priority: 'high',
        deadline: '2030-01-03T00:00:00.000Z',
        assignee: alice,
        project: projectB,
      },
    ] as const;
    for (const [i, s] of spec.entries()) {
      tasks.push(
        await given.task(s.project, alice, {
          title: s.title,
          description: i === 1 ? 'mention the login fix' : '',
          priority: s.priority,
          deadline: s.deadline,
          ...(s.assignee ? { assignee: s.assignee } : {}),
          occurredAt: `2029-12-0${i + 1}T00:00:00.000Z`,
        }),
      );
    }
    await given.moveTask(tasks[0]!, 'in_progress', bob, '2029-12-20T00:00:00.000Z');
    await given.moveTask(tasks[3]!, 'blocked', bob, '2029-12-21T00:00:00.000Z');
    const other = await given.project(mallory, 'Secret');
    secret = await given.task(other, mallory, { title: 'Secret plan' });
    await h.catchUp();
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  const _titles = async (query: string, as: TestUser = alice) => {
    const response = await t.get(`/api/tasks${query}`, as);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as TaskPage).items.map((task) => task.title);
  };

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

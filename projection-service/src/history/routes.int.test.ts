import { makeEvent, type TaskHistory, taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestTask, type TestUser } from '../testing/scenario.ts';

describe('GET /api/tasks/{id}/history (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let task: TestTask;

  beforeAll(async () => {
    h = await createHarness();
    const given = scenario(h);
    alice = await given.user('Alice');
    bob = await given.user('Bob');
    mallory = await given.user('Mallory');
    const project = await given.project(alice);
    await given.addMember(project, bob, 'member', alice);
    task = await given.task(project, alice, {
      title: 'Audit me',
      assignee: bob,
      occurredAt: '2030-01-01T00:00:00.000Z',
    });
    await given.moveTask(task, 'in_progress', bob, '2030-01-02T00:00:00.000Z');
    await h.append(
      taskStream(task.id),
      [makeEvent('TaskRenamed', { taskId: task.id, projectId: project, title: 'Audited' })],
      {
        actor: null,
        occurredAt: '2030-01-03T00:00:00.000Z',
      },
    );
    await h.catchUp();
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  it('given a task with events by several actors, when a member asks for its history, then every event comes as recorded, oldest first', async () => {
    const response = await t.get(`/api/tasks/${task.id}/history`, bob);
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as TaskHistory;
    const recorded = await h.eventStore.readStream(taskStream(task.id));
    expect(items).toEqual(
      recorded.map((event) => ({
        revision: event.revision + 1,
        position: event.position,
        type: event.type,
        data: event.data,
        actor: event.metadata.actor,
        occurredAt: event.metadata.occurredAt,
      })),
    );
    expect(items.map((item) => [item.type, item.actor, item.occurredAt])).toEqual([
      ['TaskCreated', alice.id, '2030-01-01T00:00:00.000Z'],
      ['TaskAssigned', alice.id, '2030-01-01T00:00:00.000Z'],
      ['TaskStatusChanged', bob.id, '2030-01-02T00:00:00.000Z'],
      ['TaskRenamed', null, '2030-01-03T00:00:00.000Z'],
    ]);
  });

  it('given someone outside the task’s project, when they ask for its history, then 404 (BOLA); unknown params are 400', async () => {
    const response = await t.get(`/api/tasks/${task.id}/history`, mallory);
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('Audit');
    expect((await t.get(`/api/tasks/${crypto.randomUUID()}/history`, alice)).statusCode).toBe(404);
    expect((await t.get(`/api/tasks/${task.id}/history?from=2`, alice)).statusCode).toBe(400);
  });
});

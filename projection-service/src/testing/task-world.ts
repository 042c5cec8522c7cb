import { afterAll, beforeAll } from 'vitest';
import { createTestApp, type TestApp } from './app.ts';
import { createHarness, type Harness } from './harness.ts';
import { scenario, type TestTask, type TestUser } from './scenario.ts';

/**
 * Five tasks in Alice's projects A and B (Bob a member of A) and Mallory's secret one: the world
 * the task list and task-by-id suites both query. Call inside a describe; fields fill in beforeAll.
 */
export interface TaskWorld {
  h: Harness;
  t: TestApp;
  alice: TestUser;
  bob: TestUser;
  mallory: TestUser;
  projectA: string;
  projectB: string;
  secret: TestTask;
  tasks: TestTask[];
}

export function useTaskWorld(): TaskWorld {
  const world = { tasks: [] as TestTask[] } as unknown as TaskWorld;
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let projectA: string;
  let projectB: string;
  let secret: TestTask;
  const tasks = world.tasks;

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
    Object.assign(world, { h, t, alice, bob, mallory, projectA, projectB, secret });
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });
  return world;
}

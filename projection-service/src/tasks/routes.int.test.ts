import type { TaskPage } from '@taskflow/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../testing/app.ts';
import type { TestTask, TestUser } from '../testing/scenario.ts';
import { useTaskWorld } from '../testing/task-world.ts';

describe('GET /api/tasks and /api/tasks/{id} (real PostgreSQL)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let projectB: string;
  let secret: TestTask;
  const tasks: TestTask[] = [];

  const world = useTaskWorld();
  beforeAll(() => {
    ({ t, alice, bob, mallory, projectB, secret } = world);
    tasks.push(...world.tasks);
  });

  const titles = async (query: string, as: TestUser = alice) => {
    const response = await t.get(`/api/tasks${query}`, as);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as TaskPage).items.map((task) => task.title);
  };

  it('given tasks in the caller’s projects and elsewhere, when listing, then only the caller’s are returned, newest first', async () => {
    expect(await titles('')).toEqual([
      'Budget',
      'Design login flow',
      'Migrate the database',
      'Write release notes',
      'Fix login page',
    ]);
    expect(await titles('', bob)).toEqual([
      'Design login flow',
      'Migrate the database',
      'Write release notes',
      'Fix login page',
    ]);
    expect(await titles('', mallory)).toEqual(['Secret plan']);
  });

  it('when filtering by project, assignee, status, deadline range and text, then each filter narrows the list', async () => {
    expect(await titles(`?projectId=${projectB}`)).toEqual(['Budget']);
    expect(await titles('?assignee=me', bob)).toEqual(['Design login flow', 'Fix login page']);
    expect(await titles(`?assignee=${alice.id}&sort=createdAt`)).toEqual(['Migrate the database', 'Budget']);
    expect(await titles('?status=in_progress,blocked&sort=createdAt')).toEqual([
      'Fix login page',
      'Design login flow',
    ]);
    expect(await titles('?status=todo&sort=createdAt')).toEqual([
      'Write release notes',
      'Migrate the database',
      'Budget',
    ]);
    expect(await titles('?deadlineBefore=2030-01-04T00:00:00Z&sort=deadline')).toEqual([
      'Migrate the database',
      'Budget',
    ]);
    expect(await titles('?deadlineAfter=2030-01-04T00:00:00%2B01:00&sort=deadline')).toEqual([
      'Fix login page',
      'Design login flow',
    ]);
    expect(await titles('?q=login&sort=createdAt')).toEqual([
      'Fix login page',
      'Write release notes',
      'Design login flow',
    ]);
    expect(await titles('?q=%22login%20flow%22')).toEqual(['Design login flow']);
    expect(await titles('?q=login%20-fix')).toEqual(['Design login flow']);
    expect(await titles(`?projectId=${secret.projectId}`)).toEqual([]);
  });

  it('when sorting by each key in both directions, then the order follows the key with ties broken by id', async () => {
    const byPriority = await titles('?sort=priority');
    expect(byPriority.slice(0, 2)).toEqual(['Write release notes', 'Design login flow']);
    expect(byPriority.slice(2, 4).sort()).toEqual(['Budget', 'Migrate the database']);
    expect(byPriority[4]).toBe('Fix login page');
    expect(await titles('?sort=-priority')).toEqual([...byPriority].reverse());
    expect((await titles('?sort=-priority'))[0]).toBe('Fix login page');
    expect(await titles('?sort=deadline')).toEqual([
      'Migrate the database',
      'Budget',
      'Fix login page',
      'Design login flow',
      'Write release notes',
    ]);
    expect(await titles('?sort=-deadline')).toEqual([
      'Write release notes',
      'Design login flow',
      'Fix login page',
      'Budget',
      'Migrate the database',
    ]);
    expect(await titles('?sort=-updatedAt')).toEqual([
      'Design login flow',
      'Fix login page',
      'Budget',
      'Migrate the database',
      'Write release notes',
    ]);
    expect(await titles('?sort=createdAt')).toEqual([
      'Fix login page',
      'Write release notes',
      'Migrate the database',
      'Design login flow',
      'Budget',
    ]);
  });

  it('given a page size of 2, when following nextCursor, then every task comes exactly once and the last page says so', async () => {
    for (const sort of ['createdAt', '-updatedAt', 'deadline', '-deadline', 'priority', '-priority']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await t.get(`/api/tasks${query}`, alice)).json() as TaskPage;
        seen.push(...page.items.map((task) => task.title));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, sort).toEqual(await titles(`?sort=${sort}`));
    }
  });

  it('given bad query parameters, when listing, then 400 problem+json names each one', async () => {
    const cases: [string, string][] = [
      ['?status=todo,nope', 'querystring.status'],
      ['?sort=title', 'querystring.sort'],
      ['?limit=101', 'querystring.limit'],
      ['?limit=0', 'querystring.limit'],
      ['?assignee=someone', 'querystring.assignee'],
      ['?deadlineBefore=tomorrow', 'querystring.deadlineBefore'],
      ['?projectId=42', 'querystring.projectId'],
      ['?colour=red', 'querystring.colour'],
      ['?cursor=bm90LWEtY3Vyc29y', 'querystring.cursor'],
    ];
    for (const [query, path] of cases) {
      const response = await t.get(`/api/tasks${query}`, alice);
      expect(response.statusCode, query).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      const paths = (response.json() as { errors: { path: string }[] }).errors.map((e) => e.path);
      expect(
        paths.some((p) => p === path || p.startsWith(`${path}.`)),
        `${query}: ${paths}`,
      ).toBe(true);
    }
    const page = (await t.get('/api/tasks?limit=1&sort=createdAt', alice)).json() as TaskPage;
    const mismatched = await t.get(`/api/tasks?sort=-priority&cursor=${page.nextCursor}`, alice);
    expect(mismatched.statusCode).toBe(400);
  });

  it('given no token or a bad one, when listing, then 401', async () => {
    expect((await t.get('/api/tasks', null)).statusCode).toBe(401);
    expect((await t.get('/api/tasks', null, { authorization: 'Bearer nope' })).statusCode).toBe(401);
  });
});

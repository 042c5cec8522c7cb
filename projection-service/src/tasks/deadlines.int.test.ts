import { makeEvent, taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';
import type { DueReminder } from './deadlines.ts';

const NOW = '2030-06-01T12:00:00.000Z';
const inHours = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();

describe('GET /internal/deadline-reminders (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness();
    const given = scenario(h);
    alice = await given.user('Alice');
    bob = await given.user('Bob');
    const project = await given.project(alice);
    await given.addMember(project, bob, 'member', alice);
    const make = async (name: string, deadline: string | null, assignee?: TestUser) => {
      ids[name] = (
        await given.task(project, alice, { title: name, deadline, ...(assignee ? { assignee } : {}) })
      ).id;
    };
    await make('in 20h', inHours(20), bob);
    await make('in 30min', inHours(0.5), bob);
    await make('in 30h', inHours(30), bob);
    await make('passed', inHours(-1), bob);
    await make('unassigned', inHours(2), undefined);
    await make('no deadline', null, bob);
    await make('done', inHours(3), bob);
    await make('reminded', inHours(10), bob);
    await given.moveTask(
      {
        id: ids.done!,
        projectId: project,
        title: 'done',
        createdBy: alice.id,
        assigneeId: bob.id,
        status: 'todo',
      },
      'done',
      bob,
    );
    await h.append(taskStream(ids.reminded!), [
      makeEvent('TaskDeadlineApproaching', {
        taskId: ids.reminded!,
        projectId: project,
        title: 'reminded',
        window: '24h',
        deadline: inHours(10),
        assigneeId: bob.id,
        late: true,
      }),
    ]);
    await h.catchUp();
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  it('given tasks around now, when scanned, then only open assigned ones inside a window not yet reminded come, with the window due', async () => {
    const response = await t.get(`/internal/deadline-reminders?now=${NOW}`, 'service');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { items: DueReminder[]; scanned: number };
    expect(body.items.map((item) => [item.title, item.window])).toEqual([
      ['in 30min', '1h'],
      ['in 20h', '24h'],
    ]);
    expect(body.items[0]).toEqual({
      taskId: ids['in 30min'],
      projectId: expect.any(String),
      title: 'in 30min',
      deadline: inHours(0.5),
      window: '1h',
      assigneeId: bob.id,
      status: 'todo',
    });
    expect(body.scanned).toBe(3);
  });

  it('given a page size of one, when following the cursor, then every candidate is scanned once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?now=${NOW}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.get(`/internal/deadline-reminders${query}`, 'service')).json() as {
        items: DueReminder[];
        nextCursor: string | null;
      };
      seen.push(...page.items.map((item) => item.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['in 30min', 'in 20h']);
  });

  it('given a user token or bad input, when scanning, then 403 or 400', async () => {
    expect((await t.get(`/internal/deadline-reminders?now=${NOW}`, alice)).statusCode).toBe(403);
    expect((await t.get('/internal/deadline-reminders?now=soon', 'service')).statusCode).toBe(400);
  });
});

import { taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessReadSide, type InProcessReadSide } from './internal-queries.ts';
import { createTestApp, type TestApp } from './testing/app.ts';
import { createHarness, type Harness } from './testing/harness.ts';
import { scenario, type TestUser } from './testing/scenario.ts';

describe('the in-process read side (notify-service’s ReadSide port without HTTP)', () => {
  let h: Harness;
  let t: TestApp;
  let readSide: InProcessReadSide;
  let alice: TestUser;
  let bob: TestUser;
  let projectId: string;
  let firstPosition: string;

  beforeAll(async () => {
    h = await createHarness();
    const given = scenario(h);
    alice = await given.user('Alice');
    bob = await given.user('Bob');
    projectId = await given.project(alice, 'Apollo');
    await given.addMember(projectId, bob, 'member', alice);
    const soon = new Date(Date.now() + 30 * 60_000).toISOString();
    const first = await given.task(projectId, alice, { title: 'Soon', deadline: soon, assignee: bob });
    firstPosition = (await h.eventStore.readStream(taskStream(first.id)))[1]!.position;
    await given.task(projectId, alice, { title: 'Later', assignee: bob });
    await h.catchUp();
    t = await createTestApp(h);
    readSide = createInProcessReadSide({ sql: h.sql, eventStore: h.eventStore });
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  it('given the same read models, when asked in process and over HTTP, then the answers agree', async () => {
    expect(await readSide.userContact(bob.id)).toEqual(
      (await t.get(`/internal/users/${bob.id}/contact`, 'service')).json(),
    );
    expect(await readSide.userContact(crypto.randomUUID())).toBeNull();
    const after = await readSide.notificationsAfter(bob.id, firstPosition, 10);
    expect(after.map((n) => n.message)).toEqual(['Alice assigned you “Later”']);
    const http = (
      await t.get(`/internal/users/${bob.id}/notifications?after=${firstPosition}&limit=10`, 'service')
    ).json() as {
      items: unknown[];
    };
    expect(after).toEqual(http.items);
    expect(await readSide.isMember(projectId, bob.id)).toBe(true);
    expect(await readSide.isMember(projectId, crypto.randomUUID())).toBe(false);
    expect(await readSide.projectName(projectId)).toBe('Apollo');
    const due = await readSide.dueReminders(new Date());
    expect(due.map((d) => [d.title, d.window])).toEqual([['Soon', '1h']]);
    expect(due).toEqual(
      ((await t.get('/internal/deadline-reminders', 'service')).json() as { items: unknown[] }).items,
    );
  });
});

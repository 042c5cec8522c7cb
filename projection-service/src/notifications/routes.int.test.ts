import {
  inboxStream,
  makeEvent,
  type NotificationPage,
  notificationId,
  taskStream,
} from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';

describe('GET /api/notifications, unread-count and the internal resume feed (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  const bobs: { id: string; position: string; title: string }[] = [];

  beforeAll(async () => {
    h = await createHarness();
    const given = scenario(h);
    alice = await given.user('Alice');
    bob = await given.user('Bob');
    mallory = await given.user('Mallory');
    const project = await given.project(alice);
    await given.addMember(project, bob, 'member', alice);
    for (let i = 0; i < 5; i++) {
      const task = await given.task(project, alice, { title: `Task ${i}`, assignee: bob });
      const assigned = (await h.eventStore.readStream(taskStream(task.id)))[1]!;
      bobs.push({ id: notificationId(assigned.id, bob.id), position: assigned.position, title: `Task ${i}` });
    }
    await h.append(
      inboxStream(bob.id),
      [makeEvent('NotificationRead', { userId: bob.id, notificationId: bobs[3]!.id })],
      {
        actor: bob.id,
      },
    );
    await h.catchUp();
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  const page = async (query: string, as: TestUser = bob) => {
    const response = await t.get(`/api/notifications${query}`, as);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as NotificationPage;
  };

  it('given five notifications, one read, when Bob lists his inbox, then they come newest first with read state and cause', async () => {
    const { items, nextCursor } = await page('');
    expect(items.map((n) => n.id)).toEqual([...bobs].reverse().map((n) => n.id));
    expect(items.map((n) => n.isRead)).toEqual([false, true, false, false, false]);
    expect(items[0]).toMatchObject({
      type: 'task.assigned',
      message: 'Alice assigned you “Task 4”',
      position: bobs[4]!.position,
      cause: { eventType: 'TaskAssigned' },
    });
    expect(nextCursor).toBeNull();
  });

  it('when asking for unread only and paging by two, then the read one is left out and every unread one comes once', async () => {
    const first = await page('?unread=true&limit=2');
    const second = await page(`?unread=true&limit=2&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items].map((n) => n.id)).toEqual(
      [bobs[4], bobs[2], bobs[1], bobs[0]].map((n) => n!.id),
    );
    expect(second.nextCursor).toBeNull();
    expect((await t.get('/api/notifications?unread=yes', bob)).statusCode).toBe(400);
    expect((await t.get('/api/notifications?cursor=abc', bob)).statusCode).toBe(400);
  });

  it('when counting unread, then each user counts only their own', async () => {
    expect((await t.get('/api/notifications/unread-count', bob)).json()).toEqual({ count: 4 });
    expect((await t.get('/api/notifications/unread-count', mallory)).json()).toEqual({ count: 0 });
  });

  it('given another user, when they list notifications, then none of Bob’s appear and they cannot use the internal feed (BOLA)', async () => {
    expect((await page('', mallory)).items).toEqual([]);
    expect((await page('', alice)).items).toEqual([]);
    expect((await t.get(`/internal/users/${bob.id}/notifications`, mallory)).statusCode).toBe(403);
  });

  it('given a position, when notify-service asks for the notifications after it, then they come oldest first in bounded pages', async () => {
    const url = (query: string) => `/internal/users/${bob.id}/notifications${query}`;
    const first = (
      await t.get(url(`?after=${bobs[0]!.position}&limit=3`), 'service')
    ).json() as NotificationPage;
    expect(first.items.map((n) => n.id)).toEqual([bobs[1], bobs[2], bobs[3]].map((n) => n!.id));
    expect(first.nextCursor).toBe(bobs[3]!.position);
    const rest = (
      await t.get(url(`?after=${first.nextCursor}&limit=3`), 'service')
    ).json() as NotificationPage;
    expect(rest).toEqual({ items: [expect.objectContaining({ id: bobs[4]!.id })], nextCursor: null });
    const all = (await t.get(url(''), 'service')).json() as NotificationPage;
    expect(all.items).toHaveLength(5);
    expect((await t.get(url('?limit=501'), 'service')).statusCode).toBe(400);
  });
});

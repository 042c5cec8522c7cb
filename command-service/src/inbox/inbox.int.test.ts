import { randomUUID } from 'node:crypto';
import { inboxStream, userStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedDuring, streamEvents } from '../testing/events.ts';
import {
  type CommandHarness,
  registerAndLogin,
  startCommandService,
  type TestUser,
} from '../testing/harness.ts';
import { expectProblem } from '../testing/http.ts';

describe('inbox read marks through HTTP (real PostgreSQL)', () => {
  let h: CommandHarness;
  let ada: TestUser;
  let bob: TestUser;
  /** A real position of this store, for notifications the projection would have written. */
  let position: string;

  const markRead = (user: TestUser, notificationId: string) =>
    h.app.inject({ method: 'POST', url: `/api/notifications/${notificationId}/read`, headers: user.auth });
  const readAll = (user: TestUser) =>
    h.app.inject({ method: 'POST', url: '/api/notifications/read-all', headers: user.auth });
  async function notify(recipient: TestUser, at = position): Promise<string> {
    const id = randomUUID();
    await h.sql.query('INSERT INTO read.notifications (id, recipient_id, position) VALUES ($1, $2, $3)', [
      id,
      recipient.id,
      at,
    ]);
    return id;
  }

  beforeAll(async () => {
    h = await startCommandService();
    ada = await registerAndLogin(h.app, 'Ada');
    bob = await registerAndLogin(h.app, 'Bob');
    const [registered] = await h.store.readStream(userStream(ada.id));
    position = registered!.position;
  });
  afterAll(async () => h?.close());

  it('given a notification of Ada, when she marks it read, then 204 and NotificationRead on her inbox; again, nothing new', async () => {
    const notificationId = await notify(ada);
    const first = await appendedDuring(h.sql, () => markRead(ada, notificationId));
    expect(first.result.statusCode, first.result.body).toBe(204);
    expect(first.result.body).toBe('');
    expect(first.events.map((event) => [event.streamId, event.type, event.data])).toEqual([
      [inboxStream(ada.id), 'NotificationRead', { userId: ada.id, notificationId }],
    ]);
    expect(first.events[0]?.metadata.actor).toBe(ada.id);
    expect(first.result.headers['x-position']).toMatch(/^\d{20}-\d{20}$/);

    const again = await appendedDuring(h.sql, () => markRead(ada, notificationId));
    expect(again.result.statusCode).toBe(204);
    expect(again.events).toEqual([]);
  });

  it('given Ada’s notification, when Bob marks it read, then 404 and nothing appended anywhere', async () => {
    const notificationId = await notify(ada);
    const { result, events } = await appendedDuring(h.sql, () => markRead(bob, notificationId));
    expectProblem(result, 404);
    expect(events).toEqual([]);
    expect(await streamEvents(h.sql, inboxStream(bob.id))).toEqual([]);
  });

  it('given an unknown or malformed notification id, then 404 and 400', async () => {
    expectProblem(await markRead(ada, randomUUID()), 404);
    expectProblem(await markRead(ada, 'not-a-uuid'), 400);
  });

  it('given no token, then 401', async () => {
    const notificationId = await notify(ada);
    expectProblem(
      await h.app.inject({ method: 'POST', url: `/api/notifications/${notificationId}/read` }),
      401,
    );
    expectProblem(await h.app.inject({ method: 'POST', url: '/api/notifications/read-all' }), 401);
  });

  it('given read-all, then one AllNotificationsRead on the caller’s inbox; repeated, nothing new', async () => {
    await notify(ada);
    const first = await appendedDuring(h.sql, () => readAll(ada));
    expect(first.result.statusCode, first.result.body).toBe(204);
    expect(first.events.map((event) => [event.streamId, event.type])).toEqual([
      [inboxStream(ada.id), 'AllNotificationsRead'],
    ]);
    expect(first.events[0]?.data).toEqual({
      userId: ada.id,
      upToPosition: expect.stringMatching(/^\d{20}-\d{20}$/),
    });

    const again = await appendedDuring(h.sql, () => readAll(ada));
    expect(again.result.statusCode).toBe(204);
    expect(again.events).toEqual([]);
  });

  it('given events recorded since the last read-all, when read-all again, then a later watermark', async () => {
    expect((await readAll(ada)).statusCode).toBe(204);
    const [before] = await h.store.readStream(inboxStream(ada.id), { direction: 'backwards', limit: 1 });
    await registerAndLogin(h.app, 'Newcomer'); // anything recorded after it
    // Readers see an event once no older transaction of the (shared) cluster is still open.
    for (let waited = 0; waited < 10_000; waited += 20) {
      const head = await h.store.headPosition();
      if (head !== null && h.store.comparePositions(head, before!.position) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { result, events } = await appendedDuring(h.sql, () => readAll(ada));
    expect(result.statusCode).toBe(204);
    expect(events.map((event) => event.type)).toEqual(['AllNotificationsRead']);
    const upTo = String(events[0]?.data.upToPosition);
    expect(h.store.comparePositions(upTo, String(before?.data.upToPosition))).toBeGreaterThan(0);
    expect(h.store.comparePositions(upTo, before!.position)).toBeGreaterThan(0);
  });

  it('given read-all, when a notification it covered is marked read, then nothing new', async () => {
    const notificationId = await notify(ada);
    expect((await readAll(ada)).statusCode).toBe(204);
    const { result, events } = await appendedDuring(h.sql, () => markRead(ada, notificationId));
    expect(result.statusCode).toBe(204);
    expect(events).toEqual([]);
  });
});

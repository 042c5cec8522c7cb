import { randomUUID } from 'node:crypto';
import { inboxStream, userStream } from '@taskflow/contracts';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedDuring, eventCount } from '../testing/events.ts';
import {
  type CommandHarness,
  registerAndLogin,
  startCommandService,
  type TestUser,
} from '../testing/harness.ts';
import { type Accepted, addMember, createProject, createTask, expectProblem } from '../testing/http.ts';

/**
 * Broken object-level authorisation: two users, each owning a project with a task and a
 * notification. Every command route is tried with the other's ids; API.md: "404 for what they
 * cannot see and 403 for what they can see but not change" — and never an appended event.
 */
describe('BOLA matrix: every command route with someone else’s ids (real PostgreSQL)', () => {
  let h: CommandHarness;
  let ada: TestUser;
  let bob: TestUser;
  /** A plain member of Ada's project: sees it, may change little. */
  let cara: TestUser;
  let adaProject: Accepted;
  let bobProject: Accepted;
  let adaTask: Accepted;
  let bobTask: Accepted;
  let adaNotification: string;

  beforeAll(async () => {
    h = await startCommandService();
    ada = await registerAndLogin(h.app, 'Ada');
    bob = await registerAndLogin(h.app, 'Bob');
    cara = await registerAndLogin(h.app, 'Cara');
    adaProject = await createProject(h.app, ada, 'Ada’s');
    bobProject = await createProject(h.app, bob, 'Bob’s');
    await addMember(h.app, ada, adaProject.id, cara, 'member');
    adaTask = await createTask(h.app, ada, {
      projectId: adaProject.id,
      title: 'Ada’s task',
      assigneeId: ada.id,
    });
    bobTask = await createTask(h.app, bob, {
      projectId: bobProject.id,
      title: 'Bob’s task',
      assigneeId: bob.id,
    });
    adaNotification = randomUUID();
    const [registered] = await h.store.readStream(userStream(ada.id));
    await h.sql.query('INSERT INTO read.notifications (id, recipient_id, position) VALUES ($1, $2, $3)', [
      adaNotification,
      ada.id,
      registered!.position,
    ]);
  });
  afterAll(async () => h?.close());

  type Case = [string, number, () => InjectOptions];
  const as = (user: () => TestUser, options: () => InjectOptions) => () => {
    const built = options();
    return { ...built, headers: { ...user().auth, ...(built.headers ?? {}) } };
  };

  const bobOnAdas: Case[] = [
    [
      'add himself to her project',
      404,
      as(
        () => bob,
        () => ({
          method: 'POST',
          url: `/api/projects/${adaProject.id}/members`,
          payload: { userId: bob.id, role: 'owner' },
        }),
      ),
    ],
    [
      'add himself to her project by email',
      404,
      as(
        () => bob,
        () => ({
          method: 'POST',
          url: `/api/projects/${adaProject.id}/members`,
          payload: { email: bob.email, role: 'member' },
        }),
      ),
    ],
    [
      'demote her in her project',
      404,
      as(
        () => bob,
        () => ({
          method: 'PATCH',
          url: `/api/projects/${adaProject.id}/members/${ada.id}`,
          payload: { role: 'member' },
        }),
      ),
    ],
    [
      'promote a member of her project',
      404,
      as(
        () => bob,
        () => ({
          method: 'PATCH',
          url: `/api/projects/${adaProject.id}/members/${cara.id}`,
          payload: { role: 'owner' },
        }),
      ),
    ],
    [
      'remove her from her project',
      404,
      as(
        () => bob,
        () => ({ method: 'DELETE', url: `/api/projects/${adaProject.id}/members/${ada.id}` }),
      ),
    ],
    [
      'remove a member of her project',
      404,
      as(
        () => bob,
        () => ({ method: 'DELETE', url: `/api/projects/${adaProject.id}/members/${cara.id}` }),
      ),
    ],
    [
      'rename her task',
      404,
      as(
        () => bob,
        () => ({ method: 'PATCH', url: `/api/tasks/${adaTask.id}`, payload: { title: 'Pwned' } }),
      ),
    ],
    [
      'change her task’s status',
      404,
      as(
        () => bob,
        () => ({ method: 'PATCH', url: `/api/tasks/${adaTask.id}`, payload: { status: 'cancelled' } }),
      ),
    ],
    [
      'take over her task',
      404,
      as(
        () => bob,
        () => ({ method: 'PATCH', url: `/api/tasks/${adaTask.id}`, payload: { assigneeId: bob.id } }),
      ),
    ],
    [
      'no-op PATCH her task (existence probe)',
      404,
      as(
        () => bob,
        () => ({ method: 'PATCH', url: `/api/tasks/${adaTask.id}`, payload: {} }),
      ),
    ],
    [
      'probe her task with a wrong If-Match',
      404,
      as(
        () => bob,
        () => ({
          method: 'PATCH',
          url: `/api/tasks/${adaTask.id}`,
          headers: { 'if-match': '"7"' },
          payload: { title: 'x' },
        }),
      ),
    ],
    [
      'probe her project with a wrong If-Match',
      404,
      as(
        () => bob,
        () => ({
          method: 'DELETE',
          url: `/api/projects/${adaProject.id}/members/${ada.id}`,
          headers: { 'if-match': '"9"' },
        }),
      ),
    ],
    [
      'create a task in her project',
      404,
      as(
        () => bob,
        () => ({
          method: 'POST',
          url: '/api/tasks',
          payload: { projectId: adaProject.id, title: 'Planted' },
        }),
      ),
    ],
    [
      'assign his task to her (not a member of his project)',
      400,
      as(
        () => bob,
        () => ({ method: 'PATCH', url: `/api/tasks/${bobTask.id}`, payload: { assigneeId: ada.id } }),
      ),
    ],
    [
      'create a task in his project assigned to her',
      400,
      as(
        () => bob,
        () => ({
          method: 'POST',
          url: '/api/tasks',
          payload: { projectId: bobProject.id, title: 'For Ada', assigneeId: ada.id },
        }),
      ),
    ],
    [
      'mark her notification read',
      404,
      as(
        () => bob,
        () => ({ method: 'POST', url: `/api/notifications/${adaNotification}/read` }),
      ),
    ],
    [
      'call the internal reminder route on her task',
      403,
      as(
        () => bob,
        () => ({
          method: 'POST',
          url: `/internal/tasks/${adaTask.id}/deadline-reminders`,
          payload: { window: '1h', deadline: new Date(Date.now() + 1_800_000).toISOString() },
        }),
      ),
    ],
  ];

  const caraInAdas: Case[] = [
    [
      'a member adds someone to the project',
      403,
      as(
        () => cara,
        () => ({
          method: 'POST',
          url: `/api/projects/${adaProject.id}/members`,
          payload: { userId: bob.id, role: 'member' },
        }),
      ),
    ],
    [
      'a member promotes herself',
      403,
      as(
        () => cara,
        () => ({
          method: 'PATCH',
          url: `/api/projects/${adaProject.id}/members/${cara.id}`,
          payload: { role: 'owner' },
        }),
      ),
    ],
    [
      'a member removes the owner',
      403,
      as(
        () => cara,
        () => ({ method: 'DELETE', url: `/api/projects/${adaProject.id}/members/${ada.id}` }),
      ),
    ],
    [
      'a member renames a task she neither created nor holds',
      403,
      as(
        () => cara,
        () => ({ method: 'PATCH', url: `/api/tasks/${adaTask.id}`, payload: { title: 'Mine now' } }),
      ),
    ],
    [
      'a member assigns such a task to herself',
      403,
      as(
        () => cara,
        () => ({ method: 'PATCH', url: `/api/tasks/${adaTask.id}`, payload: { assigneeId: cara.id } }),
      ),
    ],
    [
      'a member changes such a task’s status',
      403,
      as(
        () => cara,
        () => ({ method: 'PATCH', url: `/api/tasks/${adaTask.id}`, payload: { status: 'done' } }),
      ),
    ],
    [
      'a member renames such a task with a stale If-Match',
      403,
      as(
        () => cara,
        () => ({
          method: 'PATCH',
          url: `/api/tasks/${adaTask.id}`,
          headers: { 'if-match': '"9"' },
          payload: { title: 'Mine now' },
        }),
      ),
    ],
    [
      'a member marks the owner’s notification read',
      404,
      as(
        () => cara,
        () => ({ method: 'POST', url: `/api/notifications/${adaNotification}/read` }),
      ),
    ],
  ];

  it.each(bobOnAdas)(
    'given Bob, when he tries to %s, then %i and no event anywhere',
    async (_, status, request) => {
      const before = await eventCount(h.sql);
      const { result, events } = await appendedDuring(h.sql, () => h.app.inject(request()));
      expectProblem(result, status);
      expect(events).toEqual([]);
      expect(await eventCount(h.sql)).toBe(before);
    },
  );

  it.each(caraInAdas)('given Cara, when %s, then %i and no event anywhere', async (_, status, request) => {
    const { result, events } = await appendedDuring(h.sql, () => h.app.inject(request()));
    expectProblem(result, status);
    expect(events).toEqual([]);
  });

  it('given Bob, when he marks all read, then only his own inbox gets an event', async () => {
    const { result, events } = await appendedDuring(h.sql, () =>
      h.app.inject({ method: 'POST', url: '/api/notifications/read-all', headers: bob.auth }),
    );
    expect(result.statusCode).toBe(204);
    expect(events.map((event) => [event.streamId, event.type, event.data.userId])).toEqual([
      [inboxStream(bob.id), 'AllNotificationsRead', bob.id],
    ]);
  });

  it('given Bob, when he changes preferences, then only his own user stream changes', async () => {
    const { result, events } = await appendedDuring(h.sql, () =>
      h.app.inject({
        method: 'PUT',
        url: '/api/users/me/preferences',
        headers: bob.auth,
        payload: { email: { taskAssigned: false, statusChanged: false, deadlineApproaching: false } },
      }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.json().id).toBe(bob.id);
    expect(events.map((event) => event.streamId)).toEqual([userStream(bob.id)]);
  });

  it('given the matrix above, then Ada’s things still answer her (the refusals were not because they are gone)', async () => {
    const response = await h.app.inject({
      method: 'PATCH',
      url: `/api/tasks/${adaTask.id}`,
      headers: { ...ada.auth, 'if-match': adaTask.etag },
      payload: { title: 'Still Ada’s' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const mark = await h.app.inject({
      method: 'POST',
      url: `/api/notifications/${adaNotification}/read`,
      headers: ada.auth,
    });
    expect(mark.statusCode).toBe(204);
  });
});

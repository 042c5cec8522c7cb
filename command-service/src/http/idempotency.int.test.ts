import { randomUUID } from 'node:crypto';
import { taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppendGate, gateAppends } from '../testing/append-gate.ts';
import { appendedDuring, type StoredEvent, streamEvents } from '../testing/events.ts';
import {
  type CommandHarness,
  registerAndLogin,
  startCommandService,
  type TestUser,
} from '../testing/harness.ts';
import { addMember, createProject, createTask, expectProblem, patchTask } from '../testing/http.ts';

describe('Idempotency-Key (real PostgreSQL)', () => {
  let h: CommandHarness;
  let gate: AppendGate;
  let ada: TestUser;
  let bob: TestUser;
  let projectId: string;

  const postTask = (user: TestUser, key: string, payload: Record<string, unknown>) =>
    h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...user.auth, 'idempotency-key': key },
      payload,
    });
  const created = (events: StoredEvent[]) => events.filter((event) => event.type === 'TaskCreated');

  beforeAll(async () => {
    h = await startCommandService(
      {},
      {
        wrapStore: (store) => {
          gate = gateAppends(store);
          return gate.store;
        },
      },
    );
    ada = await registerAndLogin(h.app, 'Ada');
    bob = await registerAndLogin(h.app, 'Bob');
    projectId = (await createProject(h.app, ada, 'Shared')).id;
    await addMember(h.app, ada, projectId, bob, 'member');
  });
  afterAll(async () => h?.close());

  it('given a repeated key and body, then the first response again (id, revision, Location, ETag) and one set of events', async () => {
    const key = randomUUID();
    const body = { projectId, title: 'Once', assigneeId: bob.id };
    const { result: responses, events } = await appendedDuring(h.sql, async () => [
      await postTask(ada, key, body),
      await postTask(ada, key, body),
      await postTask(ada, key, body),
    ]);
    const [first, ...repeats] = responses;
    expect(first!.statusCode, first!.body).toBe(201);
    expect(first!.headers['idempotent-replayed']).toBeUndefined();
    for (const repeat of repeats) {
      expect(repeat.statusCode).toBe(201);
      expect(repeat.json()).toEqual(first!.json());
      expect(repeat.headers.location).toBe(first!.headers.location);
      expect(repeat.headers.etag).toBe(first!.headers.etag);
      expect(repeat.headers['content-type']).toBe(first!.headers['content-type']);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
    }
    expect(events.map((event) => event.type)).toEqual(['TaskCreated', 'TaskAssigned']);
    expect(events[0]?.streamId).toBe(taskStream(first!.json().id));
  });

  it('given a repeated key with another body, then 422 and nothing appended', async () => {
    const key = randomUUID();
    expect((await postTask(ada, key, { projectId, title: 'First' })).statusCode).toBe(201);
    const { result, events } = await appendedDuring(h.sql, () =>
      postTask(ada, key, { projectId, title: 'Second' }),
    );
    expectProblem(result, 422);
    expect(events).toEqual([]);
  });

  it('given the same key on another route, then 422', async () => {
    const key = randomUUID();
    const task = await postTask(ada, key, { projectId, title: 'Route' });
    expect(task.statusCode).toBe(201);
    const { result, events } = await appendedDuring(h.sql, () =>
      h.app.inject({
        method: 'PATCH',
        url: `/api/tasks/${task.json().id}`,
        headers: { ...ada.auth, 'idempotency-key': key },
        payload: { title: 'Route again' },
      }),
    );
    expectProblem(result, 422);
    expect(events).toEqual([]);
  });

  it('given two users sending the same key and body, then each gets their own task', async () => {
    const key = 'shared-key-1';
    const body = { projectId, title: 'Same words' };
    const { result, events } = await appendedDuring(h.sql, async () => [
      await postTask(ada, key, body),
      await postTask(bob, key, body),
    ]);
    expect(result.map((response) => response.statusCode)).toEqual([201, 201]);
    expect(result[0]!.json().id).not.toBe(result[1]!.json().id);
    expect(result[1]!.headers['idempotent-replayed']).toBeUndefined();
    expect(created(events).map((event) => event.data.createdBy)).toEqual([ada.id, bob.id]);
  });

  it('given a request refused with 404, then the key is released: a corrected request with it succeeds', async () => {
    const key = randomUUID();
    const { result: refused, events } = await appendedDuring(h.sql, () =>
      postTask(ada, key, { projectId: randomUUID(), title: 'Lost' }),
    );
    expectProblem(refused, 404);
    expect(events).toEqual([]);
    const corrected = await postTask(ada, key, { projectId, title: 'Found' });
    expect(corrected.statusCode, corrected.body).toBe(201);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    const again = await postTask(ada, key, { projectId, title: 'Found' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(corrected.json());
  });

  it('given a request refused with 400 by the rules, then the key is released too', async () => {
    const key = randomUUID();
    const stranger = await registerAndLogin(h.app, 'Stranger');
    expectProblem(
      await postTask(ada, key, { projectId, title: 'To a stranger', assigneeId: stranger.id }),
      400,
    );
    const corrected = await postTask(ada, key, { projectId, title: 'To a stranger', assigneeId: bob.id });
    expect(corrected.statusCode, corrected.body).toBe(201);
  });

  it('given a request refused by validation, then the key was never taken', async () => {
    const key = randomUUID();
    expectProblem(await postTask(ada, key, { projectId, title: '' }), 400);
    expect((await postTask(ada, key, { projectId, title: 'Valid' })).statusCode).toBe(201);
  });

  it('given two concurrent requests with one key, then the second is 409 while the first runs, and one task exists', async () => {
    const key = randomUUID();
    const body = { projectId, title: 'Concurrent' };
    // Holds the first append until the gate gives up: the second request arrives while it is in flight.
    const { opened } = gate.hold(2, 300);
    const { result, events } = await appendedDuring(h.sql, () =>
      Promise.all([postTask(ada, key, body), postTask(ada, key, body)]),
    );
    expect((await opened).timedOut).toBe(true); // only one of them ever reached the store
    expect(result.map((response) => response.statusCode).sort()).toEqual([201, 409]);
    expectProblem(result.find((response) => response.statusCode === 409)!, 409);
    expect(created(events)).toHaveLength(1);
    const after = await postTask(ada, key, body);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(after.json().id).toBe(created(events)[0]!.data.taskId);
  });

  it('given a PATCH repeated after the task moved on, then the first answer again and nothing appended', async () => {
    const task = await createTask(h.app, ada, { projectId, title: 'Moving' });
    const key = randomUUID();
    const headers = { 'idempotency-key': key };
    const first = await patchTask(h.app, ada, task.id, { title: 'Moved' }, headers);
    expect(first.statusCode).toBe(200);
    expect((await patchTask(h.app, ada, task.id, { priority: 'high' })).statusCode).toBe(200);
    const { result: repeat, events } = await appendedDuring(h.sql, () =>
      patchTask(h.app, ada, task.id, { title: 'Moved' }, headers),
    );
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toEqual(first.json());
    expect(repeat.headers.etag).toBe('"2"');
    expect(events).toEqual([]);
    expect((await streamEvents(h.sql, taskStream(task.id))).map((event) => event.type)).toEqual([
      'TaskCreated',
      'TaskRenamed',
      'TaskPrioritised',
    ]);
  });

  it('given a 204 command repeated with its key, then 204 again and nothing appended', async () => {
    const project = await createProject(h.app, ada, 'Leaving');
    await addMember(h.app, ada, project.id, bob, 'member');
    const leave = () =>
      h.app.inject({
        method: 'DELETE',
        url: `/api/projects/${project.id}/members/${bob.id}`,
        headers: { ...bob.auth, 'idempotency-key': 'leave-once' },
      });
    expect((await leave()).statusCode).toBe(204);
    const { result, events } = await appendedDuring(h.sql, leave);
    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect(result.headers['idempotent-replayed']).toBe('true');
    expect(events).toEqual([]);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'has space'],
    ['non-ASCII', 'clé'],
  ])('given a key %s, then 400 naming the header', async (_, key) => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...ada.auth, 'idempotency-key': key },
      payload: { projectId, title: 'Bad key' },
    });
    expect(expectProblem(response, 400).errors?.map((error) => error.path)).toEqual([
      'headers.idempotency-key',
    ]);
  });
  it('given login and refresh with an Idempotency-Key, then tokens are never stored or replayed', async () => {
    const key = `token-${randomUUID()}`;
    const login = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'idempotency-key': key },
        payload: { email: ada.email, password: ada.password },
      });
    const first = await login();
    const second = await login();
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json().refreshToken).not.toBe(first.json().refreshToken);

    const refresh = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: { 'idempotency-key': key },
        payload: { refreshToken: first.json().refreshToken },
      });
    expect((await refresh()).statusCode).toBe(200);
    // A replay would hand out the stored pair again; a real reuse revokes the family instead.
    expect((await refresh()).statusCode).toBe(401);
    const { rows } = await h.sql.query('SELECT 1 FROM command.idempotency WHERE idempotency_key = $1', [key]);
    expect(rows).toHaveLength(0);
  });
});

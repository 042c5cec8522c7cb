import { randomUUID } from 'node:crypto';
import { taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppendGate, gateAppends } from '../testing/append-gate.ts';
import { appendedDuring, streamEvents } from '../testing/events.ts';
import {
  type CommandHarness,
  registerAndLogin,
  SERVICE_TOKEN,
  startCommandService,
  type TestUser,
} from '../testing/harness.ts';
import { addMember, createProject, createTask, expectProblem, patchTask } from '../testing/http.ts';

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

describe('tasks through HTTP (real PostgreSQL)', () => {
  let h: CommandHarness;
  let gate: AppendGate;
  let owner: TestUser;
  let manager: TestUser;
  let member: TestUser;
  let colleague: TestUser;
  let outsider: TestUser;
  let projectId: string;

  const types = async (taskId: string) =>
    (await streamEvents(h.sql, taskStream(taskId))).map((event) => event.type);
  /** The task folded from its stream, as far as these tests look at it. */
  const folded = async (taskId: string) => {
    const task: Record<string, unknown> = {};
    for (const event of await streamEvents(h.sql, taskStream(taskId))) {
      const data = event.data;
      if (event.type === 'TaskCreated') Object.assign(task, data, { status: 'todo', assigneeId: null });
      if (event.type === 'TaskRenamed') task.title = data.title;
      if (event.type === 'TaskDescriptionChanged') task.description = data.description;
      if (event.type === 'TaskPrioritised') task.priority = data.priority;
      if (event.type === 'TaskDeadlineSet') task.deadline = data.deadline;
      if (event.type === 'TaskDeadlineCleared') task.deadline = null;
      if (event.type === 'TaskAssigned') task.assigneeId = data.assigneeId;
      if (event.type === 'TaskUnassigned') task.assigneeId = null;
      if (event.type === 'TaskStatusChanged') task.status = data.to;
    }
    return task;
  };

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
    owner = await registerAndLogin(h.app, 'Olga');
    manager = await registerAndLogin(h.app, 'Max');
    member = await registerAndLogin(h.app, 'Mia');
    colleague = await registerAndLogin(h.app, 'Carl');
    outsider = await registerAndLogin(h.app, 'Otto');
    projectId = (await createProject(h.app, owner, 'Tasks')).id;
    await addMember(h.app, owner, projectId, manager, 'manager');
    await addMember(h.app, owner, projectId, member, 'member');
    await addMember(h.app, owner, projectId, colleague, 'member');
  });
  afterAll(async () => h?.close());

  describe('create', () => {
    it('given a member as assignee, when creating, then 201 at revision 2 with Location and ETag, created then assigned', async () => {
      const { result: response, events } = await appendedDuring(h.sql, () =>
        h.app.inject({
          method: 'POST',
          url: '/api/tasks',
          headers: owner.auth,
          payload: { projectId, title: 'Write tests', priority: 'high', assigneeId: member.id },
        }),
      );
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      expect(body).toEqual({
        id: expect.any(String),
        revision: 2,
        position: expect.stringMatching(/^\d{20}-\d{20}$/),
      });
      expect(response.headers.location).toBe(`/api/tasks/${body.id}`);
      expect(response.headers.etag).toBe('"2"');
      expect(events.map((event) => [event.streamId, event.revision, event.type])).toEqual([
        [taskStream(body.id), 0, 'TaskCreated'],
        [taskStream(body.id), 1, 'TaskAssigned'],
      ]);
      expect(events[0]?.data).toMatchObject({
        projectId,
        title: 'Write tests',
        priority: 'high',
        deadline: null,
        createdBy: owner.id,
      });
      expect(events[1]?.data).toMatchObject({ assigneeId: member.id, previousAssigneeId: null });
    });

    it('given no assignee, when creating, then revision 1 and defaults', async () => {
      const created = await createTask(h.app, member, { projectId, title: 'Unassigned' });
      expect(created.revision).toBe(1);
      expect(await folded(created.id)).toMatchObject({ priority: 'medium', description: '', deadline: null });
    });

    it('given an assignee outside the project, when creating, then 400 naming assigneeId and nothing appended', async () => {
      const { result, events } = await appendedDuring(h.sql, () =>
        h.app.inject({
          method: 'POST',
          url: '/api/tasks',
          headers: owner.auth,
          payload: { projectId, title: 'Nope', assigneeId: outsider.id },
        }),
      );
      const problem = expectProblem(result, 400);
      expect(problem.errors?.map((error) => error.path)).toEqual([expect.stringMatching(/assigneeId$/)]);
      expect(events).toEqual([]);
    });

    it('given a status in the create body, then 400: every task starts as todo', async () => {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: owner.auth,
        payload: { projectId, title: 'Done already', status: 'done' },
      });
      expect(expectProblem(response, 400).errors?.map((error) => error.path)).toEqual(['body.status']);
    });
  });

  describe('PATCH turns each changed field into its intent event', () => {
    it.each<[Record<string, unknown>, string]>([
      [{ title: 'Renamed' }, 'TaskRenamed'],
      [{ description: 'More words' }, 'TaskDescriptionChanged'],
      [{ priority: 'urgent' }, 'TaskPrioritised'],
      [{ deadline: '2031-03-01T12:00:00+01:00' }, 'TaskDeadlineSet'],
      [{ deadline: null }, 'TaskDeadlineCleared'],
      [{ status: 'in_progress' }, 'TaskStatusChanged'],
      [{ assigneeId: 'colleague' }, 'TaskAssigned'],
      [{ assigneeId: null }, 'TaskUnassigned'],
    ])('given %j, then exactly one %s and the next revision', async (change, eventType) => {
      const task = await createTask(h.app, owner, {
        projectId,
        title: 'Original',
        deadline: '2030-06-01T00:00:00Z',
        assigneeId: member.id,
      });
      const payload = change.assigneeId === 'colleague' ? { assigneeId: colleague.id } : change;
      const { result, events } = await appendedDuring(h.sql, () => patchTask(h.app, owner, task.id, payload));
      expect(result.statusCode, result.body).toBe(200);
      expect(result.json()).toEqual({
        id: task.id,
        revision: 3,
        position: expect.stringMatching(/^\d{20}-\d{20}$/),
      });
      expect(result.headers.etag).toBe('"3"');
      expect(events.map((event) => [event.streamId, event.type])).toEqual([[taskStream(task.id), eventType]]);
    });

    it('given a deadline in another offset, then it is recorded in UTC', async () => {
      const task = await createTask(h.app, owner, { projectId });
      await patchTask(h.app, owner, task.id, { deadline: '2031-03-01T12:00:00+01:00' });
      expect((await folded(task.id)).deadline).toBe('2031-03-01T11:00:00.000Z');
    });

    it('given every field named but only one changed, then one event', async () => {
      const task = await createTask(h.app, owner, {
        projectId,
        title: 'Same',
        description: 'same',
        priority: 'low',
        deadline: '2030-06-01T00:00:00Z',
        assigneeId: member.id,
      });
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, owner, task.id, {
          title: 'Same',
          description: 'same',
          priority: 'low',
          deadline: '2030-06-01T02:00:00+02:00', // the same instant, spelled differently
          assigneeId: member.id,
          status: 'blocked',
        }),
      );
      expect(result.statusCode, result.body).toBe(200);
      expect(events.map((event) => event.type)).toEqual(['TaskStatusChanged']);
    });

    it('given several changed fields, then their events in one append, assignment before status', async () => {
      const task = await createTask(h.app, owner, { projectId, title: 'Many' });
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, owner, task.id, {
          status: 'in_progress',
          assigneeId: member.id,
          title: 'Many more',
        }),
      );
      expect(result.statusCode, result.body).toBe(200);
      expect(result.json().revision).toBe(4);
      expect(events.map((event) => [event.revision, event.type])).toEqual([
        [1, 'TaskRenamed'],
        [2, 'TaskAssigned'],
        [3, 'TaskStatusChanged'],
      ]);
      expect(new Set(events.map((event) => event.metadata.commandId)).size).toBe(1);
      expect(events[2]?.data).toMatchObject({
        from: 'todo',
        to: 'in_progress',
        assigneeId: member.id,
        createdBy: owner.id,
      });
    });

    it('given an empty PATCH, then 200 with the current revision and ETag, and nothing appended', async () => {
      const task = await createTask(h.app, owner, { projectId, assigneeId: member.id });
      const { result, events } = await appendedDuring(h.sql, () => patchTask(h.app, owner, task.id, {}));
      expect(result.statusCode, result.body).toBe(200);
      expect(result.json()).toEqual({ id: task.id, revision: 2, position: task.position });
      expect(result.headers.etag).toBe('"2"');
      expect(events).toEqual([]);
    });

    it('given an unknown field or a bad value, then 400 naming it and nothing appended', async () => {
      const task = await createTask(h.app, owner, { projectId });
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, owner, task.id, { title: 'ok', colour: 'red', priority: 'whenever' }),
      );
      expect(
        expectProblem(result, 400)
          .errors?.map((error) => error.path)
          .sort(),
      ).toEqual(['body.colour', 'body.priority']);
      expect(events).toEqual([]);
    });

    it('given an unknown task or a malformed id, then 404 and 400', async () => {
      expectProblem(await patchTask(h.app, owner, randomUUID(), { title: 'x' }), 404);
      expectProblem(await patchTask(h.app, owner, 'not-a-uuid', { title: 'x' }), 400);
    });
  });

  describe('status workflow', () => {
    it('given a blocked task, when moved straight to done, then 409 with a detail naming the allowed moves', async () => {
      const task = await createTask(h.app, owner, { projectId });
      expect((await patchTask(h.app, owner, task.id, { status: 'blocked' })).statusCode).toBe(200);
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, owner, task.id, { status: 'done' }),
      );
      const problem = expectProblem(result, 409);
      expect(problem.detail).toMatch(/blocked to done/);
      expect(problem.detail).toMatch(/todo, in_progress, cancelled/);
      expect(events).toEqual([]);
    });

    it('given a refused transition alongside other changes, then none of them is applied', async () => {
      const task = await createTask(h.app, owner, { projectId, title: 'Keep' });
      await patchTask(h.app, owner, task.id, { status: 'cancelled' });
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, owner, task.id, { title: 'Changed', status: 'done' }),
      );
      expectProblem(result, 409);
      expect(events).toEqual([]);
      expect((await folded(task.id)).title).toBe('Keep');
    });

    it('given done work, when reopened, then 200', async () => {
      const task = await createTask(h.app, owner, { projectId });
      expect((await patchTask(h.app, owner, task.id, { status: 'done' })).statusCode).toBe(200);
      expect((await patchTask(h.app, owner, task.id, { status: 'todo' })).statusCode).toBe(200);
      expect(await types(task.id)).toEqual(['TaskCreated', 'TaskStatusChanged', 'TaskStatusChanged']);
    });
  });

  describe('concurrency', () => {
    it('given a stale If-Match, then 412 and nothing appended; the current one, then 200', async () => {
      const task = await createTask(h.app, owner, { projectId });
      const first = await patchTask(h.app, owner, task.id, { title: 'One' }, { 'if-match': task.etag });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers.etag).toBe('"2"');
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, owner, task.id, { title: 'Two' }, { 'if-match': task.etag }),
      );
      expectProblem(result, 412);
      expect(events).toEqual([]);
      const current = await patchTask(
        h.app,
        owner,
        task.id,
        { title: 'Two' },
        { 'if-match': first.headers.etag as string },
      );
      expect(current.statusCode, current.body).toBe(200);
      expect(current.json().revision).toBe(3);
    });

    it('given two PATCHes racing without If-Match, then neither change is lost', async () => {
      const task = await createTask(h.app, owner, { projectId, title: 'Before' });
      const { opened } = gate.hold(2);
      const responses = await Promise.all([
        patchTask(h.app, owner, task.id, { title: 'After' }),
        patchTask(h.app, manager, task.id, { priority: 'urgent' }),
      ]);
      expect((await opened).timedOut).toBe(false); // both decided on the same revision
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
      expect(statuses).toContain(200);
      const task_ = await folded(task.id);
      if (statuses[0] === 200) expect(task_.title).toBe('After');
      else expect(task_.title).toBe('Before');
      if (statuses[1] === 200) expect(task_.priority).toBe('urgent');
      else expect(task_.priority).toBe('medium');
      const ok = responses
        .filter((response) => response.statusCode === 200)
        .map((response) => response.json().revision);
      expect(new Set(ok).size).toBe(ok.length); // two successes never claim one revision
      expect(await types(task.id)).toHaveLength(1 + ok.length);
    });

    it('given two PATCHes racing on the same field, then the later decision sees the earlier one', async () => {
      const task = await createTask(h.app, owner, { projectId, assigneeId: member.id });
      const { opened } = gate.hold(2);
      const responses = await Promise.all([
        patchTask(h.app, owner, task.id, { status: 'in_progress' }),
        patchTask(h.app, manager, task.id, { status: 'blocked' }),
      ]);
      expect((await opened).timedOut).toBe(false);
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
      const changes = (await streamEvents(h.sql, taskStream(task.id)))
        .filter((event) => event.type === 'TaskStatusChanged')
        .map((event) => `${event.data.from}->${event.data.to}`);
      // Whoever lost the race re-decided from the winner's status, not from the stale `todo`.
      expect([
        ['todo->in_progress', 'in_progress->blocked'],
        ['todo->blocked', 'blocked->in_progress'],
      ]).toContainEqual(changes);
    });

    it('given two PATCHes racing with the same If-Match, then exactly one 200 and one 412', async () => {
      const task = await createTask(h.app, owner, { projectId, title: 'Contested' });
      const { opened } = gate.hold(2);
      const responses = await Promise.all([
        patchTask(h.app, owner, task.id, { title: 'Mine' }, { 'if-match': task.etag }),
        patchTask(h.app, manager, task.id, { title: 'Yours' }, { 'if-match': task.etag }),
      ]);
      expect((await opened).timedOut).toBe(false);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 412]);
      const winner = responses.findIndex((response) => response.statusCode === 200);
      expect(await types(task.id)).toEqual(['TaskCreated', 'TaskRenamed']);
      expect((await folded(task.id)).title).toBe(winner === 0 ? 'Mine' : 'Yours');
      expectProblem(responses[1 - winner]!, 412);
    });
  });

  describe('who may do what', () => {
    it('given a member, when editing a task they created, then 200; when changing its status unassigned, then 403', async () => {
      const task = await createTask(h.app, member, { projectId, title: 'Mine' });
      expect(
        (await patchTask(h.app, member, task.id, { title: 'Still mine', priority: 'high' })).statusCode,
      ).toBe(200);
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, member, task.id, { status: 'done' }),
      );
      expect(expectProblem(result, 403).detail).toMatch(/assigned/);
      expect(events).toEqual([]);
    });

    it('given a member assigned to a task someone else created, then they may edit it and change its status', async () => {
      const task = await createTask(h.app, owner, { projectId, assigneeId: member.id });
      expect((await patchTask(h.app, member, task.id, { description: 'notes' })).statusCode).toBe(200);
      expect((await patchTask(h.app, member, task.id, { status: 'in_progress' })).statusCode).toBe(200);
      expect(await types(task.id)).toEqual([
        'TaskCreated',
        'TaskAssigned',
        'TaskDescriptionChanged',
        'TaskStatusChanged',
      ]);
    });

    it('given a member neither creator nor assignee, then editing or changing status is 403 and nothing appended', async () => {
      const task = await createTask(h.app, owner, { projectId, assigneeId: colleague.id });
      const { result, events } = await appendedDuring(h.sql, async () => [
        await patchTask(h.app, member, task.id, { title: 'Hijack' }),
        await patchTask(h.app, member, task.id, { status: 'in_progress' }),
        await patchTask(h.app, member, task.id, { assigneeId: member.id }),
      ]);
      for (const response of result) expectProblem(response, 403);
      expect(events).toEqual([]);
    });

    it('given a manager, when changing anything on someone else’s task, then 200', async () => {
      const task = await createTask(h.app, member, { projectId });
      const response = await patchTask(h.app, manager, task.id, {
        title: 'Managed',
        status: 'in_progress',
        assigneeId: colleague.id,
      });
      expect(response.statusCode, response.body).toBe(200);
    });

    it('given someone outside the project, then the task does not exist for them (404)', async () => {
      const task = await createTask(h.app, owner, { projectId });
      const { result, events } = await appendedDuring(h.sql, () =>
        patchTask(h.app, outsider, task.id, { title: 'x' }),
      );
      expectProblem(result, 404);
      expect(events).toEqual([]);
    });
  });

  describe('transport limits', () => {
    it('given a body over 1 MiB, then 413 problem+json and nothing appended', async () => {
      const payload = JSON.stringify({ projectId, title: 'Big', description: 'x'.repeat(1024 * 1024 + 16) });
      const { result, events } = await appendedDuring(h.sql, () =>
        h.app.inject({
          method: 'POST',
          url: '/api/tasks',
          headers: { ...owner.auth, 'content-type': 'application/json' },
          payload,
        }),
      );
      expectProblem(result, 413);
      expect(events).toEqual([]);
    });

    it.each([
      ['text/plain', JSON.stringify({ title: 'x' })],
      ['application/x-www-form-urlencoded', 'title=x'],
      ['application/xml', '<task><title>x</title></task>'],
    ])('given Content-Type %s, then 415 problem+json and nothing appended', async (contentType, payload) => {
      const task = await createTask(h.app, owner, { projectId });
      const { result, events } = await appendedDuring(h.sql, () =>
        h.app.inject({
          method: 'PATCH',
          url: `/api/tasks/${task.id}`,
          headers: { ...owner.auth, 'content-type': contentType },
          payload,
        }),
      );
      expectProblem(result, 415);
      expect(events).toEqual([]);
    });
  });

  describe('internal deadline reminders', () => {
    const remind = (taskId: string, body: Record<string, unknown>, authorization?: string) =>
      h.app.inject({
        method: 'POST',
        url: `/internal/tasks/${taskId}/deadline-reminders`,
        headers: authorization ? { authorization } : {},
        payload: body,
      });
    const service = `Bearer ${SERVICE_TOKEN}`;

    it('given no token, then 401; given a user’s access token, then 403; nothing appended either way', async () => {
      const deadline = inHours(23.97);
      const task = await createTask(h.app, owner, { projectId, assigneeId: member.id, deadline });
      const { result, events } = await appendedDuring(h.sql, async () => [
        await remind(task.id, { window: '24h', deadline }),
        await remind(task.id, { window: '24h', deadline }, owner.auth.authorization),
      ]);
      expectProblem(result[0]!, 401);
      expectProblem(result[1]!, 403);
      expect(events).toEqual([]);
    });

    it('given the service token and a due window, then one reminder; asked again, none', async () => {
      const deadline = inHours(23.97);
      const task = await createTask(h.app, owner, { projectId, assigneeId: member.id, deadline });
      const first = await appendedDuring(h.sql, () => remind(task.id, { window: '24h', deadline }, service));
      expect(first.result.statusCode, first.result.body).toBe(200);
      expect(first.result.json()).toMatchObject({ id: task.id, revision: 3, reminded: true });
      expect(first.events.map((event) => [event.type, event.data])).toEqual([
        [
          'TaskDeadlineApproaching',
          expect.objectContaining({
            window: '24h',
            deadline: new Date(deadline).toISOString(),
            assigneeId: member.id,
          }),
        ],
      ]);
      expect(first.events[0]?.metadata.actor).toBeNull();

      const second = await appendedDuring(h.sql, () => remind(task.id, { window: '24h', deadline }, service));
      expect(second.result.statusCode).toBe(200);
      expect(second.result.json()).toMatchObject({ id: task.id, revision: 3, reminded: false });
      expect(second.events).toEqual([]);
    });

    it('given a deadline that has moved since the scan, then no reminder', async () => {
      const seen = inHours(23.97);
      const task = await createTask(h.app, owner, { projectId, assigneeId: member.id, deadline: seen });
      expect((await patchTask(h.app, owner, task.id, { deadline: inHours(72) })).statusCode).toBe(200);
      const { result, events } = await appendedDuring(h.sql, () =>
        remind(task.id, { window: '24h', deadline: seen }, service),
      );
      expect(result.statusCode).toBe(200);
      expect(result.json().reminded).toBe(false);
      expect(events).toEqual([]);
    });

    it('given a done task, then no reminder; given an unknown task, then 404', async () => {
      const deadline = inHours(23.97);
      const task = await createTask(h.app, owner, { projectId, assigneeId: member.id, deadline });
      await patchTask(h.app, owner, task.id, { status: 'done' });
      const { result, events } = await appendedDuring(h.sql, () =>
        remind(task.id, { window: '24h', deadline }, service),
      );
      expect(result.json().reminded).toBe(false);
      expect(events).toEqual([]);
      expectProblem(await remind(randomUUID(), { window: '24h', deadline }, service), 404);
    });
  });
});

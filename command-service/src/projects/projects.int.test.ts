import { projectStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedDuring, streamEvents } from '../testing/events.ts';
import {
  type CommandHarness,
  registerAndLogin,
  startCommandService,
  type TestUser,
} from '../testing/harness.ts';
import { addMember, createProject, expectProblem } from '../testing/http.ts';

describe('projects and membership through HTTP (real PostgreSQL)', () => {
  let h: CommandHarness;
  let owner: TestUser;
  let manager: TestUser;
  let member: TestUser;
  let outsider: TestUser;

  const members = (
    actor: TestUser,
    projectId: string,
    payload: unknown,
    headers: Record<string, string> = {},
  ) =>
    h.app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/members`,
      headers: { ...actor.auth, ...headers },
      payload: payload as Record<string, unknown>,
    });
  const changeRole = (actor: TestUser, projectId: string, userId: string, role: string, headers = {}) =>
    h.app.inject({
      method: 'PATCH',
      url: `/api/projects/${projectId}/members/${userId}`,
      headers: { ...actor.auth, ...headers },
      payload: { role },
    });
  const remove = (actor: TestUser, projectId: string, userId: string, headers = {}) =>
    h.app.inject({
      method: 'DELETE',
      url: `/api/projects/${projectId}/members/${userId}`,
      headers: { ...actor.auth, ...headers },
    });
  const roles = async (projectId: string) => {
    const current = new Map<string, string>();
    for (const event of await streamEvents(h.sql, projectStream(projectId))) {
      const { userId, role, to } = event.data as { userId: string; role?: string; to?: string };
      if (event.type === 'MemberAdded') current.set(userId, role!);
      if (event.type === 'MemberRoleChanged') current.set(userId, to!);
      if (event.type === 'MemberRemoved') current.delete(userId);
    }
    return Object.fromEntries(current);
  };

  /** A project with owner, manager and member, as the membership tests start from. */
  async function staffedProject(): Promise<string> {
    const project = await createProject(h.app, owner);
    await addMember(h.app, owner, project.id, manager, 'manager');
    await addMember(h.app, owner, project.id, member, 'member');
    return project.id;
  }

  beforeAll(async () => {
    h = await startCommandService();
    owner = await registerAndLogin(h.app, 'Olga');
    manager = await registerAndLogin(h.app, 'Max');
    member = await registerAndLogin(h.app, 'Mia');
    outsider = await registerAndLogin(h.app, 'Otto');
  });
  afterAll(async () => h?.close());

  it('given a user, when creating a project, then 201 with Location, ETag and { id, revision, position }; the creator owns it', async () => {
    const { result: response, events } = await appendedDuring(h.sql, () =>
      h.app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: owner.auth,
        payload: { name: 'Apollo', description: 'to the moon' },
      }),
    );
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(String),
      revision: 2,
      position: expect.stringMatching(/^\d{20}-\d{20}$/),
    });
    expect(response.headers.location).toBe(`/api/projects/${body.id}`);
    expect(response.headers.etag).toBe('"2"');
    expect(events.map((event) => [event.streamId, event.type, event.data])).toEqual([
      [
        projectStream(body.id),
        'ProjectCreated',
        { projectId: body.id, name: 'Apollo', description: 'to the moon', createdBy: owner.id },
      ],
      [projectStream(body.id), 'MemberAdded', { projectId: body.id, userId: owner.id, role: 'owner' }],
    ]);
    expect(events.every((event) => event.metadata.actor === owner.id)).toBe(true);
  });

  it('given an invalid project body, then 400 naming the field', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.auth,
      payload: { name: '   ', colour: 'red' },
    });
    expect(
      expectProblem(response, 400)
        .errors?.map((error) => error.path)
        .sort(),
    ).toEqual(['body.colour', 'body.name']);
  });

  describe('adding members', () => {
    it('given an owner, when adding a member by userId, then 201 with the next revision and Location', async () => {
      const project = await createProject(h.app, owner);
      const response = await members(owner, project.id, { userId: member.id, role: 'member' });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ id: project.id, revision: 3 });
      expect(response.headers.location).toBe(`/api/projects/${project.id}`);
      expect(response.headers.etag).toBe('"3"');
      expect(await roles(project.id)).toEqual({ [owner.id]: 'owner', [member.id]: 'member' });
    });

    it('given an owner, when adding a member by email in another case, then 201 and that user is the member', async () => {
      const project = await createProject(h.app, owner);
      const response = await members(owner, project.id, {
        email: manager.email.toUpperCase(),
        role: 'manager',
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(await roles(project.id)).toEqual({ [owner.id]: 'owner', [manager.id]: 'manager' });
    });

    it('given an unknown user id or email, then 404 and nothing appended', async () => {
      const project = await createProject(h.app, owner);
      for (const who of [
        { userId: '00000000-0000-4000-8000-000000000000' },
        { email: 'ghost@example.com' },
      ]) {
        const { result, events } = await appendedDuring(h.sql, () =>
          members(owner, project.id, { ...who, role: 'member' }),
        );
        expectProblem(result, 404);
        expect(events).toEqual([]);
      }
    });

    it('given someone already a member, when added again, then 409 and nothing appended', async () => {
      const project = await createProject(h.app, owner);
      await addMember(h.app, owner, project.id, member, 'member');
      const { result, events } = await appendedDuring(h.sql, () =>
        members(owner, project.id, { userId: member.id, role: 'manager' }),
      );
      expectProblem(result, 409);
      expect(events).toEqual([]);
    });

    it('given neither or both of userId and email, then 400', async () => {
      const project = await createProject(h.app, owner);
      expectProblem(await members(owner, project.id, { role: 'member' }), 400);
      expectProblem(
        await members(owner, project.id, { userId: member.id, email: member.email, role: 'member' }),
        400,
      );
    });

    it('given a manager, when adding a member, then 201; when making that member owner, then 403', async () => {
      const projectId = await staffedProject();
      expect((await members(manager, projectId, { userId: outsider.id, role: 'member' })).statusCode).toBe(
        201,
      );
      const { result, events } = await appendedDuring(h.sql, () =>
        changeRole(manager, projectId, outsider.id, 'owner'),
      );
      expectProblem(result, 403);
      expect(events).toEqual([]);
    });

    it('given a manager, when adding someone straight in as owner, then 403', async () => {
      const projectId = await staffedProject();
      const { result, events } = await appendedDuring(h.sql, () =>
        members(manager, projectId, { userId: outsider.id, role: 'owner' }),
      );
      expectProblem(result, 403);
      expect(events).toEqual([]);
    });

    it('given a plain member, when adding someone, then 403', async () => {
      const projectId = await staffedProject();
      expectProblem(await members(member, projectId, { userId: outsider.id, role: 'member' }), 403);
    });
  });

  describe('roles', () => {
    it('given an owner, when changing a member to manager, then 200 and a MemberRoleChanged event', async () => {
      const projectId = await staffedProject();
      const { result, events } = await appendedDuring(h.sql, () =>
        changeRole(owner, projectId, member.id, 'manager'),
      );
      expect(result.statusCode, result.body).toBe(200);
      expect(result.json()).toMatchObject({ id: projectId, revision: 5 });
      expect(events.map((event) => [event.type, event.data])).toEqual([
        ['MemberRoleChanged', { projectId, userId: member.id, from: 'member', to: 'manager' }],
      ]);
    });

    it('given the role a member already has, when set again, then 200 at the same revision and nothing appended', async () => {
      const projectId = await staffedProject();
      const { result, events } = await appendedDuring(h.sql, () =>
        changeRole(owner, projectId, member.id, 'member'),
      );
      expect(result.statusCode).toBe(200);
      expect(result.json().revision).toBe(4);
      expect(events).toEqual([]);
    });

    it('given a manager, when promoting a member to owner or demoting the owner, then 403', async () => {
      const projectId = await staffedProject();
      expectProblem(await changeRole(manager, projectId, member.id, 'owner'), 403);
      expectProblem(await changeRole(manager, projectId, owner.id, 'member'), 403);
      expect(await roles(projectId)).toEqual({
        [owner.id]: 'owner',
        [manager.id]: 'manager',
        [member.id]: 'member',
      });
    });

    it('given the only owner, when demoting themself, then 409', async () => {
      const projectId = await staffedProject();
      expectProblem(await changeRole(owner, projectId, owner.id, 'manager'), 409);
    });

    it('given a user who is not a member of the project, when changing a role, then 404', async () => {
      const projectId = await staffedProject();
      expectProblem(await changeRole(owner, projectId, outsider.id, 'manager'), 404);
    });
  });

  describe('removing and leaving', () => {
    it('given an owner, when removing a member, then 204 with ETag and a MemberRemoved event', async () => {
      const projectId = await staffedProject();
      const { result, events } = await appendedDuring(h.sql, () => remove(owner, projectId, member.id));
      expect(result.statusCode, result.body).toBe(204);
      expect(result.body).toBe('');
      expect(result.headers.etag).toBe('"5"');
      expect(events.map((event) => [event.type, event.data])).toEqual([
        ['MemberRemoved', { projectId, userId: member.id, role: 'member' }],
      ]);
    });

    it('given the last owner, when leaving, then 409 with a detail saying why, and nothing appended', async () => {
      const projectId = await staffedProject();
      const { result, events } = await appendedDuring(h.sql, () => remove(owner, projectId, owner.id));
      expect(expectProblem(result, 409).detail).toMatch(/owner/i);
      expect(events).toEqual([]);
    });

    it('given a second owner, when the first leaves, then 204', async () => {
      const projectId = await staffedProject();
      expect((await changeRole(owner, projectId, manager.id, 'owner')).statusCode).toBe(200);
      expect((await remove(owner, projectId, owner.id)).statusCode).toBe(204);
      expect(await roles(projectId)).toEqual({ [manager.id]: 'owner', [member.id]: 'member' });
    });

    it('given a plain member, when leaving, then 204; when removing someone else, then 403', async () => {
      const projectId = await staffedProject();
      expectProblem(await remove(member, projectId, manager.id), 403);
      expect((await remove(member, projectId, member.id)).statusCode).toBe(204);
    });

    it('given a manager, when removing the owner, then 403', async () => {
      const projectId = await staffedProject();
      expectProblem(await remove(manager, projectId, owner.id), 403);
    });
  });

  describe('If-Match', () => {
    it('given a stale ETag, when changing membership, then 412 and nothing appended; the current ETag then succeeds', async () => {
      const project = await createProject(h.app, owner);
      const added = await addMember(h.app, owner, project.id, member, 'member');
      const stale = { 'if-match': project.etag };

      const attempts = await appendedDuring(h.sql, async () => [
        await members(owner, project.id, { userId: manager.id, role: 'manager' }, stale),
        await changeRole(owner, project.id, member.id, 'manager', stale),
        await remove(owner, project.id, member.id, stale),
      ]);
      for (const response of attempts.result) expectProblem(response, 412);
      expect(attempts.events).toEqual([]);

      const current = await changeRole(owner, project.id, member.id, 'manager', { 'if-match': added.etag });
      expect(current.statusCode, current.body).toBe(200);
      expect(current.headers.etag).toBe('"4"');
    });

    it('given a malformed If-Match, then 412 rather than an unconditional write', async () => {
      const project = await createProject(h.app, owner);
      const { result, events } = await appendedDuring(h.sql, () =>
        members(owner, project.id, { userId: member.id, role: 'member' }, { 'if-match': 'banana' }),
      );
      expectProblem(result, 412);
      expect(events).toEqual([]);
    });
  });
});

import type { ProjectDetail, ProjectPage } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';

describe('GET /api/projects and /api/projects/{id} (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let apollo: string;
  let gemini: string;
  let secret: string;

  beforeAll(async () => {
    h = await createHarness();
    const given = scenario(h);
    alice = await given.user('Alice');
    bob = await given.user('Bob');
    mallory = await given.user('Mallory');
    gemini = await given.project(alice, 'Gemini', 'second');
    apollo = await given.project(alice, 'Apollo', 'first');
    await given.project(alice, 'Mercury');
    secret = await given.project(mallory, 'Secret');
    await given.addMember(apollo, bob, 'manager', alice);
    await given.addMember(gemini, bob, 'member', alice);
    await h.catchUp();
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  it('given projects the caller is in with different roles, when listing, then each comes with the caller’s role, by name', async () => {
    const response = await t.get('/api/projects', bob);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [
        { id: apollo, name: 'Apollo', description: 'first', role: 'manager' },
        { id: gemini, name: 'Gemini', description: 'second', role: 'member' },
      ],
      nextCursor: null,
    });
  });

  it('given more projects than the page size, when following nextCursor, then each project comes once', async () => {
    const first = (await t.get('/api/projects?limit=2', alice)).json() as ProjectPage;
    expect(first.items.map((p) => p.name)).toEqual(['Apollo', 'Gemini']);
    expect(first.nextCursor).not.toBeNull();
    const second = (
      await t.get(`/api/projects?limit=2&cursor=${first.nextCursor}`, alice)
    ).json() as ProjectPage;
    expect(second).toEqual({
      items: [expect.objectContaining({ name: 'Mercury', role: 'owner' })],
      nextCursor: null,
    });
    expect((await t.get('/api/projects?limit=500', alice)).statusCode).toBe(400);
    expect((await t.get('/api/projects?cursor=%%%', alice)).statusCode).toBe(400);
    expect((await t.get('/api/projects?sort=name', alice)).statusCode).toBe(400);
  });

  it('given a project of the caller’s, when fetched, then its members come with names and roles', async () => {
    const response = await t.get(`/api/projects/${apollo}`, bob);
    expect(response.statusCode).toBe(200);
    expect(response.json() as ProjectDetail).toEqual({
      id: apollo,
      name: 'Apollo',
      description: 'first',
      members: [
        { userId: alice.id, name: 'Alice', role: 'owner' },
        { userId: bob.id, name: 'Bob', role: 'manager' },
      ],
    });
  });

  it('given a project the caller is not in, when fetched, then 404 as for one that does not exist (BOLA)', async () => {
    const response = await t.get(`/api/projects/${secret}`, alice);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.body).not.toContain('Secret');
    expect((await t.get(`/api/projects/${crypto.randomUUID()}`, alice)).statusCode).toBe(404);
    expect((await t.get('/api/projects', mallory)).json()).toEqual({
      items: [{ id: secret, name: 'Secret', description: '', role: 'owner' }],
      nextCursor: null,
    });
  });

  it('given the service token, when asking whether users are members, then members get their role and non-members 404; a user token is refused', async () => {
    const member = await t.get(`/internal/projects/${apollo}/members/${bob.id}`, 'service');
    expect(member.statusCode).toBe(200);
    expect(member.json()).toEqual({ projectId: apollo, userId: bob.id, role: 'manager' });
    const stranger = await t.get(`/internal/projects/${apollo}/members/${mallory.id}`, 'service');
    expect(stranger.statusCode).toBe(404);
    expect((await t.get(`/internal/projects/${apollo}/members/${bob.id}`, bob)).statusCode).toBe(403);
    expect((await t.get(`/internal/projects/${apollo}/members/${bob.id}`, null)).statusCode).toBe(401);
  });

  it('given the service token, when asking for a project’s name, then any project answers; unknown ones are 404', async () => {
    expect((await t.get(`/internal/projects/${secret}`, 'service')).json()).toEqual({
      id: secret,
      name: 'Secret',
    });
    expect((await t.get(`/internal/projects/${crypto.randomUUID()}`, 'service')).statusCode).toBe(404);
    expect((await t.get(`/internal/projects/${secret}`, alice)).statusCode).toBe(403);
  });
});

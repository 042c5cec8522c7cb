import { DEFAULT_PREFERENCES, makeEvent, userStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';

describe('GET /api/users/me and the internal contact route (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const quiet = { email: { taskAssigned: false, statusChanged: true, deadlineApproaching: false } };

  beforeAll(async () => {
    h = await createHarness();
    alice = await scenario(h).user('Alice');
    bob = await scenario(h).user('Bob');
    await h.append(userStream(bob.id), [
      makeEvent('UserPreferencesChanged', { userId: bob.id, preferences: quiet }),
    ]);
    await h.catchUp();
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  it('given a registered user, when they ask for themselves, then they get their profile and preferences', async () => {
    const response = await t.get('/api/users/me', alice);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: alice.id,
      name: 'Alice',
      email: alice.email,
      preferences: DEFAULT_PREFERENCES,
    });
    expect((await t.get('/api/users/me', bob)).json()).toMatchObject({ preferences: quiet });
    expect((await t.get('/api/users/me?x=1', bob)).statusCode).toBe(400);
    expect((await t.get('/api/users/me', null)).statusCode).toBe(401);
  });

  it('given a token of a user not (yet) in the directory, when they ask for themselves, then 404', async () => {
    const ghost = { id: crypto.randomUUID(), name: 'Ghost', email: 'ghost@example.com' };
    expect((await t.get('/api/users/me', ghost)).statusCode).toBe(404);
  });

  it('given the service token, when notify-service asks for a user’s contact, then it gets email and preferences; users cannot', async () => {
    const response = await t.get(`/internal/users/${bob.id}/contact`, 'service');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: bob.id, name: 'Bob', email: bob.email, preferences: quiet });
    expect((await t.get(`/internal/users/${crypto.randomUUID()}/contact`, 'service')).statusCode).toBe(404);
    expect((await t.get(`/internal/users/${bob.id}/contact`, alice)).statusCode).toBe(403);
  });
});

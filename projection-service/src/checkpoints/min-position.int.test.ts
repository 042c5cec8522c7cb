import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';

describe('X-Min-Position read-your-writes (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;

  beforeAll(async () => {
    h = await createHarness();
    alice = await scenario(h).user('Alice');
    await h.catchUp();
    t = await createTestApp(h, { minPositionWaitMs: 1_500 });
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  it('given a write the projector has not applied yet, when a query asks for its position, then it waits and sees the write', async () => {
    const projectId = await scenario(h).project(alice, 'Fresh');
    const position = h.lastPosition()!;
    const projector = await h.startProjector();
    try {
      const response = await t.get(`/api/projects/${projectId}`, alice, { 'x-min-position': position });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: projectId, name: 'Fresh' });
    } finally {
      await projector.stop();
    }
  });

  it('given the projector is not running, when a query asks for a newer position, then after the bound it answers 503 with Retry-After', async () => {
    await scenario(h).project(alice, 'Stuck');
    const started = Date.now();
    const response = await t.get('/api/projects', alice, { 'x-min-position': h.lastPosition()! });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });

  it('given a position already applied, when a query asks for it, then it answers at once', async () => {
    await h.catchUp();
    const started = Date.now();
    const response = await t.get('/api/projects', alice, { 'x-min-position': h.lastPosition()! });
    expect(response.statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('given a malformed position, when a query carries it, then 400 naming the header', async () => {
    for (const bad of ['yesterday', '1-2', '']) {
      const response = await t.get('/api/projects', alice, { 'x-min-position': bad });
      expect(response.statusCode, bad).toBe(400);
      expect(JSON.stringify(response.json())).toContain('x-min-position');
    }
  });
});

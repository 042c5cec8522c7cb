import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './testing/app.ts';
import { createHarness, type Harness } from './testing/harness.ts';

describe('the projection-service plugin (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  beforeAll(async () => {
    h = await createHarness();
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  it('when the OpenAPI document is fetched, then every public query route is described with its parameters and no internal route shows', async () => {
    const response = await t.get('/api/openapi.json', null);
    expect(response.statusCode, response.body).toBe(200);
    const doc = response.json() as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    for (const path of [
      '/api/tasks',
      '/api/tasks/{id}',
      '/api/tasks/{id}/history',
      '/api/projects',
      '/api/projects/{id}',
      '/api/notifications',
      '/api/notifications/unread-count',
      '/api/users/me',
    ]) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
    const taskParams = doc.paths['/api/tasks']!.get!.parameters!.map((p) => p.name);
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/internal'))).toEqual([]);
    expect(taskParams).toEqual(
      expect.arrayContaining([
        'projectId',
        'assignee',
        'status',
        'q',
        'sort',
        'limit',
        'cursor',
        'x-min-position',
      ]),
    );
  });
});

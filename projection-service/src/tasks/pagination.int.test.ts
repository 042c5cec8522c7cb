import type { TaskPage } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';

describe('GET /api/tasks paging while tasks are inserted (real PostgreSQL)', () => {
  let h: Harness;
  let t: TestApp;
  let alice: TestUser;

  beforeAll(async () => {
    h = await createHarness();
    alice = await scenario(h).user('Alice');
    t = await createTestApp(h);
  });
  afterAll(async () => {
    await t.app.close();
    await h.close();
  });

  const _titles = async (query: string, as: TestUser = alice) => {
    const response = await t.get(`/api/tasks${query}`, as);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as TaskPage).items.map((task) => task.title);
  };

  it('given a client paging while tasks are inserted, when it follows the cursor, then it sees every original task once and none shifts', async () => {
    const given = scenario(h);
    const project = await given.project(alice, 'Busy');
    const originals: string[] = [];
    for (let i = 0; i < 12; i++) {
      originals.push(
        (
          await given.task(project, alice, {
            title: `orig ${i}`,
            occurredAt: `2031-01-01T00:00:${String(10 + i * 2)}.000Z`,
          })
        ).id,
      );
    }
    await h.catchUp();
    const projector = await h.startProjector();
    try {
      const seen: string[] = [];
      let cursor: string | null = null;
      let inserted = 0;
      do {
        const page = (
          await t.get(
            `/api/tasks?projectId=${project}&sort=createdAt&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
            alice,
          )
        ).json() as TaskPage;
        seen.push(...page.items.map((task) => task.id));
        cursor = page.nextCursor;
        // Concurrent inserts both before and after the cursor, and visible to the next page.
        const early = await given.task(project, alice, {
          title: `new early ${inserted}`,
          occurredAt: `2031-01-01T00:00:0${inserted}.000Z`,
        });
        const late = await given.task(project, alice, {
          title: `new late ${inserted}`,
          occurredAt: `2031-01-01T00:01:0${inserted}.000Z`,
        });
        inserted += 1;
        await projector.waitFor(late.result.position);
        void early;
      } while (cursor);
      const originalsSeen = seen.filter((id) => originals.includes(id));
      expect(originalsSeen).toEqual(originals);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThan(originals.length);
    } finally {
      await projector.stop();
    }
  });
});

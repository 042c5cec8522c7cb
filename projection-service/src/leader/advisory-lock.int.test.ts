import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { runAsLeader } from './advisory-lock.ts';

const until = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('leader election by advisory lock (real PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h.close());

  it('given two instances, when both try to lead, then one runs the worker and the other takes over within seconds after it stops', async () => {
    const running: string[] = [];
    const instance = (name: string) =>
      runAsLeader({
        connectionString: h.db.url,
        key: 42n,
        name,
        logger: h.logger,
        retryMs: 100,
        start: async () => {
          running.push(name);
          return { stop: async () => void running.splice(running.indexOf(name), 1) };
        },
      });
    const a = instance('a');
    await until(() => a.isLeader());
    const b = instance('b');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(running).toEqual(['a']);
    expect(b.isLeader()).toBe(false);

    await a.stop();
    await until(() => b.isLeader(), 2_000);
    expect(running).toEqual(['b']);
    await b.stop();
    expect(running).toEqual([]);
  });

  it('given a leader whose lock session is killed, when that happens, then it stops its worker and another instance leads', async () => {
    const running: string[] = [];
    const instance = (name: string) =>
      runAsLeader({
        connectionString: h.db.url,
        key: 43n,
        name,
        logger: h.logger,
        retryMs: 100,
        start: async () => {
          running.push(name);
          return { stop: async () => void running.splice(running.indexOf(name), 1) };
        },
      });
    const a = instance('a');
    await until(() => a.isLeader());
    const b = instance('b');
    await h.sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 43 AND granted`,
    );
    await until(() => b.isLeader() && !a.isLeader(), 3_000);
    expect(running).toEqual(['b']);
    await Promise.all([a.stop(), b.stop()]);
  });
});

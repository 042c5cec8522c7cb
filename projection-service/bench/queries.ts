import { TASK_STATUSES, type TaskPage } from '@taskflow/contracts';
import { generateSigningKeys, signAccessToken } from '@taskflow/platform';
import type { SqlClient } from '@taskflow/platform/sql';
import autocannon from 'autocannon';
import { cpuSecondsOf, startChild } from './child.ts';

export interface QueryBenchResult {
  connections: number;
  seconds: number;
  requests: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  /** Rows per page in a sample of the requests sent (a page holds at most 50). */
  averagePageSize: number;
  /** CPU the query process used over the measured run, in cores. */
  serverCores: number;
}

const SETTINGS = { issuer: 'taskflow', audience: 'taskflow-api' };

/**
 * `GET /api/tasks?projectId=…&status=…&limit=50` from members of the project (a random
 * member, project and status per request) against the query plugin served by a process of
 * its own, with `connections` keep-alive connections.
 */
export async function measureQueries(options: {
  url: string;
  sql: SqlClient;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}): Promise<QueryBenchResult> {
  const keys = generateSigningKeys();
  const server = await startChild('./query-server.ts', {
    DATABASE_URL: options.url,
    JWT_PUBLIC_KEY: keys.publicKey,
  });
  try {
    const base = `http://127.0.0.1:${server.ready}`;
    const { rows } = await options.sql.query<{
      user_id: string;
      project_id: string;
      name: string;
      email: string;
    }>(
      `SELECT m.user_id, m.project_id, u.name, u.email FROM read.memberships m JOIN read.users u ON u.id = m.user_id
       ORDER BY random() LIMIT 3000`,
    );
    const tokens = new Map<string, string>();
    const callers = rows.map((row) => {
      let token = tokens.get(row.user_id);
      if (!token) {
        const claims = { userId: row.user_id, name: row.name, email: row.email };
        token = signAccessToken(claims, keys.privateKey, { ...SETTINGS, ttlSeconds: 3600 });
        tokens.set(row.user_id, token);
      }
      return {
        path: (status: string) => `/api/tasks?projectId=${row.project_id}&status=${status}&limit=50`,
        token,
      };
    });
    let n = 0;
    const next = () => {
      const caller = callers[n++ % callers.length]!;
      const status = TASK_STATUSES[Math.floor(Math.random() * TASK_STATUSES.length)]!;
      return { path: caller.path(status), headers: { authorization: `Bearer ${caller.token}` } };
    };

    let sampled = 0;
    for (let i = 0; i < 100; i++) {
      const { path, headers } = next();
      const response = await fetch(`${base}${path}`, { headers });
      if (response.status !== 200)
        throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      sampled += ((await response.json()) as TaskPage).items.length;
    }

    const cpuBefore = await cpuSecondsOf(server.child.pid);
    const started = performance.now();
    const instance = autocannon({
      url: base,
      connections: options.connections,
      duration: options.seconds,
      timeout: 10,
      warmup: { connections: options.connections, duration: options.warmupSeconds },
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, ...next() }) }],
    });
    const result = await instance;
    // The warm-up runs first; its CPU counts too, so spread it over both.
    const cores =
      ((await cpuSecondsOf(server.child.pid)) - cpuBefore) / ((performance.now() - started) / 1000);
    return {
      connections: options.connections,
      seconds: result.duration,
      requests: result.requests.total,
      perSecond: Math.round(result.requests.average),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      non2xx: result.non2xx,
      errors: result.errors,
      averagePageSize: Math.round((sampled / 100) * 10) / 10,
      serverCores: Math.round(cores * 100) / 100,
    };
  } finally {
    await server.stop();
  }
}

import { TASK_STATUSES, type TaskPage } from '@taskflow/contracts';
import { generateSigningKeys, signAccessToken } from '@taskflow/platform';
import type { SqlClient } from '@taskflow/platform/sql';
import autocannon from 'autocannon';
import { cpuSecondsOf, meterCpu, startChild } from './child.ts';

export interface QueryBenchResult {
  /** Responses in the measured run. */
  served: number;
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
  /** Its CPU per request served. */
  serverCpuMsPerRequest: number;
  /** PostgreSQL's (every backend of the bench database) per request. */
  postgresCpuMsPerRequest: number;
  /** autocannon's (this process) per request: on another machine in production. */
  loadGeneratorCpuMsPerRequest: number;
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
  postgresPids: () => Promise<number[]>;
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

    const instance = autocannon({
      url: base,
      connections: options.connections,
      duration: options.seconds,
      timeout: 10,
      warmup: { connections: options.connections, duration: options.warmupSeconds },
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, ...next() }) }],
    });
    // The measured run starts after the warm-up (which reports to a tracker of its own).
    let cpuAtStart = Promise.resolve(Number.NaN);
    const postgres = meterCpu(options.postgresPids);
    let loadGenerator = process.cpuUsage();
    instance.once('start', () => {
      cpuAtStart = cpuSecondsOf(server.child.pid);
      void postgres.start();
      loadGenerator = process.cpuUsage();
    });
    let served = 0;
    instance.on('response', () => {
      served += 1;
    });
    const result = await instance;
    const cpu = (await cpuSecondsOf(server.child.pid)) - (await cpuAtStart);
    const postgresCpu = await postgres.stop();
    const generated = process.cpuUsage(loadGenerator);
    const perRequest = (seconds: number) => Math.round((seconds / Math.max(served, 1)) * 1e5) / 100;
    const cores = cpu / result.duration;
    return {
      served,
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
      serverCpuMsPerRequest: perRequest(cpu),
      postgresCpuMsPerRequest: perRequest(postgresCpu),
      loadGeneratorCpuMsPerRequest: perRequest((generated.user + generated.system) / 1e6),
    };
  } finally {
    await server.stop();
  }
}

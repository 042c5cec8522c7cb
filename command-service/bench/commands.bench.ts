/**
 * Command benchmark (issue 4): `node command-service/bench/commands.bench.ts` with DATABASE_URL
 * set (e.g. `export $(infra/postgres/postgres.sh up)`).
 *
 * command-service runs in this process on 127.0.0.1 (a real port, the real OWASP argon2id
 * hasher, a fresh database that is dropped at the end); 64 users sharing 4 projects (as
 * managers, so any of them may edit any task of their project) drive it from a worker thread
 * with a 30/70 mix of POST /api/tasks and PATCH /api/tasks/:id. Also measured: one argon2 hash
 * and one login (median). Prints a table and writes bench/results/commands.json.
 *
 * BENCH_SECONDS (default 15), BENCH_WARMUP_SECONDS (default 3), BENCH_CLIENTS (default 64).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { authPlugin, createHttpServer, createLogger, generateSigningKeys } from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient, runMigrations } from '@taskflow/platform/sql';
import { createTestDatabase } from '@taskflow/platform/testing';
import { buildCommandService } from '../src/app.ts';
import { ARGON2ID_OWASP, createArgon2Hasher } from '../src/auth/passwords.ts';
import { COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations } from '../src/schema.ts';
import type { LoadInput, LoadOutput } from './load.ts';
import { machineCpu, median, printTable, processCpuMs, round, summarise, threadCpuMs } from './stats.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const PROJECTS = 4;
const SEED_TASKS_PER_PROJECT = 25;
const CREATE_SHARE = 0.3;
const LOGIN_SAMPLES = 20;
const HASH_SAMPLES = 10;
const TARGET = { commandsPerSecond: 1500, p99Ms: 30 };
const POOL_SIZE = 40; // as command-service's main.ts
const RESULTS_FILE = join(import.meta.dirname, '..', '..', 'bench', 'results', 'commands.json');
const TOKENS = { issuer: 'taskflow', audience: 'taskflow-api', ttlSeconds: 3600 };
const PASSWORD = 'bench password, long enough';

// Bounded: whatever happens, the process ends.
const watchdog = setTimeout(
  () => {
    console.error('commands bench: watchdog fired, giving up');
    process.exit(2);
  },
  (WARMUP_SECONDS + SECONDS + 300) * 1000,
);
watchdog.unref();

async function json(response: Response, expected: number, what: string) {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${what}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function bounded<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!, index);
      }
    }),
  );
  return results;
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg();
  const database = await createTestDatabase('bench_commands');
  const sql = createPgSqlClient({ connectionString: database.url, maxConnections: POOL_SIZE });
  let closeApp: () => Promise<void> = async () => {};
  try {
    await runMigrations(sql, COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations);
    const store = await createPostgresEventStore(sql);
    const keys = generateSigningKeys();
    const hasher = createArgon2Hasher();
    const app = await createHttpServer({ logger: createLogger('bench', 'silent'), title: 'bench' });
    await app.register(authPlugin, {
      issuer: TOKENS.issuer,
      audience: TOKENS.audience,
      publicKey: keys.publicKey,
    });
    await app.register(buildCommandService, {
      sql,
      eventStore: store,
      hasher,
      tokens: { ...TOKENS, privateKey: keys.privateKey },
      // Every client logs in from 127.0.0.1: the per-address brake would stop the setup.
      loginThrottle: { perEmail: 5, perAddress: 100_000, windowSeconds: 60 },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    closeApp = async () => {
      await app.close();
      await store.close();
    };
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });

    // The cost of one password hash, straight from the hasher (OWASP: 19 MiB, t=2, p=1).
    const hashTimes: number[] = [];
    for (let sample = 0; sample < HASH_SAMPLES; sample++) {
      const begin = performance.now();
      await hasher.hash(`${PASSWORD} ${sample}`);
      hashTimes.push(performance.now() - begin);
    }

    console.log(`setup: registering ${CLIENTS} users (argon2id, real cost) on ${baseUrl}`);
    const setupStarted = performance.now();
    const users = await bounded(
      Array.from({ length: CLIENTS }, (_, index) => index),
      4,
      async (index) => {
        const email = `bench-${index}@example.com`;
        const { id } = await json(
          await post('/api/auth/register', { name: `Bench ${index}`, email, password: PASSWORD }),
          201,
          'register',
        );
        const tokens = await json(await post('/api/auth/login', { email, password: PASSWORD }), 200, 'login');
        return { id: id as string, email, accessToken: tokens.accessToken as string };
      },
    );

    // One login, over HTTP, end to end: throttle check, credentials row, argon2 verify, refresh token, JWT.
    const loginTimes: number[] = [];
    for (let sample = 0; sample < LOGIN_SAMPLES; sample++) {
      const begin = performance.now();
      await json(await post('/api/auth/login', { email: users[0]!.email, password: PASSWORD }), 200, 'login');
      loginTimes.push(performance.now() - begin);
    }

    // 4 projects, user i in project i % 4, everyone but the owner a manager.
    const projectIds: string[] = [];
    for (let p = 0; p < PROJECTS; p++) {
      const { id } = await json(
        await post('/api/projects', { name: `Bench ${p}` }, users[p]!.accessToken),
        201,
        'project',
      );
      projectIds.push(id);
    }
    await bounded(users.slice(PROJECTS), 8, async (user, offset) => {
      const index = offset + PROJECTS;
      const owner = users[index % PROJECTS]!;
      await json(
        await post(
          `/api/projects/${projectIds[index % PROJECTS]}/members`,
          { userId: user.id, role: 'manager' },
          owner.accessToken,
        ),
        201,
        'add member',
      );
    });
    const tasksByProject: Record<string, string[]> = Object.fromEntries(projectIds.map((id) => [id, []]));
    await bounded(
      Array.from({ length: PROJECTS * SEED_TASKS_PER_PROJECT }, (_, index) => index),
      8,
      async (index) => {
        const user = users[index % users.length]!;
        const projectId = projectIds[(index % users.length) % PROJECTS]!;
        const { id } = await json(
          await post('/api/tasks', { projectId, title: `Seed ${index}` }, user.accessToken),
          201,
          'task',
        );
        tasksByProject[projectId]!.push(id);
      },
    );
    console.log(`setup: done in ${round((performance.now() - setupStarted) / 1000, 1)} s`);

    const { rows: beforeRows } = await sql.query<{ count: string }>(
      'SELECT count(*) AS count FROM eventstore_events',
    );
    const input: LoadInput = {
      baseUrl,
      clients: users.map((user, index) => ({
        accessToken: user.accessToken,
        projectId: projectIds[index % PROJECTS]!,
      })),
      tasksByProject,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      createShare: CREATE_SHARE,
    };
    console.log(`load: ${CLIENTS} clients, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s measured`);

    // Where the CPU goes in the measured window: this thread (the server), the load worker's
    // thread, and the PostgreSQL backends serving this database. Per command, these do not
    // depend on what else the (shared) machine is doing, unlike commands/s.
    const backendPids = async () =>
      (
        await sql.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
        )
      ).rows.map((row) => row.pid);
    const window = {
      started: performance.now(),
      elu: performance.eventLoopUtilization(),
      serverCpuMs: threadCpuMs(),
      machine: await machineCpu(),
      pgCpu: new Map<number, number>(),
    };
    const warmupDone = setTimeout(async () => {
      window.started = performance.now();
      window.elu = performance.eventLoopUtilization();
      window.serverCpuMs = threadCpuMs();
      window.machine = await machineCpu();
      window.pgCpu = await processCpuMs(await backendPids());
    }, WARMUP_SECONDS * 1000);
    const output = await new Promise<LoadOutput>((resolve, reject) => {
      const worker = new Worker(new URL('./load.ts', import.meta.url), { workerData: input });
      worker.once('message', (message: { ok: true; output: LoadOutput } | { ok: false; error: string }) =>
        message.ok ? resolve(message.output) : reject(new Error(message.error)),
      );
      worker.once('error', reject);
    });
    clearTimeout(warmupDone);
    const windowSeconds = (performance.now() - window.started) / 1000;
    const serverUtilisation = performance.eventLoopUtilization(window.elu).utilization;
    const serverCpuMs = threadCpuMs() - window.serverCpuMs;
    const cpuAfter = await machineCpu();
    const pgAfter = await processCpuMs([...new Set([...window.pgCpu.keys(), ...(await backendPids())])]);
    const pgCpuMs = [...pgAfter].reduce(
      (sum, [pid, ms]) => sum + Math.max(0, ms - (window.pgCpu.get(pid) ?? 0)),
      0,
    );
    const { rows: afterRows } = await sql.query<{ count: string }>(
      'SELECT count(*) AS count FROM eventstore_events',
    );

    const succeeded = output.createLatencies.length + output.patchLatencies.length;
    const attempted = Object.values(output.statuses).reduce((sum, count) => sum + count, 0);
    const errors = attempted - succeeded;
    const all = summarise([...output.createLatencies, ...output.patchLatencies]);
    const commandsPerSecond = Math.round(succeeded / output.measuredSeconds);
    const machineBusy =
      window.machine && cpuAfter
        ? (cpuAfter.busy - window.machine.busy) / Math.max(1, cpuAfter.total - window.machine.total)
        : null;
    const perCommand = (ms: number) => round(ms / Math.max(1, attempted), 3);
    const cpuPerCommand = {
      serverMs: perCommand(serverCpuMs),
      loadClientMs: perCommand(output.clientCpuMs),
      postgresMs: perCommand(pgCpuMs),
    };
    const cpuTotalPerCommand = cpuPerCommand.serverMs + cpuPerCommand.loadClientMs + cpuPerCommand.postgresMs;

    const result = {
      benchmark: 'commands',
      at: new Date().toISOString(),
      command: 'node command-service/bench/commands.bench.ts',
      machine: {
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
      },
      setup: {
        clients: CLIENTS,
        projects: PROJECTS,
        seedTasksPerProject: SEED_TASKS_PER_PROJECT,
        mix: { createTask: CREATE_SHARE, patchTask: round(1 - CREATE_SHARE) },
        warmupSeconds: WARMUP_SECONDS,
        measuredSeconds: round(output.measuredSeconds),
        pgPoolSize: POOL_SIZE,
        eventStore: 'postgres',
        argon2: ARGON2ID_OWASP,
      },
      commands: {
        succeeded,
        errors,
        statuses: output.statuses,
        perSecond: commandsPerSecond,
        latency: all,
        createTask: summarise(output.createLatencies),
        patchTask: summarise(output.patchLatencies),
        eventsAppended: Number(afterRows[0]?.count) - Number(beforeRows[0]?.count),
        sampleErrors: output.sampleErrors,
      },
      utilisation: {
        serverEventLoop: round(serverUtilisation),
        clientEventLoop: round(output.clientEventLoopUtilisation),
        serverCpuCores: round(serverCpuMs / 1000 / windowSeconds),
        loadClientCpuCores: round(output.clientCpuMs / 1000 / windowSeconds),
        postgresCpuCores: round(pgCpuMs / 1000 / windowSeconds),
        machineCpu: machineBusy === null ? null : round(machineBusy),
        loadAverageAtStart: loadAverageAtStart.map((value) => round(value)),
        cpuMsPerCommand: cpuPerCommand,
        /** Single-threaded server: its CPU per command caps commands/s at 1000 / serverMs. */
        serverThreadCeilingPerSecond: Math.round(1000 / Math.max(0.001, cpuPerCommand.serverMs)),
        /** Everything on this machine's cores, if nothing else ran: cores × 1000 / total ms. */
        machineCeilingPerSecond: Math.round(
          (availableParallelism() * 1000) / Math.max(0.001, cpuTotalPerCommand),
        ),
      },
      login: { medianMs: round(median(loginTimes)), samples: LOGIN_SAMPLES },
      argon2Hash: { medianMs: round(median(hashTimes)), samples: HASH_SAMPLES },
      target: TARGET,
      met: {
        commandsPerSecond: commandsPerSecond >= TARGET.commandsPerSecond,
        p99: all.p99Ms <= TARGET.p99Ms,
      },
    };

    const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
    printTable(
      `command-service: ${CLIENTS} clients, ${CREATE_SHARE * 100}/${round((1 - CREATE_SHARE) * 100)} create/PATCH, ${round(output.measuredSeconds, 1)} s measured`,
      ['measure', 'result', 'target', 'met'],
      [
        [
          'commands/s',
          String(commandsPerSecond),
          `>= ${TARGET.commandsPerSecond}`,
          yes(result.met.commandsPerSecond),
        ],
        ['latency p50 (ms)', String(all.p50Ms), '', ''],
        ['latency p99 (ms)', String(all.p99Ms), `<= ${TARGET.p99Ms}`, yes(result.met.p99)],
        [
          'create p50 / p99 (ms)',
          `${result.commands.createTask.p50Ms} / ${result.commands.createTask.p99Ms}`,
          '',
          '',
        ],
        [
          'PATCH p50 / p99 (ms)',
          `${result.commands.patchTask.p50Ms} / ${result.commands.patchTask.p99Ms}`,
          '',
          '',
        ],
        ['succeeded / errors', `${succeeded} / ${errors}`, '', ''],
        ['statuses', JSON.stringify(output.statuses), '', ''],
        ['events appended', String(result.commands.eventsAppended), '', ''],
        ['server event loop busy', `${round(serverUtilisation * 100, 0)} %`, '', ''],
        ['client event loop busy', `${round(output.clientEventLoopUtilisation * 100, 0)} %`, '', ''],
        [
          'CPU cores: server / client / pg',
          `${result.utilisation.serverCpuCores} / ${result.utilisation.loadClientCpuCores} / ${result.utilisation.postgresCpuCores}`,
          '',
          '',
        ],
        [
          'CPU ms/command: server / client / pg',
          `${cpuPerCommand.serverMs} / ${cpuPerCommand.loadClientMs} / ${cpuPerCommand.postgresMs}`,
          '',
          '',
        ],
        [
          'ceiling: server thread / machine',
          `${result.utilisation.serverThreadCeilingPerSecond} / ${result.utilisation.machineCeilingPerSecond} commands/s`,
          '',
          '',
        ],
        ['machine CPU busy', machineBusy === null ? 'n/a' : `${round(machineBusy * 100, 0)} %`, '', ''],
        ['load average at start', loadAverageAtStart.map((value) => round(value)).join(' '), '', ''],
        ['login, median (ms)', String(result.login.medianMs), '', ''],
        ['argon2id hash, median (ms)', String(result.argon2Hash.medianMs), '', ''],
      ],
    );
    if (output.sampleErrors.length > 0) console.log('\nsample errors:\n', output.sampleErrors.join('\n '));

    await mkdir(dirname(RESULTS_FILE), { recursive: true });
    await writeFile(RESULTS_FILE, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten: ${RESULTS_FILE}`);
  } finally {
    await closeApp();
    await sql.close();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('commands bench failed:', error);
    process.exit(1);
  },
);

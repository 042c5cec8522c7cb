/**
 * Read-side benchmark: `node projection-service/bench/projections.bench.ts` with DATABASE_URL
 * (or `./taskflow bench projections`). In a database of its own (dropped at the end):
 *
 * (a) rebuild: generated task traffic (users, projects, members, tasks created, assigned,
 *     moved, renamed, described, prioritised, given deadlines and reminders, inbox reads) is
 *     bulk-loaded into the event store, then `projections rebuild` (the CLI, as operators run
 *     it) replays all of it into fresh read models and swaps them in: events/s;
 * (b) queries: GET /api/tasks filtered by project and status, a page of 50, over the result
 *     (100k tasks in 1k projects), 64 connections against the query plugin in a process of
 *     its own: requests/s and latency;
 * (c) lag: the live projector in a process of its own while events are appended at 1,000/s:
 *     append acknowledged → checkpoint past it (the NOTIFY X-Min-Position waits for), after 2 s
 *     of warm-up. (b) and (c) run after a VACUUM and a CHECKPOINT: steady state.
 *
 * Prints a table and writes bench/results/projections.json. BENCH_EVENTS (default 1,000,000)
 * and BENCH_SECONDS (each measured run, default 15) shorten or lengthen it. 127.0.0.1 only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient, type SqlClient } from '@taskflow/platform/sql';
import { createTestDatabase } from '@taskflow/platform/testing';
import { migrateReadModels } from '../src/schema.ts';
import { READ_MODEL_TABLES } from '../src/testing/dump.ts';
import { createTraffic } from '../src/testing/traffic.ts';
import { measureLag } from './lag.ts';
import { loadTraffic } from './load.ts';
import { measureQueries } from './queries.ts';
import { runRebuildCommand } from './rebuild.ts';
import { printTable } from './table.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RESULTS_FILE = join(import.meta.dirname, '..', '..', 'bench', 'results', 'projections.json');
const SHAPE = { users: 2_000, projects: 1_000, tasks: Math.round(EVENTS / 10), events: EVENTS };
const TARGETS = { rebuildPerSecond: 20_000, queriesPerSecond: 3_000, queryP99Ms: 20, lagP99Ms: 50 };
/** Past this the run is stuck rather than slow: give up instead of hanging. */
const WATCHDOG_MS = 20 * 60_000;

const say = (line: string) => process.stderr.write(`${line}\n`);
const load = () => loadavg().map((value) => Math.round(value * 100) / 100);

async function counts(sql: SqlClient): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ name: string; n: number }>(
    `SELECT 'tasks' AS name, count(*)::int AS n FROM read.tasks UNION ALL
     SELECT 'projects', count(*)::int FROM read.projects UNION ALL
     SELECT 'notifications', count(*)::int FROM read.notifications`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    say(`bench projections: still running after ${WATCHDOG_MS / 60_000} minutes; giving up`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  const database = await createTestDatabase('bench_projections');
  const sql = createPgSqlClient({ connectionString: database.url, maxConnections: 16 });
  try {
    const eventStore = await createPostgresEventStore(sql);
    await migrateReadModels(sql);
    say(`projections benchmark: ${EVENTS} events, ${SECONDS}s per measured run, database ${database.name}`);
    const loadBefore = load();
    say(`load average before: ${loadBefore.join(' ')}`);

    const traffic = createTraffic(SHAPE);
    const loadStarted = performance.now();
    let shown = 0;
    const loaded = await loadTraffic(sql, traffic, EVENTS, (n) => {
      if (n - shown < 200_000) return;
      shown = n;
      say(`  loaded ${n.toLocaleString('en')} events`);
    });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    say(`  loaded ${loaded} events in ${loadSeconds.toFixed(1)}s; rebuilding`);

    const postgresPids = async () =>
      (
        await sql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
          database.name,
        ])
      ).rows.map((row) => row.pid);
    const rebuild = { ...(await runRebuildCommand(database.url, postgresPids)), loadAverage: load() };
    const rows = await counts(sql);
    // Steady state before timing queries and lag: autovacuum's first pass over the fresh tables
    // and the checkpoint after a million writes would otherwise land inside the measurements.
    await sql.exec(
      `VACUUM (ANALYZE) ${Object.keys(READ_MODEL_TABLES)
        .map((table) => `read.${table}`)
        .join(', ')}`,
    );
    await sql.exec('CHECKPOINT').catch(() => say('  (no CHECKPOINT: not a superuser)'));
    say(`  rebuilt: ${JSON.stringify(rows)}; querying`);

    const queries = await measureQueries({
      url: database.url,
      sql,
      connections: 64,
      seconds: SECONDS,
      warmupSeconds: 3,
      postgresPids,
    });
    const queriesLoad = load();
    say(`  ${queries.perSecond} req/s, p99 ${queries.latencyMs.p99} ms; measuring projection lag`);

    const lag = await measureLag({
      url: database.url,
      sql,
      eventStore,
      traffic,
      perSecond: 1_000,
      seconds: SECONDS,
      postgresPids,
    });
    await eventStore.close();

    const met = {
      rebuild: rebuild.perSecond >= TARGETS.rebuildPerSecond,
      queries: queries.perSecond >= TARGETS.queriesPerSecond,
      queryP99: queries.latencyMs.p99 <= TARGETS.queryP99Ms,
      lagP99: lag.lagMs.p99 <= TARGETS.lagP99Ms,
    };
    const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
    // What the code costs, apart from the neighbours: both processes' CPU per operation, and
    // the rate two otherwise idle cores could sustain at that cost.
    const rebuildCpu = rebuild.cpu.commandMicrosPerEvent + rebuild.cpu.postgresMicrosPerEvent;
    const serviceCpu = queries.serverCpuMsPerRequest + queries.postgresCpuMsPerRequest;
    const capacity = (cpuSeconds: number) => (cpuSeconds > 0 ? Math.round(2 / cpuSeconds) : Number.NaN);
    const idleCores = {
      rebuildPerSecond: capacity(rebuildCpu / 1e6),
      queriesPerSecond: capacity(serviceCpu / 1e3),
    };
    printTable('Read side (projection-service)', [
      [
        'bulk load into the event store',
        `${Math.round(loaded / loadSeconds)} events/s (${loadSeconds.toFixed(1)}s)`,
        '',
        '',
      ],
      [
        `rebuild of ${rebuild.events} events`,
        `${rebuild.perSecond} events/s (${rebuild.seconds}s)`,
        '>= 20000',
        mark(met.rebuild),
      ],
      [
        '  CPU per event: command + PostgreSQL',
        `${rebuild.cpu.commandMicrosPerEvent} + ${rebuild.cpu.postgresMicrosPerEvent} µs (2 idle cores: ${idleCores.rebuildPerSecond}/s)`,
        '',
        '',
      ],
      ['GET /api/tasks, 64 connections', `${queries.perSecond} req/s`, '>= 3000', mark(met.queries)],
      [
        '  latency p50 / p99 / max (ms)',
        `${queries.latencyMs.p50} / ${queries.latencyMs.p99} / ${queries.latencyMs.max}`,
        'p99 <= 20',
        mark(met.queryP99),
      ],
      [
        '  non-2xx / errors, rows per page',
        `${queries.non2xx} / ${queries.errors}, ${queries.averagePageSize}`,
        '',
        '',
      ],
      [
        '  CPU per request: server + PostgreSQL',
        `${queries.serverCpuMsPerRequest} + ${queries.postgresCpuMsPerRequest} ms (2 idle cores: ${idleCores.queriesPerSecond}/s; autocannon ${queries.loadGeneratorCpuMsPerRequest} ms)`,
        '',
        '',
      ],
      [
        `lag at ${lag.appendedPerSecond} events/s, p50 / p99 (ms)`,
        `${lag.lagMs.p50} / ${lag.lagMs.p99} (max ${lag.lagMs.max})`,
        'p99 <= 50',
        mark(met.lagP99),
      ],
      [
        '  CPU per event: projector + PostgreSQL',
        `${lag.projectorCpuMsPerEvent} + ${lag.postgresCpuMsPerEvent} ms`,
        '',
        '',
      ],
    ]);

    const report = {
      benchmark: 'projections',
      at: new Date().toISOString(),
      command: './taskflow bench projections',
      machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model, node: process.version },
      // Other work on the machine (one-minute load average) weighs on every figure.
      loadAverage: {
        before: loadBefore,
        afterRebuild: rebuild.loadAverage,
        afterQueries: queriesLoad,
        end: load(),
      },
      data: { events: loaded, shape: SHAPE, readModels: rows },
      bulkLoad: {
        events: loaded,
        seconds: Math.round(loadSeconds * 10) / 10,
        perSecond: Math.round(loaded / loadSeconds),
      },
      rebuild,
      queries,
      lag,
      // At the CPU each operation cost here, the rate two otherwise idle cores could sustain.
      idleCores,
      targets: TARGETS,
      met,
    };
    await mkdir(join(RESULTS_FILE, '..'), { recursive: true });
    await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${RESULTS_FILE}`);
  } finally {
    await sql.close();
    await database.drop();
    clearTimeout(watchdog);
  }
}

await main();

/**
 * Event store benchmark: `node platform/bench/eventstore.bench.ts` with DATABASE_URL set.
 * Creates (and drops) a database of its own, prints a table and writes
 * bench/results/eventstore.json. Appends and the bare INSERT reference alternate in 1 s slices
 * so that load from anything else on the machine weighs on both alike. BENCH_SECONDS (per run, default 5) and BENCH_READ_EVENTS
 * (default 1,000,000) shorten or lengthen it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore, type EventStore } from '../src/eventstore/index.ts';
import { createPgSqlClient, type SqlClient } from '../src/sql/index.ts';
import { createTestDatabase } from '../src/testing/index.ts';
import { measureLiveLag } from './lag.ts';
import { printTable, round, runInterleaved, runLoop } from './stats.ts';
import { appendOperation, bareInsertOperation } from './workload.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const READ_EVENTS = Number(process.env.BENCH_READ_EVENTS ?? 1_000_000);
const RESULTS_FILE = join(import.meta.dirname, '..', '..', 'bench', 'results', 'eventstore.json');
/** Bulk-loads events straight into the table (setup only), in transactions of 100,000. */
async function loadEvents(sql: SqlClient, count: number): Promise<void> {
  for (let done = 0; done < count; done += 100_000) {
    await sql.query(
      `INSERT INTO eventstore_events (stream_id, revision, event_id, event_type, data, metadata)
       SELECT 'bulk-' || (n / 10), n % 10, gen_random_uuid(), 'TaskStatusChanged',
              jsonb_build_object('taskId', gen_random_uuid(), 'from', 'todo', 'to', 'in_progress', 'sequence', n),
              jsonb_build_object('actor', 'bench-user', 'commandId', gen_random_uuid(), 'correlationId', gen_random_uuid(),
                                 'causationId', null, 'occurredAt', now(), 'schemaVersion', 1)
       FROM generate_series($1::bigint, $2::bigint - 1) AS n`,
      [done, Math.min(count, done + 100_000)],
    );
  }
  await sql.exec('VACUUM ANALYZE eventstore_events');
}

async function measureReadAll(store: EventStore, pageSize: number) {
  const started = performance.now();
  let after: string | undefined;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.length === 0) break;
    events += page.length;
    after = page.at(-1)!.position;
  }
  const seconds = (performance.now() - started) / 1000;
  return { pageSize, events, seconds: round(seconds, 2), perSecond: Math.round(events / seconds) };
}

async function countCheckpoints(sql: SqlClient): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    'SELECT (checkpoints_timed + checkpoints_req)::int AS n FROM pg_stat_bgwriter',
  );
  return rows[0]?.n ?? 0;
}

async function main(): Promise<void> {
  const database = await createTestDatabase('bench_eventstore');
  const sql = createPgSqlClient({ connectionString: database.url, maxConnections: 24 });
  try {
    const store = await createPostgresEventStore(sql);
    await sql.exec('CREATE TABLE bench_plain (id bigserial PRIMARY KEY, payload jsonb NOT NULL)');
    const settings = await sql.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method', 'server_version')",
    );
    console.log(`event store benchmark: ${SECONDS}s per run, database ${database.name}`);
    const checkpointsBefore = await countCheckpoints(sql);
    await runLoop(4, 1, appendOperation(store, 'warmup'));
    await runLoop(4, 1, bareInsertOperation(sql));

    const writes: Record<string, { appends: unknown; bareInsert: unknown; ratio: number }> = {};
    for (const concurrency of [1, 16]) {
      const { bare, appends } = await runInterleaved(concurrency, SECONDS, {
        bare: bareInsertOperation(sql),
        appends: appendOperation(store, `w${concurrency}`),
      });
      if (!bare || !appends) throw new Error('a variant did not run');
      writes[concurrency] = {
        appends,
        bareInsert: bare,
        ratio: round(appends.perSecond / bare.perSecond, 3),
      };
      console.log(
        `  ${concurrency} writer(s): appends ${appends.perSecond}/s, bare INSERT ${bare.perSecond}/s`,
      );
    }

    const lag = await measureLiveLag(database.url, store, SECONDS);
    console.log(
      `  live lag under 16 writers (${lag.load.perSecond} appends/s): p50 ${lag.lagP50Ms} ms, p99 ${lag.lagP99Ms} ms`,
    );

    const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM eventstore_events');
    const existing = rows[0]?.n ?? 0;
    console.log(`  loading ${READ_EVENTS - existing} events for the readAll run`);
    await loadEvents(sql, Math.max(0, READ_EVENTS - existing));
    const readAll = [await measureReadAll(store, 1_000), await measureReadAll(store, 10_000)];
    await store.close();

    const checkpoints = (await countCheckpoints(sql)) - checkpointsBefore;
    const one = writes[1] as { appends: { perSecond: number }; ratio: number };
    const sixteen = writes[16] as {
      appends: { perSecond: number };
      bareInsert: { perSecond: number };
      ratio: number;
    };
    const bestRead = Math.max(...readAll.map((run) => run.perSecond));
    const met = {
      ratioAt1: one.ratio >= 0.7,
      ratioAt16: sixteen.ratio >= 0.7,
      appendsAt16: sixteen.appends.perSecond >= 8_000,
      readAll: bestRead >= 100_000,
      lagP99: lag.lagP99Ms <= 20,
    };
    const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
    printTable('Event store (PostgreSQL adapter)', [
      ['appends/s, 1 writer', `${one.appends.perSecond}`, '', ''],
      [
        'bare INSERT/s, 1 writer',
        `${(writes[1] as { bareInsert: { perSecond: number } }).bareInsert.perSecond}`,
        '',
        '',
      ],
      ['ratio, 1 writer', `${one.ratio}`, '>= 0.70', mark(met.ratioAt1)],
      ['appends/s, 16 writers', `${sixteen.appends.perSecond}`, '>= 8000', mark(met.appendsAt16)],
      ['bare INSERT/s, 16 writers', `${sixteen.bareInsert.perSecond}`, '', ''],
      ['ratio, 16 writers', `${sixteen.ratio}`, '>= 0.70', mark(met.ratioAt16)],
      ...readAll.map((run): [string, string, string, string] => [
        `readAll events/s (pages of ${run.pageSize})`,
        `${run.perSecond} (${run.events} in ${run.seconds}s)`,
        '>= 100000',
        mark(run.perSecond >= 100_000),
      ]),
      [
        'live lag p50 / p99 (ms), 16 writers',
        `${lag.lagP50Ms} / ${lag.lagP99Ms}`,
        'p99 <= 20',
        mark(met.lagP99),
      ],
    ]);

    const report = {
      benchmark: 'eventstore',
      at: new Date().toISOString(),
      machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model, node: process.version },
      postgres: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
      secondsPerRun: SECONDS,
      // Each checkpoint makes the next touch of every index page log a full 8 kB page image.
      checkpointsDuringRun: checkpoints,
      writes,
      readAll,
      liveLag: lag,
      targets: { ratio: 0.7, appendsAt16: 8_000, readAllPerSecond: 100_000, lagP99Ms: 20 },
      met,
    };
    await mkdir(join(RESULTS_FILE, '..'), { recursive: true });
    await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\ncheckpoints during the run: ${checkpoints} (other work on this cluster forces them too)`);
    console.log(`wrote ${RESULTS_FILE}`);
  } finally {
    await sql.close();
    await database.drop();
  }
}

await main();

import { createPostgresEventStore, type EventStore } from '../src/eventstore/index.ts';
import { createPgSqlClient } from '../src/sql/index.ts';
import { type LoopResult, percentile, round, runLoop } from './stats.ts';
import { appendOperation } from './workload.ts';

export interface LagResult {
  load: LoopResult;
  delivered: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

/**
 * Lag = from the moment a writer's append resolved (its commit acknowledged) to the moment a
 * live subscriber on a store instance and connections of its own (as another process would
 * have) got the event. Both run in this one process, sharing its event loop and the CPUs.
 */
export async function measureLiveLag(
  url: string,
  writerStore: EventStore,
  seconds: number,
): Promise<LagResult> {
  const sql = createPgSqlClient({ connectionString: url, maxConnections: 4 });
  const subscriberStore = await createPostgresEventStore(sql, { migrate: false });
  const receivedAt = new Map<string, number>();
  const committedAt = new Map<string, number>();
  const controller = new AbortController();
  const head = (await writerStore.headPosition()) ?? undefined;
  const subscription = (async () => {
    for await (const event of subscriberStore.subscribeToAll({ after: head, signal: controller.signal })) {
      receivedAt.set(event.id, performance.now());
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 200));

  const load = await runLoop(
    16,
    seconds,
    appendOperation(writerStore, `lag-${Date.now()}`, (eventId) =>
      committedAt.set(eventId, performance.now()),
    ),
  );
  const deadline = Date.now() + 10_000;
  while (receivedAt.size < committedAt.size && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  controller.abort();
  await subscription;
  await subscriberStore.close();
  await sql.close();

  // The subscriber can see an event before the writer's own callback runs: that counts as 0.
  const lags = [...committedAt].map(([id, at]) =>
    Math.max(0, (receivedAt.get(id) ?? Number.POSITIVE_INFINITY) - at),
  );
  lags.sort((a, b) => a - b);
  return {
    load,
    delivered: receivedAt.size,
    lagP50Ms: round(percentile(lags, 0.5), 2),
    lagP99Ms: round(percentile(lags, 0.99), 2),
    lagMaxMs: round(lags.at(-1) ?? Number.NaN, 2),
  };
}

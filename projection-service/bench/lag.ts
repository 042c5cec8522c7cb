import type { EventStore, Position } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import { CHECKPOINT_CHANNEL } from '../src/checkpoints/store.ts';
import { READ_SCHEMA } from '../src/schema.ts';
import type { createTraffic } from '../src/testing/traffic.ts';
import { cpuSecondsOf, meterCpu, startChild } from './child.ts';

export interface LagResult {
  targetPerSecond: number;
  appendedPerSecond: number;
  appended: number;
  /** Appends timed (after the warm-up) that became visible. */
  visible: number;
  lagMs: { p50: number; p90: number; p99: number; max: number };
  /** CPU the projector process used per event applied. */
  projectorCpuMsPerEvent: number;
  /** PostgreSQL's per event: the appends' and the projector's work together. */
  postgresCpuMsPerEvent: number;
}

/**
 * Projection lag: from the moment an append is acknowledged to the moment the read models'
 * checkpoint is at or past it, as a query waiting with X-Min-Position learns it (the NOTIFY
 * each committed batch sends). The live projector runs as in production, in a process of its
 * own; appends are paced at `perSecond`, one event each (a command's append), in the order the
 * traffic generator made them (each stream's events one after the other).
 */
export async function measureLag(options: {
  url: string;
  sql: SqlClient;
  eventStore: EventStore;
  traffic: ReturnType<typeof createTraffic>;
  perSecond: number;
  seconds: number;
  warmupSeconds?: number;
  postgresPids: () => Promise<number[]>;
}): Promise<LagResult> {
  const { eventStore } = options;
  const projector = await startChild('./projector-process.ts', { DATABASE_URL: options.url });
  const pending = new Set<{ position: Position; at: number; measured: boolean }>();
  const lags: number[] = [];
  const unlisten = await options.sql.listen(CHECKPOINT_CHANNEL, (payload) => {
    const now = performance.now();
    const message = payload === null ? null : (JSON.parse(payload) as { schema: string; position: string });
    if (message?.schema !== READ_SCHEMA) return;
    for (const entry of pending) {
      if (eventStore.comparePositions(entry.position, message.position) <= 0) {
        if (entry.measured) lags.push(now - entry.at);
        pending.delete(entry);
      }
    }
  });
  const projectorCpu = await cpuSecondsOf(projector.child.pid);
  const postgres = meterCpu(options.postgresPids);
  await postgres.start();
  try {
    const streams = new Map<string, Promise<unknown>>();
    let failure: unknown;
    const positions = new Map<string, Position>();
    // The first seconds warm the projector's connections and caches up: appended, not timed.
    const warmupMs = (options.warmupSeconds ?? 2) * 1000;
    const total = Math.round(options.perSecond * (options.seconds + warmupMs / 1000));
    const started = performance.now();
    let launched = 0;
    while (launched < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.perSecond));
      while (launched < due) {
        for (const row of options.traffic.next(1)) {
          launched += 1;
          const event = { id: row.event_id, type: row.event_type, data: row.data, metadata: row.metadata };
          const previous = streams.get(row.stream_id) ?? Promise.resolve();
          const append = previous.then(async () => {
            if (failure) return;
            const result = await eventStore.appendToStream(row.stream_id, [event], {
              expectedRevision: row.revision === 0 ? 'no_stream' : row.revision - 1,
            });
            const at = performance.now();
            pending.add({ position: result.position, at, measured: at - started >= warmupMs });
            positions.set(row.event_id, result.position);
          });
          streams.set(
            row.stream_id,
            append.catch((error: unknown) => {
              failure ??= error;
            }),
          );
        }
      }
      if (positions.size > 500) {
        options.traffic.stored(positions);
        positions.clear();
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(streams.values());
    if (failure) throw failure;
    const appendedSeconds = (performance.now() - started) / 1000;
    for (let waited = 0; pending.size > 0 && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    options.traffic.stored(positions);
    const cpu = (await cpuSecondsOf(projector.child.pid)) - projectorCpu;
    const postgresCpu = await postgres.stop();
    lags.sort((a, b) => a - b);
    const at = (p: number) =>
      round(lags[Math.min(lags.length - 1, Math.max(0, Math.ceil(p * lags.length) - 1))]);
    return {
      targetPerSecond: options.perSecond,
      appendedPerSecond: Math.round(launched / appendedSeconds),
      appended: launched,
      visible: lags.length,
      lagMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(lags.at(-1)) },
      projectorCpuMsPerEvent: Math.round((cpu / Math.max(launched, 1)) * 1e5) / 100,
      postgresCpuMsPerEvent: Math.round((postgresCpu / Math.max(launched, 1)) * 1e5) / 100,
    };
  } finally {
    await unlisten();
    await projector.stop();
  }
}

function round(value: number | undefined): number {
  return value === undefined ? Number.NaN : Math.round(value * 10) / 10;
}

/** Small helpers for the benchmark scripts: timing loops, percentiles, a printed table. */

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index]!;
}

export interface LoopResult {
  operations: number;
  seconds: number;
  perSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

type Operation = (worker: number, iteration: number) => Promise<void>;

/** Runs `operation` back to back on `concurrency` workers for `seconds`, timing every call. */
export async function runLoop(
  concurrency: number,
  seconds: number,
  operation: Operation,
): Promise<LoopResult> {
  const latencies: number[] = [];
  const elapsed = await timeSlice(concurrency, seconds, operation, latencies, new Array(concurrency).fill(0));
  return summarise(latencies, elapsed);
}

/**
 * Alternates the variants in slices of `sliceSeconds` until each had `seconds` in total, so
 * that background load on a shared machine falls on all of them alike.
 */
export async function runInterleaved(
  concurrency: number,
  seconds: number,
  variants: Record<string, Operation>,
  sliceSeconds = 1,
): Promise<Record<string, LoopResult>> {
  const state = Object.fromEntries(
    Object.keys(variants).map((name) => [
      name,
      { latencies: [] as number[], elapsed: 0, iterations: new Array(concurrency).fill(0) },
    ]),
  );
  for (let done = 0; done < seconds; done += sliceSeconds) {
    for (const [name, operation] of Object.entries(variants)) {
      const entry = state[name]!;
      entry.elapsed += await timeSlice(
        concurrency,
        sliceSeconds,
        operation,
        entry.latencies,
        entry.iterations,
      );
    }
  }
  return Object.fromEntries(
    Object.entries(state).map(([name, entry]) => [name, summarise(entry.latencies, entry.elapsed)]),
  );
}

async function timeSlice(
  concurrency: number,
  seconds: number,
  operation: Operation,
  latencies: number[],
  iterations: number[],
): Promise<number> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const begin = performance.now();
        await operation(worker, iterations[worker]!);
        iterations[worker]! += 1;
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

function summarise(latencies: number[], elapsedSeconds: number): LoopResult {
  latencies.sort((a, b) => a - b);
  return {
    operations: latencies.length,
    seconds: round(elapsedSeconds, 2),
    perSecond: Math.round(latencies.length / elapsedSeconds),
    latencyP50Ms: round(percentile(latencies, 0.5), 2),
    latencyP99Ms: round(percentile(latencies, 0.99), 2),
  };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function printTable(title: string, rows: Array<[string, string, string, string]>): void {
  const header: [string, string, string, string] = ['measure', 'result', 'target', 'met'];
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

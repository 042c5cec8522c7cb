/**
 * The benchmark's clients, run in a worker thread so they do not share the server's event loop:
 * `clients` concurrent loops, each one user with its own keep-alive connection (global fetch,
 * i.e. undici), sending POST /api/tasks or PATCH /api/tasks/:id back to back. Only requests that
 * start after the warm-up are measured.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { threadCpuMs } from './stats.ts';

export interface LoadInput {
  baseUrl: string;
  clients: { accessToken: string; projectId: string }[];
  /** Task ids each project starts with; tasks the run creates join them. */
  tasksByProject: Record<string, string[]>;
  warmupSeconds: number;
  seconds: number;
  createShare: number;
}

export interface LoadOutput {
  createLatencies: number[];
  patchLatencies: number[];
  statuses: Record<string, number>;
  transportErrors: number;
  /** Non-2xx answers as `method status: detail`, a few of each, for the report. */
  sampleErrors: string[];
  measuredSeconds: number;
  clientEventLoopUtilisation: number;
  /** CPU the load worker's thread used in the measured window (ms). */
  clientCpuMs: number;
}

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

async function run(input: LoadInput): Promise<LoadOutput> {
  const output: LoadOutput = {
    createLatencies: [],
    patchLatencies: [],
    statuses: {},
    transportErrors: 0,
    sampleErrors: [],
    measuredSeconds: 0,
    clientEventLoopUtilisation: 0,
    clientCpuMs: 0,
  };
  const started = performance.now();
  const measureFrom = started + input.warmupSeconds * 1000;
  const endAt = measureFrom + input.seconds * 1000;
  let lastDone = measureFrom;
  let eluStart = performance.eventLoopUtilization();
  let cpuStart = threadCpuMs();
  let eluTaken = false;

  async function client(index: number): Promise<void> {
    const { accessToken, projectId } = input.clients[index]!;
    const pool = input.tasksByProject[projectId]!;
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    for (let iteration = 0; ; iteration++) {
      const begin = performance.now();
      if (begin >= endAt) return;
      if (!eluTaken && begin >= measureFrom) {
        eluTaken = true;
        eluStart = performance.eventLoopUtilization();
        cpuStart = threadCpuMs();
      }
      const create = Math.random() < input.createShare || pool.length === 0;
      const label = `${index}-${iteration}`;
      const request = create
        ? {
            url: `${input.baseUrl}/api/tasks`,
            method: 'POST',
            body: { projectId, title: `Bench task ${label}`, priority: PRIORITIES[iteration % 4] },
          }
        : {
            url: `${input.baseUrl}/api/tasks/${pool[Math.floor(Math.random() * pool.length)]}`,
            method: 'PATCH',
            // Always a real change (a new title), sometimes two fields: one or two intent events.
            body:
              iteration % 3 === 0
                ? { title: `Renamed ${label}`, priority: PRIORITIES[(iteration >> 2) % 4] }
                : { title: `Renamed ${label}` },
          };
      let status = 0;
      let text = '';
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers,
          body: JSON.stringify(request.body),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        text = error instanceof Error ? error.message : String(error);
      }
      const done = performance.now();
      if (create && status === 201) pool.push(JSON.parse(text).id);
      if (begin < measureFrom) continue;
      lastDone = Math.max(lastDone, done);
      const key = status === 0 ? 'transport error' : String(status);
      output.statuses[key] = (output.statuses[key] ?? 0) + 1;
      if (status === 0) output.transportErrors++;
      if (status >= 200 && status < 300) {
        (create ? output.createLatencies : output.patchLatencies).push(done - begin);
      } else if (output.sampleErrors.length < 10) {
        output.sampleErrors.push(`${request.method} ${status}: ${text.slice(0, 200)}`);
      }
    }
  }

  await Promise.all(input.clients.map((_, index) => client(index)));
  output.measuredSeconds = (lastDone - measureFrom) / 1000;
  output.clientEventLoopUtilisation = performance.eventLoopUtilization(eluStart).utilization;
  output.clientCpuMs = threadCpuMs() - cpuStart;
  return output;
}

if (parentPort) {
  const port = parentPort;
  run(workerData as LoadInput).then(
    (output) => port.postMessage({ ok: true, output }),
    (error: unknown) => port.postMessage({ ok: false, error: String(error) }),
  );
}

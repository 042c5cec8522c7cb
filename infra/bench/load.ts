/**
 * A load-generator process of the end-to-end benchmark (never the process under test). The
 * bench starts it with the open-files soft limit raised to the hard one, sends it one job over
 * IPC and reads back progress and the result:
 * - `commands`: autocannon, each client looping POST /api/tasks → PATCH → PATCH on the task it
 *   created (the creator may edit it), tokens taken in turn;
 * - `queries`: autocannon, GET /api/tasks?projectId=&status=todo&limit=50;
 * - `fleet`: idle WebSocket clients (infra/e2e's SocketClient) held until `close`;
 * - `assign`: the assignees' sockets, and PATCH { assigneeId } paced at a fixed rate, each timed
 *   from just before the request to the `task.assigned` frame on the assignee's socket.
 */
import autocannon, { type Request as AutocannonRequest } from 'autocannon';
import { SocketClient } from '../e2e/clients.ts';
import type {
  AssignJob,
  AssignResult,
  FleetJob,
  HttpJob,
  HttpResult,
  Latency,
  LoadCommand,
  LoadReply,
} from './protocol.ts';

const send = (reply: LoadReply) => process.send?.(reply);
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

export function latencyOf(values: number[]): Latency {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const round = (v: number | undefined) => (v === undefined ? Number.NaN : Math.round(v * 10) / 10);
  return {
    count: sorted.length,
    p50Ms: round(at(0.5)),
    p90Ms: round(at(0.9)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/** CPU this process used since `since` (process.cpuUsage()), in cores over `seconds`. */
const coresSince = (since: NodeJS.CpuUsage, seconds: number) => {
  const used = process.cpuUsage(since);
  return Math.round(((used.user + used.system) / 1e6 / Math.max(seconds, 0.001)) * 100) / 100;
};

async function runHttp(job: HttpJob): Promise<HttpResult> {
  let turn = 0;
  let made = 0;
  const nextToken = () => job.tokens[turn++ % job.tokens.length]!;
  // onResponse runs just before autocannon's 'response' event for the same answer: it says which.
  let kind = '';
  const sampleErrors: string[] = [];
  const remember = (status: number, body: string) => {
    if (status >= 300 && sampleErrors.length < 8)
      sampleErrors.push(`${kind} ${status}: ${body.slice(0, 160)}`);
  };
  const json = (token: string) => ({
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  });
  const patch = (which: string): AutocannonRequest => ({
    method: 'PATCH',
    setupRequest: (request, context) => {
      if (typeof context.id !== 'string') return undefined;
      const n = made++;
      return {
        ...request,
        path: `/api/tasks/${context.id}`,
        headers: json(context.token as string),
        body: JSON.stringify(
          n % 3 === 0 ? { title: `Renamed ${n}`, priority: PRIORITIES[n % 4] } : { title: `Renamed ${n}` },
        ),
      };
    },
    onResponse: (status, body) => {
      kind = which;
      remember(status, body);
    },
  });
  const requests: AutocannonRequest[] =
    job.role === 'commands'
      ? [
          {
            method: 'POST',
            path: '/api/tasks',
            setupRequest: (request, context) => {
              context.token = nextToken();
              const n = made++;
              return {
                ...request,
                headers: json(context.token as string),
                body: JSON.stringify({
                  projectId: job.projectId,
                  title: `Load ${n}`,
                  priority: PRIORITIES[n % 4],
                }),
              };
            },
            onResponse: (status, body, context) => {
              kind = 'create';
              remember(status, body);
              if (status === 201) context.id = JSON.parse(body).id;
            },
          },
          patch('patch'),
          patch('patch'),
        ]
      : [
          {
            method: 'GET',
            path: `/api/tasks?projectId=${job.projectId}&status=todo&limit=50`,
            setupRequest: (request) => ({ ...request, headers: { authorization: `Bearer ${nextToken()}` } }),
            onResponse: (status, body) => {
              kind = 'list';
              remember(status, body);
            },
          },
        ];

  send({ type: 'progress', role: job.role, text: 'warming up' });
  const latencies: number[] = [];
  const byKind: Record<string, number[]> = {};
  const statuses: Record<string, number> = {};
  let cpuStart = process.cpuUsage();
  let startedAt = 0;
  const instance = autocannon({
    url: job.baseUrl,
    connections: job.connections,
    duration: job.seconds,
    timeout: 10,
    requests,
    warmup: { connections: job.connections, duration: job.warmupSeconds },
  });
  instance.on('start', () => {
    cpuStart = process.cpuUsage();
    startedAt = performance.now();
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status < 200 || status >= 300) return;
    latencies.push(ms);
    const bucket = byKind[kind] ?? [];
    byKind[kind] = bucket;
    bucket.push(ms);
  });
  instance.on('tick', ({ counter }: { counter: number }) => {
    if (startedAt > 0) send({ type: 'progress', role: job.role, text: `${counter}/s` });
  });
  const result = await instance;
  const seconds = result.duration;
  const ok = latencies.length;
  return {
    role: job.role,
    connections: job.connections,
    seconds: Math.round(seconds * 10) / 10,
    ok,
    perSecond: Math.round(ok / seconds),
    latency: latencyOf(latencies),
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, latencyOf(v)])),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    sampleErrors,
    cpuCores: coresSince(cpuStart, (performance.now() - startedAt) / 1000),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function bounded<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index]!, index);
      }
    }),
  );
}

const fleet: SocketClient[] = [];

async function openFleet(job: FleetJob): Promise<void> {
  const started = performance.now();
  const sampleErrors: string[] = [];
  let failed = 0;
  const ticker = setInterval(
    () => send({ type: 'progress', role: 'fleet', text: `${fleet.length}/${job.tokens.length} sockets` }),
    1_000,
  );
  await bounded(job.tokens, job.concurrency, async (token) => {
    const client = new SocketClient(job.baseUrl, token);
    try {
      await client.opened;
      fleet.push(client);
    } catch (error) {
      failed += 1;
      if (sampleErrors.length < 5) sampleErrors.push(error instanceof Error ? error.message : String(error));
      client.socket.terminate();
    }
  });
  clearInterval(ticker);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  send({ type: 'opened', open: fleet.length, failed, seconds, sampleErrors });
}

async function runAssign(job: AssignJob): Promise<AssignResult> {
  const sampleErrors: string[] = [];
  const assignees = job.assignees.map(({ userId, token }) => ({
    userId,
    client: new SocketClient(job.baseUrl, token),
  }));
  await Promise.all(assignees.map((a) => a.client.opened));
  send({ type: 'ready' });
  await go;

  // A frame is matched to its assignment by the event's position: the PATCH answers with it and
  // the notification carries it. The frame may come before the answer, so both sides wait here.
  type Sent = { userId: string; taskId: string; sentAt: number; answeredAt: number; measured: boolean };
  const answered = new Map<string, Sent>();
  const early = new Map<string, { userId: string; taskId: string; at: number }>();
  const free = [...job.taskIds];
  const current = new Map<string, string>();
  const frameMs: number[] = [];
  /** Frame latencies by the second (of the measured window) their assignment was sent in. */
  const bySecond = new Map<number, number[]>();
  let measuredFrom = Number.POSITIVE_INFINITY;
  const postMs: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let accepted = 0;
  let unanswered = 0;
  let skipped = 0;
  let frames = 0;
  let mismatched = 0;

  const afterAnswerMs: number[] = [];
  const matched = (sentTo: Sent, frame: { userId: string; taskId: string; at: number }) => {
    if (sentTo.userId !== frame.userId || sentTo.taskId !== frame.taskId) {
      mismatched += 1;
      return;
    }
    if (!sentTo.measured) return;
    frames += 1;
    frameMs.push(frame.at - sentTo.sentAt);
    const second = Math.floor((sentTo.sentAt - measuredFrom) / 1000);
    const bucket = bySecond.get(second) ?? [];
    bySecond.set(second, bucket);
    bucket.push(frame.at - sentTo.sentAt);
    // The read side's share: projector, Kafka (stack) and notify after the command was answered.
    afterAnswerMs.push(frame.at - sentTo.answeredAt);
  };
  for (const { userId, client } of assignees) {
    client.socket.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString());
      if (frame.type !== 'notification' || frame.notification?.type !== 'task.assigned') return;
      const { position, taskId } = frame.notification as { position: string; taskId: string };
      const sentTo = answered.get(position);
      if (!sentTo) {
        early.set(position, { userId, taskId, at });
        return;
      }
      answered.delete(position);
      matched(sentTo, { userId, taskId, at });
    });
  }

  let turn = 0;
  const assign = (measured: boolean) => {
    // One request in flight per task (two at once would race on its revision).
    const taskId = free.shift();
    if (taskId === undefined) {
      if (measured) skipped += 1;
      return;
    }
    let to = job.assignees[turn++ % job.assignees.length]!;
    if (current.get(taskId) === to.userId) to = job.assignees[turn++ % job.assignees.length]!;
    current.set(taskId, to.userId);
    if (measured) {
      sent += 1;
      unanswered += 1;
    }
    const sentAt = performance.now();
    fetch(`${job.baseUrl}/api/tasks/${taskId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${job.managerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ assigneeId: to.userId }),
    })
      .then(async (response) => {
        const text = await response.text();
        if (measured) {
          unanswered -= 1;
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        }
        if (response.ok) {
          const answeredAt = performance.now();
          if (measured) {
            accepted += 1;
            postMs.push(answeredAt - sentAt);
          }
          const { position } = JSON.parse(text) as { position: string };
          const sentTo = { userId: to.userId, taskId, sentAt, answeredAt, measured };
          const frame = early.get(position);
          if (frame) {
            early.delete(position);
            matched(sentTo, frame);
          } else answered.set(position, sentTo);
        } else if (measured && sampleErrors.length < 5)
          sampleErrors.push(`${response.status}: ${text.slice(0, 160)}`);
      })
      .catch((error: unknown) => {
        if (measured) {
          unanswered -= 1;
          statuses.transport = (statuses.transport ?? 0) + 1;
          if (sampleErrors.length < 5) sampleErrors.push(String(error));
        }
      })
      .finally(() => free.push(taskId));
  };

  const waiting = () => [...answered.values()].filter((a) => a.measured).length;
  // Open loop: every 5 ms, send what the rate says is due by now.
  const pace = async (seconds: number, measured: boolean) => {
    const start = performance.now();
    let due = 0;
    let lastReport = start;
    let frameMark = frames;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        const target = Math.min(job.perSecond * seconds, Math.floor(((now - start) / 1000) * job.perSecond));
        while (due < target) {
          due += 1;
          assign(measured);
        }
        if (now - lastReport >= 1_000) {
          const label = measured ? 'measuring' : 'warming up';
          send({
            type: 'progress',
            role: 'assign',
            text: `${label}: ${frames - frameMark} frames/s, ${job.taskIds.length - free.length} requests in flight`,
          });
          lastReport = now;
          frameMark = frames;
        }
        if (now - start >= seconds * 1000) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
  };

  await pace(job.warmupSeconds, false);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  measuredFrom = started;
  await pace(job.seconds, true);
  const seconds = (performance.now() - started) / 1000;
  const cpuCores = coresSince(cpuStart, seconds);
  // Drain, bounded: the answers and frames of the last assignments.
  const drainUntil = performance.now() + job.frameTimeoutSeconds * 1000;
  while ((unanswered > 0 || waiting() > 0) && performance.now() < drainUntil) {
    send({
      type: 'progress',
      role: 'assign',
      text: `draining: ${unanswered} unanswered, ${waiting()} frames awaited`,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const missing = waiting();
  await Promise.all(assignees.map((a) => a.client.close()));
  return {
    role: 'assign',
    offeredPerSecond: job.perSecond,
    seconds: Math.round(seconds * 10) / 10,
    sent,
    accepted,
    unanswered,
    statuses,
    skipped,
    frames,
    missing,
    mismatched,
    frameLatency: latencyOf(frameMs),
    postLatency: latencyOf(postMs),
    afterAnswerLatency: latencyOf(afterAnswerMs),
    timeline: [...bySecond]
      .sort((x, y) => x[0] - y[0])
      .map(([second, values]) => {
        const { count, p50Ms, maxMs } = latencyOf(values);
        return { second, frames: count, p50Ms, maxMs };
      }),
    sampleErrors,
    cpuCores,
  };
}

let started: () => void = () => {};
/** The assign job waits, sockets open, until the fleet is up. */
const go = new Promise<void>((resolve) => {
  started = resolve;
});

process.on('message', (command: LoadCommand) => {
  if (command.cmd === 'go') {
    started();
    return;
  }
  if (command.cmd === 'close') {
    const stillOpen = fleet.filter((client) => !client.closed).length;
    for (const client of fleet) client.socket.terminate();
    send({ type: 'closed', stillOpen });
    setTimeout(() => process.exit(0), 100);
    return;
  }
  const { job } = command;
  const work =
    job.role === 'fleet'
      ? openFleet(job)
      : job.role === 'assign'
        ? runAssign(job).then((result) => send({ type: 'result', result }))
        : runHttp(job).then((result) => send({ type: 'result', result }));
  work.catch((error: unknown) => {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    setTimeout(() => process.exit(1), 100);
  });
});
// The bench going away takes its load generators with it.
process.on('disconnect', () => process.exit(0));

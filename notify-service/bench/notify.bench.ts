/**
 * notify-service benchmark: `node notify-service/bench/notify.bench.ts` (`./taskflow bench notify`).
 * 1. Idle sockets one notify process holds, and its RSS per socket (server in its own process,
 *    clients in two others). 2. Fan-out: deliveries/s to connected sockets and p99 latency,
 *    paced at the target rate and then unpaced. 3. The Kafka hop p99 at 2,000 messages/s (with
 *    KAFKA_BROKERS). Prints a table and writes bench/results/notify.json.
 * BENCH_SOCKETS (default: 50,000, capped by the open-files limit), BENCH_SECONDS (default 5).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { measureKafkaHop } from './kafka-hop.ts';
import type { ClientCommand, ClientReply, ServerCommand, ServerReply } from './protocol.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RESULTS_FILE = join(import.meta.dirname, '..', '..', 'bench', 'results', 'notify.json');
const FANOUT_USERS = 2_000;

/** The soft open-files limit: each socket is a descriptor in the server process. */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = Number(line?.split(/\s{2,}/)[1]);
  return Number.isFinite(soft) ? soft : 1024;
}

function child<Reply extends { type: string }>(script: string, execArgv: string[] = []) {
  const process = fork(join(import.meta.dirname, script), [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: { type: string; resolve: (reply: Reply) => void }[] = [];
  process.on('message', (reply: Reply) => {
    const at = waiting.findIndex((w) => w.type === reply.type);
    if (at >= 0) waiting.splice(at, 1)[0]!.resolve(reply);
  });
  return {
    process,
    next<T extends Reply['type']>(type: T): Promise<Extract<Reply, { type: T }>> {
      return new Promise((resolve) => waiting.push({ type, resolve: resolve as (reply: Reply) => void }));
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const limit = openFilesLimit();
  const wanted = Number(process.env.BENCH_SOCKETS ?? 50_000);
  const sockets = Math.min(wanted, limit - 1_000);
  const server = child<ServerReply>('server.ts', ['--expose-gc']);
  const { port } = await server.next('ready');
  const url = `http://127.0.0.1:${port}`;
  const ask = (command: ServerCommand) => server.process.send(command);

  ask({ cmd: 'memory' });
  const before = await server.next('memory');
  const users = Array.from({ length: sockets }, () => randomUUID());
  ask({ cmd: 'tokens', users });
  const { tokens } = await server.next('tokens');

  const clients = [child<ClientReply>('clients.ts'), child<ClientReply>('clients.ts')];
  const half = Math.ceil(sockets / 2);
  const openedAt = performance.now();
  clients.forEach((client, i) => {
    client.process.send({
      cmd: 'open',
      url,
      tokens: tokens.slice(i * half, (i + 1) * half),
      localAddresses: ['127.0.0.1', '127.0.0.2', '127.0.0.3'],
    } satisfies ClientCommand);
  });
  const opened = await Promise.all(clients.map((client) => client.next('opened')));
  const openSeconds = (performance.now() - openedAt) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  ask({ cmd: 'memory' });
  const after = await server.next('memory');
  const perSocketKb = (after.rss - before.rss) / 1024 / Math.max(1, after.sockets);

  // Fan-out to the first FANOUT_USERS sockets (they live in the first client process).
  const fanoutUsers = users.slice(0, FANOUT_USERS);
  const fanout = async (perTick: number) => {
    for (const client of clients) client.process.send({ cmd: 'reset' } satisfies ClientCommand);
    ask({ cmd: 'fanout', users: fanoutUsers, perTick, seconds: SECONDS });
    const done = await server.next('fanout-done');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const client of clients) client.process.send({ cmd: 'report' } satisfies ClientCommand);
    const reports = await Promise.all(clients.map((client) => client.next('report')));
    const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const received = reports.reduce((sum, r) => sum + r.received, 0);
    return {
      offeredPerSecond: Math.round(perTick * 100),
      pushed: done.pushed,
      received,
      deliveredPerSecond: Math.round(received / done.seconds),
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP99Ms: percentile(latencies, 0.99),
    };
  };
  const paced = await fanout(200);
  const unpaced = await fanout(2_000);

  for (const client of clients) client.process.send({ cmd: 'close' } satisfies ClientCommand);
  await Promise.all(clients.map((client) => client.next('closed')));
  ask({ cmd: 'stop' });

  const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim());
  const measured = brokers ? await measureKafkaHop(brokers, 2_000, SECONDS) : null;
  const kafka = measured && {
    messages: measured.hop.length,
    latencyP50Ms: percentile(
      measured.hop.sort((a, b) => a - b),
      0.5,
    ),
    latencyP99Ms: percentile(measured.hop, 0.99),
    /** Of which the producer's acknowledged send (acks from all, idempotent), p99. */
    produceP99Ms:
      Math.round(
        percentile(
          measured.produce.sort((a, b) => a - b),
          0.99,
        ) * 10,
      ) / 10,
  };

  const result = {
    benchmark: 'notify',
    at: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      openFilesLimit: limit,
    },
    idle: {
      wanted,
      open: opened.reduce((sum, o) => sum + o.open, 0),
      failed: opened.reduce((sum, o) => sum + o.failed, 0),
      openSeconds: Math.round(openSeconds * 10) / 10,
      rssBeforeMb: mb(before.rss),
      rssAfterMb: mb(after.rss),
      rssPerSocketKb: Math.round(perSocketKb * 100) / 100,
      heapPerSocketKb:
        Math.round(((after.heapUsed - before.heapUsed) / 1024 / Math.max(1, after.sockets)) * 100) / 100,
    },
    fanout: { users: FANOUT_USERS, paced, unpaced },
    kafkaHop: kafka,
  };
  await mkdir(join(RESULTS_FILE, '..'), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify(result, null, 2)}\n`);

  const rows: [string, string, string, string][] = [
    [
      `idle sockets held (limit ${limit} fds)`,
      String(result.idle.open),
      '50,000',
      result.idle.open >= 50_000 ? 'yes' : 'no (fd limit)',
    ],
    ['RSS per idle socket', `${result.idle.rssPerSocketKb} KB`, '≤ 10 KB', perSocketKb <= 10 ? 'yes' : 'no'],
    [
      'fan-out ceiling (unpaced): deliveries/s',
      String(unpaced.deliveredPerSecond),
      '≥ 20,000',
      unpaced.deliveredPerSecond >= 20_000 ? 'yes' : 'no',
    ],
    [
      `fan-out at ${paced.offeredPerSecond}/s offered: delivered (p99)`,
      `${paced.received}/${paced.pushed} (${paced.latencyP99Ms} ms)`,
      '≤ 250 ms',
      paced.received === paced.pushed && paced.latencyP99Ms <= 250 ? 'yes' : 'no',
    ],
    ['fan-out unpaced p99', `${unpaced.latencyP99Ms} ms`, '', ''],
    [
      'Kafka hop p99 at 2,000/s (producer ack p99)',
      kafka ? `${kafka.latencyP99Ms} ms (${kafka.produceP99Ms} ms)` : 'skipped (no KAFKA_BROKERS)',
      '≤ 20 ms',
      kafka ? (kafka.latencyP99Ms <= 20 ? 'yes' : 'no') : '',
    ],
  ];
  const widths = [0, 1, 2, 3].map((c) =>
    Math.max(...[['measure', 'result', 'target', 'met'], ...rows].map((r) => r[c]!.length)),
  );
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  console.log(`\nnotify-service\n${line(['measure', 'result', 'target', 'met'])}`);
  for (const row of rows) console.log(line(row));
  console.log(`\nwritten to ${RESULTS_FILE}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Whole-system benchmark (issue 7): `node infra/bench/e2e.bench.ts` (`./taskflow bench e2e`),
 * with DATABASE_URL and KAFKA_BROKERS set (`./taskflow infra up`).
 *
 * In one run, the stack mode through nginx and then the all-in-one mode, each started fresh by
 * infra/e2e/system.ts (fresh database / PGlite folder, own Kafka topic, LOG_LEVEL=warn, mail to a
 * real SMTP catcher here):
 * 1. task commands/s and p50/p99 at 64 clients (POST /api/tasks, then two PATCHes of that task);
 * 2. at the same time, GET /api/tasks?projectId=&status=todo&limit=50 req/s and p99;
 * 3. with 10,000 WebSocket clients connected, PATCH { assigneeId } at 200/s and the time from
 *    just before the request to the `task.assigned` frame on the assignee's socket.
 * The load comes from separate processes (infra/bench/load.ts: autocannon, a `ws` fleet), all to
 * 127.0.0.1. Prints progress while it runs, a table at the end (with the CPU each process used,
 * other sessions' included), and writes bench/results/e2e.json.
 *
 * Sockets need logged-in users: notify-service takes at most 10 sockets per user, and
 * command-service allows 30 logins per client address per minute. The all-in-one sees the real
 * client address, so ~1,000 users log in from 127.0.0.2… (25 per address; world.ts). Behind
 * nginx every login comes from nginx's 127.0.0.1, so the stack gets 29 users: 4 idle ones hold
 * the fleet with notify-service's WS_MAX_SOCKETS_PER_USER raised (reported in the notes). The
 * 24 assignees hold one socket each in either mode.
 *
 * BENCH_SECONDS (measured seconds per phase, default 15), BENCH_SOCKETS (default 10,000),
 * BENCH_QUERY_CLIENTS (default 16), BENCH_MODES (default `stack,all-in-one`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startMailCatcher } from '../e2e/clients.ts';
import { type Mode, type RunningSystem, startAllInOne, startStack } from '../e2e/system.ts';
import { cpuBetween, snapshot } from './cpu.ts';
import type { AssignResult, HttpResult, LoadCommand, LoadJob, LoadReply } from './protocol.ts';
import { buildWorld } from './world.ts';

const root = resolve(import.meta.dirname, '../..');
const RESULTS_FILE = join(root, 'bench', 'results', 'e2e.json');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = 3;
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const COMMAND_CLIENTS = 64;
const QUERY_CLIENTS = Number(process.env.BENCH_QUERY_CLIENTS ?? 16);
const ASSIGN_RATE = 200;
const ASSIGNEES = 24;
const ASSIGN_TASKS = 600;
/** Between the fleet being connected and the first assignment. */
const SETTLE_SECONDS = 5;
/** After the assign window, how long the last answers and frames may take. */
const DRAIN_SECONDS = 5;
/** command-service's login throttle: attempts per client address per minute. */
const LOGIN_BUDGET_THROUGH_NGINX = 30;
/** notify-service's default per-user socket cap (the all-in-one cannot change it). */
const DEFAULT_SOCKETS_PER_USER = 10;
const MODES = (process.env.BENCH_MODES ?? 'stack,all-in-one').split(',').map((m) => m.trim()) as Mode[];
const TARGETS = {
  commandsPerSecond: 1_000,
  commandP99Ms: 50,
  queriesPerSecond: 3_000,
  queryP99Ms: 20,
  frameP50Ms: 20,
  frameP99Ms: 100,
};

function openFilesLimits(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [, soft, hard] = line?.split(/\s{2,}/) ?? [];
  const number = (v: string | undefined) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: number(soft), hard: number(hard) };
}

/**
 * `ulimit -n $(ulimit -Hn)` before exec: Node cannot raise its own limit. (autocannon's timer
 * helper sometimes asks for a negative timeout; Node's warning about it is noise here.)
 */
function spawnRaised(args: string[], stdio: 'inherit' | 'ipc'): ChildProcess {
  return spawn(
    'bash',
    [
      '-c',
      'ulimit -n "$(ulimit -Hn)" && exec "$0" --disable-warning=TimeoutNegativeWarning "$@"',
      process.execPath,
      ...args,
    ],
    {
      stdio: stdio === 'ipc' ? ['ignore', 'inherit', 'inherit', 'ipc'] : 'inherit',
    },
  );
}

// --- progress ---------------------------------------------------------------------------------

const status = { mode: '', phase: '', parts: new Map<string, string>() };
const benchStarted = performance.now();
const tty = process.stderr.isTTY;
let lastLine = 0;
function progressLine(force = false): void {
  const now = performance.now();
  if (!force && !tty && now - lastLine < 3_000) return;
  lastLine = now;
  const parts = [...status.parts].map(([k, v]) => `${k} ${v}`).join(' · ');
  const text = `[e2e ${Math.round((now - benchStarted) / 1000)}s] ${status.mode} · ${status.phase}${parts ? ` · ${parts}` : ''}`;
  if (tty) process.stderr.write(`\r\x1b[2K${text.slice(0, (process.stderr.columns ?? 120) - 1)}`);
  else process.stderr.write(`${text}\n`);
}
function phase(name: string): void {
  status.phase = name;
  status.parts.clear();
  if (tty) process.stderr.write('\n');
  progressLine(true);
}
const ticker = setInterval(() => progressLine(), 1_000);
ticker.unref();

// --- load-generator processes ----------------------------------------------------------------

const loadProcesses = new Set<ChildProcess>();

function loadProcess(label: string) {
  const child = spawnRaised([join(import.meta.dirname, 'load.ts')], 'ipc');
  loadProcesses.add(child);
  const waiting: { type: string; resolve: (reply: LoadReply) => void; reject: (e: Error) => void }[] = [];
  child.on('message', (reply: LoadReply) => {
    if (reply.type === 'progress') {
      status.parts.set(label, reply.text);
      return;
    }
    if (reply.type === 'failed') {
      for (const w of waiting.splice(0)) w.reject(new Error(`${label}: ${reply.error}`));
      return;
    }
    const at = waiting.findIndex((w) => w.type === reply.type);
    if (at >= 0) waiting.splice(at, 1)[0]!.resolve(reply);
  });
  child.on('exit', (code) => {
    loadProcesses.delete(child);
    for (const w of waiting.splice(0)) w.reject(new Error(`${label} exited (${code})`));
  });
  return {
    send: (command: LoadCommand) => child.send(command),
    run: (job: LoadJob) => child.send({ cmd: 'run', job } satisfies LoadCommand),
    next<T extends LoadReply['type']>(type: T): Promise<Extract<LoadReply, { type: T }>> {
      return new Promise((resolve, reject) =>
        waiting.push({ type, resolve: resolve as (reply: LoadReply) => void, reject }),
      );
    },
    kill: () => child.kill('SIGKILL'),
  };
}

// --- one mode ----------------------------------------------------------------------------------

interface ModeResult {
  mode: Mode;
  users: { manager: number; assignees: number; idle: number; socketsPerIdleUser: number };
  setupSeconds: number;
  commands: HttpResult;
  queries: HttpResult;
  /** Machine CPU during the command + query phase: busy share and the top processes (cores). */
  httpCpu: ReturnType<typeof cpuBetween>;
  sockets: {
    wanted: number;
    held: number;
    failed: number;
    openSeconds: number;
    droppedDuringRun: number;
    sampleErrors: string[];
  };
  assign: AssignResult;
  assignCpu: ReturnType<typeof cpuBetween>;
  notes: string[];
}

async function runMode(mode: Mode, smtpUrl: string): Promise<ModeResult> {
  status.mode = mode;
  const notes: string[] = [];
  const fleetSockets = Math.max(0, SOCKETS - ASSIGNEES);
  // Every socket is a logged-in user's, at most DEFAULT_SOCKETS_PER_USER each. Through nginx all
  // logins reach command-service from one address, so the stack gets LOGIN_BUDGET_THROUGH_NGINX
  // logins a minute in all: its idle users hold more sockets each (WS_MAX_SOCKETS_PER_USER).
  let idleUsers = Math.ceil(fleetSockets / DEFAULT_SOCKETS_PER_USER);
  let perIdleUser = DEFAULT_SOCKETS_PER_USER;
  if (mode === 'stack') {
    idleUsers = Math.min(idleUsers, LOGIN_BUDGET_THROUGH_NGINX - 1 - ASSIGNEES - 1);
    perIdleUser = Math.ceil(fleetSockets / Math.max(1, idleUsers));
    if (perIdleUser > DEFAULT_SOCKETS_PER_USER) {
      process.env.WS_MAX_SOCKETS_PER_USER = String(perIdleUser);
      notes.push(
        `notify-service WS_MAX_SOCKETS_PER_USER=${perIdleUser} (default ${DEFAULT_SOCKETS_PER_USER}): through nginx, command-service sees every login from 127.0.0.1 and allows ${LOGIN_BUDGET_THROUGH_NGINX} a minute, so ${idleUsers} idle users hold the fleet; each assignee holds one socket`,
      );
    }
  }

  phase(`starting (${mode === 'stack' ? 'command, projection, 2×notify, nginx' : 'one process, PGlite'})`);
  let system: RunningSystem;
  try {
    system = mode === 'stack' ? await startStack(smtpUrl) : await startAllInOne(smtpUrl);
  } finally {
    delete process.env.WS_MAX_SOCKETS_PER_USER;
  }
  try {
    phase('setting up users, project, members, tasks');
    const world = await buildWorld(
      system.baseUrl,
      { assignees: ASSIGNEES, idleUsers, tasks: ASSIGN_TASKS },
      (text) => status.parts.set('setup', text),
    );
    const tokens = [world.manager, ...world.assignees].map((u) => u.token);

    phase(`commands (${COMMAND_CLIENTS} clients) + task list (${QUERY_CLIENTS} clients)`);
    const commandLoad = loadProcess('commands');
    const queryLoad = loadProcess('queries');
    const httpJob = {
      baseUrl: system.baseUrl,
      projectId: world.projectId,
      tokens,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
    };
    const cpuBefore = snapshot();
    commandLoad.run({ role: 'commands', connections: COMMAND_CLIENTS, ...httpJob });
    queryLoad.run({ role: 'queries', connections: QUERY_CLIENTS, ...httpJob });
    const [commands, queries] = await Promise.all([commandLoad.next('result'), queryLoad.next('result')]);
    const httpCpu = cpuBetween(cpuBefore, snapshot());

    // The assignees' sockets first (they are what is measured), then the idle fleet: if the
    // gateway runs out of room, it is the fleet that comes up short, and the table says so.
    phase(`opening ${SOCKETS} sockets`);
    const assigner = loadProcess('assign');
    assigner.run({
      role: 'assign',
      baseUrl: system.baseUrl,
      managerToken: world.manager.token,
      assignees: world.assignees.map(({ userId, token }) => ({ userId, token })),
      taskIds: world.taskIds,
      perSecond: ASSIGN_RATE,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      frameTimeoutSeconds: DRAIN_SECONDS,
    });
    await assigner.next('ready');
    const fleet = loadProcess('fleet');
    const fleetTokens = world.idle
      .flatMap((u) => Array.from({ length: perIdleUser }, () => u.token))
      .slice(0, fleetSockets);
    fleet.run({ role: 'fleet', baseUrl: system.baseUrl, tokens: fleetTokens, concurrency: 200 });
    const opened = await fleet.next('opened');
    if (opened.failed > 0)
      notes.push(`${opened.failed} idle sockets were refused: ${opened.sampleErrors.join('; ')}`);

    // Measured with the sockets connected, not while they connect: the system settles first.
    phase(`${opened.open + ASSIGNEES} sockets connected; settling ${SETTLE_SECONDS} s`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
    phase(`assign at ${ASSIGN_RATE}/s with ${opened.open + ASSIGNEES} sockets`);
    const assignCpuBefore = snapshot();
    assigner.send({ cmd: 'go' });
    const assign = await assigner.next('result');
    const assignCpu = cpuBetween(assignCpuBefore, snapshot());
    fleet.send({ cmd: 'close' });
    const closed = await fleet.next('closed');

    return {
      mode,
      users: {
        manager: 1,
        assignees: world.assignees.length,
        idle: world.idle.length,
        socketsPerIdleUser: perIdleUser,
      },
      setupSeconds: world.setupSeconds,
      commands: commands.result as HttpResult,
      queries: queries.result as HttpResult,
      httpCpu,
      sockets: {
        wanted: SOCKETS,
        held: opened.open + world.assignees.length,
        failed: opened.failed,
        openSeconds: opened.seconds,
        droppedDuringRun: opened.open - closed.stillOpen,
        sampleErrors: opened.sampleErrors,
      },
      assign: assign.result as AssignResult,
      assignCpu,
      notes,
    };
  } finally {
    for (const child of loadProcesses) child.kill('SIGKILL');
    phase('stopping');
    await system.stop();
  }
}

// --- report ------------------------------------------------------------------------------------

// Figures crossed IPC as JSON: a percentile of nothing (NaN) arrives as null.
const n = (v: number | null) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US') : '–';
const ms = (v: number | null) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '–');
const within = (v: number | null, limit: number) => typeof v === 'number' && Number.isFinite(v) && v <= limit;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** What the assign figures leave out: requests never answered or failed, and those not sent. */
function lost(a: AssignResult): string {
  const failed = Object.entries(a.statuses)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const parts = [
    a.unanswered ? `${n(a.unanswered)} unanswered` : '',
    failed ? `${n(failed)} failed` : '',
    a.skipped ? `${n(a.skipped)} not sent: ${ASSIGN_TASKS} in flight` : '',
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function table(results: Partial<Record<Mode, ModeResult | { error: string }>>): string {
  const cell = (mode: Mode, f: (r: ModeResult) => string) => {
    const r = results[mode];
    if (!r) return 'not run';
    if ('error' in r) return 'failed';
    return f(r);
  };
  const rows: [string, (r: ModeResult) => string, string][] = [
    [
      `task commands/s (${COMMAND_CLIENTS} clients, 1 POST : 2 PATCH)`,
      (r) => `${n(r.commands.perSecond)}/s ${mark(r.commands.perSecond >= TARGETS.commandsPerSecond)}`,
      `≥ ${n(TARGETS.commandsPerSecond)}/s`,
    ],
    [
      '  command latency p50 / p99',
      (r) =>
        `${ms(r.commands.latency.p50Ms)} / ${ms(r.commands.latency.p99Ms)} ms ${mark(within(r.commands.latency.p99Ms, TARGETS.commandP99Ms))}`,
      `p99 ≤ ${TARGETS.commandP99Ms} ms`,
    ],
    [
      '  command errors (non-2xx, transport)',
      (r) =>
        `${
          r.commands.ok === 0
            ? '–'
            : n(
                Object.entries(r.commands.statuses)
                  .filter(([s]) => !s.startsWith('2'))
                  .reduce((a, [, c]) => a + c, 0),
              )
        }, ${r.commands.errors}`,
      '0',
    ],
    [
      `GET /api/tasks req/s (${QUERY_CLIENTS} clients, during commands)`,
      (r) => `${n(r.queries.perSecond)}/s ${mark(r.queries.perSecond >= TARGETS.queriesPerSecond)}`,
      `≥ ${n(TARGETS.queriesPerSecond)}/s`,
    ],
    [
      '  GET latency p50 / p99',
      (r) =>
        `${ms(r.queries.latency.p50Ms)} / ${ms(r.queries.latency.p99Ms)} ms ${mark(within(r.queries.latency.p99Ms, TARGETS.queryP99Ms))}`,
      `p99 ≤ ${TARGETS.queryP99Ms} ms`,
    ],
    [
      '  GET errors (non-2xx, transport)',
      (r) =>
        `${n(
          Object.entries(r.queries.statuses)
            .filter(([s]) => !s.startsWith('2'))
            .reduce((a, [, c]) => a + c, 0),
        )}, ${r.queries.errors}`,
      '0',
    ],
    ['  machine CPU busy (2 cores)', (r) => `${Math.round(r.httpCpu.machineBusy * 100)}%`, ''],
    [
      'connected sockets during assign',
      (r) => `${n(r.sockets.held)}${r.sockets.held >= SOCKETS ? '' : ` of ${n(SOCKETS)}`}`,
      n(SOCKETS),
    ],
    [
      `assign → frame p50 (at ${ASSIGN_RATE}/s)`,
      (r) =>
        `${ms(r.assign.frameLatency.p50Ms)} ms ${mark(within(r.assign.frameLatency.p50Ms, TARGETS.frameP50Ms))}`,
      `≤ ${TARGETS.frameP50Ms} ms`,
    ],
    [
      '  assign → frame p99',
      // Frames still missing after the drain would only make the p99 worse: shown beside it.
      (r) =>
        `${ms(r.assign.frameLatency.p99Ms)} ms ${mark(within(r.assign.frameLatency.p99Ms, TARGETS.frameP99Ms) && r.assign.missing === 0)}${r.assign.missing ? ` (${n(r.assign.missing)} frames missing)` : ''}`,
      `≤ ${TARGETS.frameP99Ms} ms`,
    ],
    [
      '  of which the PATCH p50 / p99',
      (r) => `${ms(r.assign.postLatency.p50Ms)} / ${ms(r.assign.postLatency.p99Ms)} ms`,
      '',
    ],
    [
      '  frame after the answer p50 / p99',
      (r) => `${ms(r.assign.afterAnswerLatency.p50Ms)} / ${ms(r.assign.afterAnswerLatency.p99Ms)} ms`,
      '',
    ],
    [
      '  frames / assigns accepted / sent',
      (r) => `${n(r.assign.frames)} / ${n(r.assign.accepted)} / ${n(r.assign.sent)}${lost(r.assign)}`,
      'all',
    ],
  ];
  const header = ['measure', 'stack (nginx)', 'all-in-one', 'target'];
  const body = rows.map(([label, f, target]) => [label, cell('stack', f), cell('all-in-one', f), target]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((v, c) => v.padEnd(widths[c]!)).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const limits = openFilesLimits();
  if (limits.soft < limits.hard && !process.env.TASKFLOW_BENCH_RAISED) {
    // The systems under test are this process's children: raise the limit for all of them.
    const child = spawnRaised([import.meta.filename], 'inherit');
    process.env.TASKFLOW_BENCH_RAISED = '1';
    child.on('exit', (code) => process.exit(code ?? 1));
    return;
  }
  for (const name of ['DATABASE_URL', 'KAFKA_BROKERS']) {
    if (MODES.includes('stack') && !process.env[name])
      throw new Error(`${name} is not set (./taskflow infra up)`);
  }
  const watchdog = setTimeout(
    () => {
      console.error('\ne2e bench: watchdog fired, giving up');
      for (const child of loadProcesses) child.kill('SIGKILL');
      process.exit(2);
    },
    (MODES.length * (SECONDS * 2 + 180) + 60) * 1000,
  );
  watchdog.unref();

  const mail = await startMailCatcher();
  const results: Partial<Record<Mode, ModeResult | { error: string }>> = {};
  for (const mode of MODES) {
    try {
      results[mode] = await runMode(mode, mail.url);
    } catch (error) {
      results[mode] = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      console.error(`\n${mode} failed: ${results[mode].error}`);
    }
  }
  await mail.stop();
  if (tty) process.stderr.write('\n');

  const output = {
    benchmark: 'e2e',
    at: new Date().toISOString(),
    command: 'node infra/bench/e2e.bench.ts',
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      openFilesLimit: openFilesLimits(),
    },
    settings: {
      measuredSeconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      commandClients: COMMAND_CLIENTS,
      commandMix: 'POST /api/tasks, then PATCH it twice (title; every third also priority)',
      queryClients: QUERY_CLIENTS,
      query: 'GET /api/tasks?projectId=<p>&status=todo&limit=50',
      sockets: SOCKETS,
      assignRate: ASSIGN_RATE,
      settleSecondsBeforeAssign: SETTLE_SECONDS,
      assignees: ASSIGNEES,
      drainSeconds: DRAIN_SECONDS,
      mailReceived: mail.mails.length,
    },
    targets: TARGETS,
    modes: results,
  };
  await mkdir(join(RESULTS_FILE, '..'), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify(output, null, 2)}\n`);

  console.log(
    `\nTaskFlow end to end (${cpus().length} CPUs, ${SECONDS} s per phase; ✓/✗ against the target)`,
  );
  console.log(table(results));
  const cores = (cpu: ModeResult['httpCpu']) =>
    `${Math.round(cpu.machineBusy * 100)}% busy; ${cpu.topCores.map((t) => `${t.process} ${t.cores}`).join(', ')}`;
  for (const mode of MODES) {
    const r = results[mode];
    if (!r || !('notes' in r)) continue;
    console.log(`\n${mode}: CPU (cores) during commands + queries: ${cores(r.httpCpu)}`);
    console.log(`${mode}: CPU (cores) during assign: ${cores(r.assignCpu)}`);
    for (const note of r.notes) console.log(`note (${mode}): ${note}`);
  }
  console.log(`\nwritten to ${RESULTS_FILE}`);
  process.exit(Object.values(results).some((r) => r && 'error' in r) ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of loadProcesses) child.kill('SIGKILL');
  process.exit(1);
});

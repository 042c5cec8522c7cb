import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '@taskflow/platform/testing';
import { eventually, freePort } from './clients.ts';

const root = resolve(import.meta.dirname, '../..');

export type Mode = 'all-in-one' | 'stack';

export interface RunningSystem {
  mode: Mode;
  baseUrl: string;
  operatorToken: string;
  /** Stack mode: kill -9 one service process (the stack's supervisor starts it again). */
  crash(service: string): Promise<void>;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean | undefined> {
  try {
    return (await fetch(url)).ok || undefined;
  } catch {
    return undefined;
  }
}

function launch(script: string, env: NodeJS.ProcessEnv): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [join(root, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, log: () => log };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** `./taskflow start`'s process on a fresh data folder, mail to the given SMTP server. */
export async function startAllInOne(smtpUrl: string): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskflow-e2e-'));
  const port = await freePort();
  const { child, log } = launch('infra/all-in-one/main.ts', {
    ...process.env,
    PORT: String(port),
    TASKFLOW_DATA_DIR: dataDir,
    SMTP_URL: smtpUrl,
    LOG_LEVEL: 'warn',
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await eventually(() => healthy(`${baseUrl}/readyz`), `all-in-one ready\n${log()}`, 60_000);
  const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets/secrets.json'), 'utf8'));
  return {
    mode: 'all-in-one',
    baseUrl,
    operatorToken: secrets.operatorToken,
    crash: async () => {
      throw new Error('the all-in-one mode is one process');
    },
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `./taskflow stack` on a fresh database and Kafka topic, nginx on a free port. */
export async function startStack(smtpUrl: string): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskflow-e2e-stack-'));
  const database = await createTestDatabase('e2e');
  const [port, command, projection, notify1, notify2] = await Promise.all(
    Array.from({ length: 5 }, () => freePort()),
  );
  const { child, log } = launch('infra/stack/main.ts', {
    ...process.env,
    PORT: String(port),
    COMMAND_PORT: String(command),
    PROJECTION_PORT: String(projection),
    NOTIFY_PORT: String(notify1),
    NOTIFY_PORT_2: String(notify2),
    TASKFLOW_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    KAFKA_TOPIC: `taskflow.events.e2e-${randomUUID().slice(0, 8)}`,
    SMTP_URL: smtpUrl,
    LOG_LEVEL: 'warn',
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await eventually(() => healthy(`${baseUrl}/readyz`), `stack ready\n${log()}`, 120_000);
  const state = join(dataDir, 'stack');
  const secrets = JSON.parse(readFileSync(join(state, 'secrets/secrets.json'), 'utf8'));
  return {
    mode: 'stack',
    baseUrl,
    operatorToken: secrets.operatorToken,
    crash: async (service) => {
      const pid = Number(readFileSync(join(state, 'pids', `${service}.pid`), 'utf8'));
      process.kill(pid, 'SIGKILL');
    },
    stop: async () => {
      await stopChild(child);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Child processes with prefixed output and pid files (a stack after a crash cleans up what the
 * last one left). A child that dies on its own is started again, like a process supervisor would,
 * unless it keeps dying: then the stack gives up on it.
 */
const MAX_RESTARTS_PER_MINUTE = 5;
const RESTART_DELAY_MS = 500;

export class ProcessGroup {
  readonly children = new Map<string, ChildProcess>();
  private readonly pidDir: string;
  private stopping = false;
  private readonly onUnexpectedExit: (name: string, code: number | null) => void;
  private readonly restarts = new Map<string, number[]>();

  constructor(stateDir: string, onUnexpectedExit: (name: string, code: number | null) => void) {
    this.onUnexpectedExit = onUnexpectedExit;
    this.pidDir = join(stateDir, 'pids');
    mkdirSync(this.pidDir, { recursive: true });
  }

  /** Ends whatever a previous stack left running (it crashed or was killed with -9). */
  reapStale(): number {
    let reaped = 0;
    for (const file of readdirSync(this.pidDir)) {
      const pid = Number(readFileSync(join(this.pidDir, file), 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          process.kill(pid, 'SIGKILL');
        }
        reaped += 1;
      }
      rmSync(join(this.pidDir, file), { force: true });
    }
    return reaped;
  }

  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.children.set(name, child);
    writeFileSync(join(this.pidDir, `${name}.pid`), String(child.pid));
    const label = `[${name}]`.padEnd(14);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${label} ${line}\n`));
    }
    child.on('exit', (code, signal) => {
      rmSync(join(this.pidDir, `${name}.pid`), { force: true });
      this.children.delete(name);
      if (this.stopping) return;
      const recent = (this.restarts.get(name) ?? []).filter((at) => Date.now() - at < 60_000);
      if (recent.length >= MAX_RESTARTS_PER_MINUTE) {
        this.onUnexpectedExit(name, code);
        return;
      }
      this.restarts.set(name, [...recent, Date.now()]);
      process.stdout.write(`${label} exited (${signal ?? code}); starting it again\n`);
      setTimeout(() => {
        if (!this.stopping) this.start(name, command, args, env);
      }, RESTART_DELAY_MS);
    });
    return child;
  }

  async stop(name: string, graceMs = 15_000): Promise<void> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(order: string[]): Promise<void> {
    this.stopping = true;
    for (const name of order) await this.stop(name);
    await Promise.all([...this.children.keys()].map((name) => this.stop(name)));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitForHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`);
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}

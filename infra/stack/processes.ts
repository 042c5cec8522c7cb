import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Child processes with prefixed output and pid files, so a stack after a crash can clean up. */
export class ProcessGroup {
  readonly children = new Map<string, ChildProcess>();
  private readonly pidDir: string;
  private stopping = false;
  private readonly onUnexpectedExit: (name: string, code: number | null) => void;

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
    child.on('exit', (code) => {
      rmSync(join(this.pidDir, `${name}.pid`), { force: true });
      this.children.delete(name);
      if (!this.stopping) this.onUnexpectedExit(name, code);
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

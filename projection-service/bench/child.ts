import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * Starts a bench helper as a process of its own (a service has its own event loop and CPU
 * time; in this process it would share them with the load generator) and waits for its first
 * stdout line, which it prints once ready.
 */
export async function startChild(
  script: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; ready: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve(buffered.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
    child.once('error', reject);
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, ready, stop };
}

/** CPU seconds a process has used (user + system), from /proc, or NaN off Linux. */
export async function cpuSecondsOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds used by a changing set of processes (a bench helper, PostgreSQL's backends for
 * the bench database) from `start` to `stop`, sampled every 200 ms: the machine is shared, so
 * wall-clock rates say as much about the neighbours as about the code; CPU per operation does
 * not. A process that ends loses its last sample interval at most.
 */
export function meterCpu(pids: () => Promise<number[]>) {
  const base = new Map<number, number>();
  const last = new Map<number, number>();
  let started = false;
  const sample = async () => {
    for (const pid of await pids().catch(() => [])) {
      const seconds = await cpuSecondsOf(pid);
      if (Number.isNaN(seconds)) continue;
      last.set(pid, seconds);
      // Processes there at the start count from then; later ones from their beginning.
      if (!started) base.set(pid, seconds);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    async start() {
      await sample();
      started = true;
      timer = setInterval(() => void sample(), 200);
    },
    async stop(): Promise<number> {
      clearInterval(timer);
      await sample();
      let total = 0;
      for (const [pid, seconds] of last) total += seconds - (base.get(pid) ?? 0);
      return Math.round(total * 100) / 100;
    },
  };
}

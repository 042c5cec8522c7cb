import { type ChildProcess, spawn } from 'node:child_process';

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
    const { readFile } = await import('node:fs/promises');
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

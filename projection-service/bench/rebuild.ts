import { spawn } from 'node:child_process';
import { meterCpu } from './child.ts';

/** `projections rebuild` as an operator runs it; its progress lines pass through to stderr. */
export async function runRebuildCommand(url: string, postgresPids: () => Promise<number[]>) {
  const cli = new URL('../src/cli/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'projections', 'rebuild'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [command, postgres] = [meterCpu(async () => [child.pid!]), meterCpu(postgresPids)];
  await Promise.all([command.start(), postgres.start()]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const cpu = { commandSeconds: await command.stop(), postgresSeconds: await postgres.stop() };
  const match = /: (\d+) events in ([\d.]+)s \((\d+) events\/s\)/.exec(out);
  if (code !== 0 || !match) throw new Error(`projections rebuild failed (${code}): ${out}`);
  const events = Number(match[1]);
  const perEvent = (seconds: number) => Math.round((seconds / events) * 1e7) / 10;
  return {
    events,
    seconds: Number(match[2]),
    perSecond: Number(match[3]),
    cpu: {
      ...cpu,
      commandMicrosPerEvent: perEvent(cpu.commandSeconds),
      postgresMicrosPerEvent: perEvent(cpu.postgresSeconds),
    },
  };
}

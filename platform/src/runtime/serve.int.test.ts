import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./serve.fixture.ts', import.meta.url));

async function startFixture(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 15_000;
  while (!/listening (\d+)/.test(output)) {
    if (Date.now() > deadline) throw new Error(`fixture did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, port: Number(/listening (\d+)/.exec(output)![1]), output: () => output };
}

describe('graceful shutdown (a real process, a real socket)', () => {
  it('given a request in flight, when SIGTERM arrives, then it completes, new connections are refused, resources are released and the process exits 0', async () => {
    const { child, port, output } = await startFixture();
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await fetch(`http://127.0.0.1:${port}/slow`).then(
      () => 'answered',
      () => 'refused',
    );
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    expect(refused).toBe('refused');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output()).toContain('resources released');
  });
});

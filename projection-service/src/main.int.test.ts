import { type ChildProcess, spawn } from 'node:child_process';
import { generateSigningKeys, signAccessToken } from '@taskflow/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/harness.ts';
import { scenario } from './testing/scenario.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
const SERVICE_TOKEN = 'main-test-service-token';

function run(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

describe('projection-service main (a real process on real PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('main');
  });
  afterAll(async () => h.close());

  it('given a missing variable, when started, then it stops at once naming the variable', async () => {
    const child = run({ DATABASE_URL: h.db.url });
    expect(await exited(child)).toBe(1);
    expect(child.output()).toMatch(/JWT_PUBLIC_KEY/);
    expect(child.output()).toMatch(/SERVICE_TOKEN/);
  });

  it('given a full environment, when started, then it serves, projects events, answers queries and shuts down on SIGTERM', async () => {
    const keys = generateSigningKeys();
    const alice = await scenario(h).user('Alice');
    const projectId = await scenario(h).project(alice, 'From main');
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const child = run({
      DATABASE_URL: h.db.url,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      JWT_PUBLIC_KEY: keys.publicKey.replace(/\n/g, '\\n'),
      SERVICE_TOKEN,
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      let ready: Response | undefined;
      for (let i = 0; i < 100 && ready?.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`${base}/readyz`).catch(() => undefined);
      }
      expect(ready?.status, child.output()).toBe(200);
      const token = signAccessToken(
        { userId: alice.id, name: alice.name, email: alice.email },
        keys.privateKey,
        { issuer: 'taskflow', audience: 'taskflow-api', ttlSeconds: 60 },
      );
      const response = await fetch(`${base}/api/projects/${projectId}`, {
        headers: { authorization: `Bearer ${token}`, 'x-min-position': h.lastPosition()! },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        name: 'From main',
        members: [{ userId: alice.id, role: 'owner' }],
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toBe(0);
  });
});

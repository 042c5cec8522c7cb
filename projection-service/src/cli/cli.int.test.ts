import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestTask, type TestUser } from '../testing/scenario.ts';
import { appendTraffic, createTraffic } from '../testing/traffic.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;

/** Runs the CLI as ./taskflow does: a process of its own with DATABASE_URL. */
function cli(
  url: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the projections and history commands (real PostgreSQL)', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  let task: TestTask;
  const traffic = createTraffic({ users: 6, projects: 3, tasks: 300, events: 5_000 });

  beforeAll(async () => {
    h = await createHarness('cli');
    alice = await scenario(h).user('Alice');
    bob = await scenario(h).user('Bob');
    const projectId = await scenario(h).project(alice);
    await scenario(h).addMember(projectId, bob, 'member', alice);
    task = await scenario(h).task(projectId, alice, { title: 'Audit me', assignee: bob });
    await scenario(h).moveTask(task, 'in_progress', bob);
    await appendTraffic(h.appendRaw, traffic, 500);
    await h.catchUp();
  });
  afterAll(async () => h.close());

  it('given live read models equal to the log, when verified, then it exits 0 with every table equal', async () => {
    const { code, stdout, stderr } = await cli(h.db.url, 'projections', 'verify');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`compared at checkpoint ${h.lastPosition()}`);
    expect(stdout).toMatch(/^tasks\s+\d+\s+\d+\s+[0-9a-f]{32}\s+[0-9a-f]{32}\s+equal$/m);
    expect(stdout).toContain('every read-model table equals a fresh replay');
  });

  it('given a live row tampered with and one deleted, when verified, then it exits 1 naming the tables, rows and columns', async () => {
    await h.sql.query(`UPDATE read.tasks SET title = 'tampered' WHERE id = $1`, [task.id]);
    await h.sql.query('DELETE FROM read.memberships WHERE user_id = $1', [bob.id]);
    const { code, stdout } = await cli(h.db.url, 'projections', 'verify');

    expect(code).toBe(1);
    expect(stdout).toMatch(/^tasks\s.*DIFFERS$/m);
    expect(stdout).toMatch(/^memberships\s.*DIFFERS$/m);
    expect(stdout).toMatch(/^users\s.*equal$/m);
    expect(stdout).toContain(`["${task.id}"]: title live "tampered" rebuilt "Audit me"`);
    expect(stdout).toMatch(new RegExp(`\\["[0-9a-f-]+", "${bob.id}"\\]: missing from the live table`));
    expect(stdout).toContain('verify: memberships, tasks differ');
  });

  it('given tampered read models, when rebuilt, then the rebuild replaces them and verify passes again', async () => {
    const rebuilt = await cli(h.db.url, 'projections', 'rebuild');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/^rebuild: swapped in read models at \d{20}-\d{20}: \d+ events in/);
    const { rows } = await h.sql.query('SELECT title FROM read.tasks WHERE id = $1', [task.id]);
    expect(rows).toEqual([{ title: 'Audit me' }]);
    expect((await cli(h.db.url, 'projections', 'verify')).code).toBe(0);
  });

  it('given the live projector running while events are appended, when verified, then both sides are compared at one checkpoint and equal', async () => {
    const projector = await h.startProjector({ maxBatchSize: 10 });
    let appending = true;
    const appender = (async () => {
      while (appending) await appendTraffic(h.appendRaw, traffic, 5);
    })();
    try {
      const { code, stdout, stderr } = await cli(h.db.url, 'projections', 'verify');
      expect(code, `${stdout}\n${stderr}`).toBe(0);
    } finally {
      appending = false;
      await appender;
      await projector.stop();
    }
  });

  it('given a task, when its history is asked for, then every event is printed oldest first with revision, time, actor (and name), type and data', async () => {
    const { code, stdout } = await cli(h.db.url, 'history', task.id);
    const events = await h.eventStore.readStream(taskStream(task.id));

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`task ${task.id}: 3 events`);
    expect(lines[1]).toMatch(/^revision\s+time \(UTC\)\s+actor\s+type\s+data$/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^1\\s+${events[0]!.metadata.occurredAt}\\s+${alice.id} \\(Alice\\)\\s+TaskCreated\\s+\\{.*"taskId":"${task.id}"`,
      ),
    );
    expect(lines[3]).toMatch(/^2\s.*TaskAssigned\s+\{.*"assigneeId"/);
    expect(lines[4]).toMatch(
      new RegExp(`^3\\s.*${bob.id} \\(Bob\\)\\s+TaskStatusChanged\\s+\\{.*"to":"in_progress"`),
    );

    const json = await cli(h.db.url, 'history', task.id, '--json');
    const records = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.revision, r.type, r.id])).toEqual(
      events.map((e, i) => [i + 1, e.type, e.id]),
    );
  });

  it('given no such task or a malformed id, when its history is asked for, then it exits 1 or 2 with a message', async () => {
    const missing = await cli(h.db.url, 'history', randomUUID());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no events for task/);
    const malformed = await cli(h.db.url, 'history', 'not-a-task');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/taskId must be a task id/);
    const unknown = await cli(h.db.url, 'projections', 'explode');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/usage:/);
    const noUrl = await cli('', 'projections', 'verify');
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/DATABASE_URL/);
  });
});

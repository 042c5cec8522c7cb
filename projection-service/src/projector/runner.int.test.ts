import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoints/store.ts';
import { READ_MODELS_CHECKPOINT, readModelDdl } from '../schema.ts';
import { dumpReadModels } from '../testing/dump.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';
import { ProjectorHaltedError } from './apply.ts';

/** Builds the same events' projection in a second schema: the reference a faulty run must equal. */
async function referenceDump(h: Harness, schema: string) {
  await h.sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; ${readModelDdl(schema)}`);
  await h.catchUp({ schema, migrate: false });
  return dumpReadModels(h.sql, schema);
}

async function busyHistory(h: Harness, alice: TestUser, bob: TestUser, tasks: number) {
  const given = scenario(h);
  const projectId = await given.project(alice);
  await given.addMember(projectId, bob, 'member', alice);
  for (let i = 0; i < tasks; i++) {
    const task = await given.task(projectId, alice, { title: `Task ${i}`, assignee: bob });
    await given.moveTask(task, 'in_progress', bob);
    if (i % 3 === 0) await given.moveTask(task, 'done', alice);
  }
}

describe('the projector runner (real PostgreSQL)', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    h = await createHarness();
    alice = await scenario(h).user('Alice');
    bob = await scenario(h).user('Bob');
    await busyHistory(h, alice, bob, 30);
  });
  afterAll(async () => h.close());

  it('given events of an unknown type and a newer schema version, when projected, then they are skipped and counted and later events still apply', async () => {
    const task = await scenario(h).task(await scenario(h).project(alice), alice, { title: 'before' });
    await h.appendRaw(taskStream(task.id), [
      { id: randomUUID(), type: 'TaskArchived', data: { taskId: task.id }, metadata: meta(1) },
      { id: randomUUID(), type: 'TaskRenamed', data: { taskId: task.id, title: 'v9' }, metadata: meta(9) },
    ]);
    const after = await scenario(h).user('Carol');
    const projector = await h.startProjector();
    await projector.waitFor(h.lastPosition()!);
    await projector.stop();

    expect(projector.stats().skipped).toBe(2);
    expect((await readCheckpoint(h.sql, 'read', READ_MODELS_CHECKPOINT)).eventsSkipped).toBe(2);
    const { rows } = await h.sql.query('SELECT title FROM read.tasks WHERE id = $1', [task.id]);
    expect(rows).toEqual([{ title: 'before' }]);
    expect((await h.sql.query('SELECT 1 FROM read.users WHERE id = $1', [after.id])).rowCount).toBe(1);
  });

  it('given every row already projected, when the whole log is delivered again, then no row changes', async () => {
    await h.catchUp();
    const before = await dumpReadModels(h.sql, 'read');
    await h.sql.query(`UPDATE read.checkpoints SET position = NULL WHERE name = $1`, [
      READ_MODELS_CHECKPOINT,
    ]);
    await h.catchUp({ maxBatchSize: 7 });
    expect(await dumpReadModels(h.sql, 'read')).toEqual(before);
    expect(before.tasks!.length).toBeGreaterThan(30);
  });

  it('given a batch that fails before its commit, when the projector is restarted, then every effect is there exactly once', async () => {
    const schema = 'read_crash';
    await h.sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; ${readModelDdl(schema)}`);
    const poisoned = (await h.eventStore.readAll({ limit: 50 })).at(-1)!;
    const crashing = await h.startProjector({
      schema,
      migrate: false,
      maxBatchSize: 20,
      beforeCommit: async (events) => {
        if (events.some((event) => event.id === poisoned.id)) throw new Error('simulated crash mid-batch');
      },
    });
    const error = await crashing.done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectorHaltedError);
    expect((error as ProjectorHaltedError).eventId).toBe(poisoned.id);
    const halted = await readCheckpoint(h.sql, schema, READ_MODELS_CHECKPOINT);
    expect(halted.eventsApplied + halted.eventsSkipped).toBe(49);

    await h.catchUp({ schema, migrate: false, maxBatchSize: 20 });
    expect(await dumpReadModels(h.sql, schema)).toEqual(await referenceDump(h, 'read_reference'));
  });

  it('given a projector process killed with SIGKILL at random instants, when restarted until caught up, then the read models equal a clean projection', async () => {
    const schemaDump = await referenceDump(h, 'read_reference');
    await h.sql.query('UPDATE read.checkpoints SET position = NULL WHERE name = $1', [
      READ_MODELS_CHECKPOINT,
    ]);
    for (const table of ['users', 'projects', 'memberships', 'tasks', 'task_reminders', 'notifications']) {
      await h.sql.exec(`TRUNCATE read.${table}`);
    }
    for (let kill = 0; kill < 4; kill++) await runAndKill(h.db.url, 2 + kill * 3);
    await h.catchUp();
    expect(await dumpReadModels(h.sql, 'read')).toEqual(schemaDump);
  });

  it('given two projectors running at once on one schema, when both catch up, then every effect is applied once', async () => {
    const schema = 'read_twice';
    await h.sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; ${readModelDdl(schema)}`);
    const head = h.lastPosition()!;
    const [one, two] = await Promise.all([
      h.startProjector({ schema, migrate: false, maxBatchSize: 5 }),
      h.startProjector({ schema, migrate: false, maxBatchSize: 5 }),
    ]);
    await Promise.all([one.waitFor(head), two.waitFor(head)]);
    await Promise.all([one.stop(), two.stop()]);
    const checkpoint = await readCheckpoint(h.sql, schema, READ_MODELS_CHECKPOINT);
    const reference = await readCheckpoint(h.sql, 'read_reference', READ_MODELS_CHECKPOINT);
    expect(checkpoint.eventsApplied + checkpoint.eventsSkipped).toBe(
      reference.eventsApplied + reference.eventsSkipped,
    );
    expect(await dumpReadModels(h.sql, schema)).toEqual(await dumpReadModels(h.sql, 'read_reference'));
  });

  it('given a known event whose data breaks its schema, when projected, then the projector halts at it with a clear error after committing the events before it', async () => {
    const given = scenario(h);
    const before = await given.user('Dave');
    const bad = randomUUID();
    await h.appendRaw(
      taskStream(randomUUID()),
      [{ id: bad, type: 'TaskCreated', data: { taskId: 'not-a-uuid' }, metadata: meta(1) }],
      'no_stream',
    );
    const later = await given.user('Erin');
    const projector = await h.startProjector();

    const error = await projector.done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectorHaltedError);
    expect((error as ProjectorHaltedError).eventId).toBe(bad);
    expect((error as Error).message).toMatch(/TaskCreated.*does not match/);
    expect((await h.sql.query('SELECT 1 FROM read.users WHERE id = $1', [before.id])).rowCount).toBe(1);
    expect((await h.sql.query('SELECT 1 FROM read.users WHERE id = $1', [later.id])).rowCount).toBe(0);
    await expect(projector.waitFor(h.lastPosition()!)).rejects.toThrow(ProjectorHaltedError);
  });
});

function meta(schemaVersion: number) {
  return {
    actor: null,
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion,
  };
}

/** Starts the projector process and SIGKILLs it after it has begun `batches` batches. */
function runAndKill(databaseUrl: string, batches: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL('../testing/projector-process.ts', import.meta.url).pathname],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, MAX_BATCH: '7' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let seen = 0;
    // A run that catches up before its quota of batches is killed while idle instead.
    const idle = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.stdout.on('data', (chunk: Buffer) => {
      seen += (chunk.toString().match(/^batch/gm) ?? []).length;
      if (seen >= batches) child.kill('SIGKILL');
    });
    child.on('exit', () => {
      clearTimeout(idle);
      resolve();
    });
    child.on('error', reject);
  });
}

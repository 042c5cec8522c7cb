import { randomUUID } from 'node:crypto';
import { taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoints/store.ts';
import { ProjectorHaltedError } from '../projector/apply.ts';
import { READ_MODELS_CHECKPOINT, READ_SCHEMA } from '../schema.ts';
import { dumpReadModels } from '../testing/dump.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario } from '../testing/scenario.ts';
import { rebuildReadModels } from './rebuild.ts';

const meta = (schemaVersion: number) => ({
  actor: null,
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: new Date().toISOString(),
  schemaVersion,
});

describe('projections rebuild over events it cannot apply (real PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('rebuild_halt');
    const alice = await scenario(h).user('Alice');
    await scenario(h).task(await scenario(h).project(alice), alice, { title: 'kept' });
  });
  afterAll(async () => h.close());

  it('given events of an unknown type and a newer version, when rebuilt, then each is skipped and counted once', async () => {
    const stream = taskStream(randomUUID());
    await h.appendRaw(stream, [
      { id: randomUUID(), type: 'TaskArchived', data: {}, metadata: meta(1) },
      { id: randomUUID(), type: 'TaskRenamed', data: {}, metadata: meta(9) },
    ]);
    await h.catchUp();
    const live = await readCheckpoint(h.sql, READ_SCHEMA, READ_MODELS_CHECKPOINT);
    await rebuildReadModels({ sql: h.sql, eventStore: h.eventStore, logger: h.logger });
    const rebuilt = await readCheckpoint(h.sql, READ_SCHEMA, READ_MODELS_CHECKPOINT);
    expect(rebuilt).toEqual(live);
    expect(rebuilt.eventsSkipped).toBe(2);
  });

  it('given a known event whose data breaks its schema, when rebuilt, then it fails naming the event and the live read models stay as they were', async () => {
    const bad = randomUUID();
    await h.appendRaw(taskStream(randomUUID()), [
      { id: bad, type: 'TaskCreated', data: { taskId: 'not-a-uuid' }, metadata: meta(1) },
    ]);
    const before = await dumpReadModels(h.sql, READ_SCHEMA);
    const error = await rebuildReadModels({ sql: h.sql, eventStore: h.eventStore, logger: h.logger }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectorHaltedError);
    expect((error as ProjectorHaltedError).eventId).toBe(bad);
    expect(await dumpReadModels(h.sql, READ_SCHEMA)).toEqual(before);
    const { rows } = await h.sql.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'read%'");
    expect(rows).toEqual([{ nspname: 'read' }]);
  });
});

import { randomUUID } from 'node:crypto';
import { inboxStream, makeEvent, notificationId, taskStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelDdl } from '../schema.ts';
import { dumpReadModels } from '../testing/dump.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';

describe('notification inbox projector (real PostgreSQL)', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    alice = await scenario(h).user('Alice');
    bob = await scenario(h).user('Bob');
    projectId = await scenario(h).project(alice);
    await scenario(h).addMember(projectId, bob, 'member', alice);
  });
  afterAll(async () => h.close());

  const inbox = async (userId: string) =>
    (
      await h.sql.query(
        `SELECT id, type, task_id, project_id, message, is_read, position, cause_event_id, cause_event_type
         FROM read.notifications WHERE recipient_id = $1 ORDER BY position`,
        [userId],
      )
    ).rows;

  it('given a task assigned to Bob and moved by Bob, when projected, then Bob gets the assignment and Alice the status change, with their causes', async () => {
    const task = await scenario(h).task(projectId, alice, { title: 'Fix login', assignee: bob });
    await scenario(h).moveTask(task, 'in_progress', bob);
    await h.catchUp();

    const events = await h.eventStore.readStream(taskStream(task.id));
    const assigned = events[1]!;
    const moved = events[2]!;
    expect(await inbox(bob.id)).toEqual([
      {
        id: notificationId(assigned.id, bob.id),
        type: 'task.assigned',
        task_id: task.id,
        project_id: projectId,
        message: 'Alice assigned you “Fix login”',
        is_read: false,
        position: assigned.position,
        cause_event_id: assigned.id,
        cause_event_type: 'TaskAssigned',
      },
    ]);
    expect(await inbox(alice.id)).toEqual([
      expect.objectContaining({
        id: notificationId(moved.id, alice.id),
        type: 'task.status_changed',
        message: 'Bob moved “Fix login” from To do to In progress',
        cause_event_type: 'TaskStatusChanged',
      }),
    ]);
  });

  it('given read marks for one notification and then all up to a position, when projected, then exactly those become read', async () => {
    const given = scenario(h);
    const t1 = await given.task(projectId, alice, { title: 'One', assignee: bob });
    const t2 = await given.task(projectId, alice, { title: 'Two', assignee: bob });
    const t3 = await given.task(projectId, alice, { title: 'Three', assignee: bob });
    const idOf = async (taskId: string) => {
      const assigned = (await h.eventStore.readStream(taskStream(taskId)))[1]!;
      return { id: notificationId(assigned.id, bob.id), position: assigned.position };
    };
    const [n1, n2, n3] = [await idOf(t1.id), await idOf(t2.id), await idOf(t3.id)];
    await h.append(
      inboxStream(bob.id),
      [
        makeEvent('NotificationRead', { userId: bob.id, notificationId: n2.id }),
        // Someone else's read mark for Bob's notification touches nothing.
        makeEvent('NotificationRead', { userId: alice.id, notificationId: n3.id }),
      ],
      { actor: bob.id },
    );
    await h.catchUp();
    const readOf = async () =>
      (await inbox(bob.id))
        .filter((row) => [n1.id, n2.id, n3.id].includes(row.id as string))
        .map((row) => row.is_read);
    expect(await readOf()).toEqual([false, true, false]);

    await h.append(inboxStream(bob.id), [
      makeEvent('AllNotificationsRead', { userId: bob.id, upToPosition: n1.position }),
    ]);
    await h.catchUp();
    expect(await readOf()).toEqual([true, true, false]);
  });

  it('given read marks mixed with the notifications they mark in one batch, when projected in one batch, then the inbox equals one projected an event at a time', async () => {
    const task = await scenario(h).task(projectId, alice, { title: 'Mixed', assignee: bob });
    const early = notificationId((await h.eventStore.readStream(taskStream(task.id)))[1]!.id, bob.id);
    const first = await h.append(inboxStream(bob.id), [
      makeEvent('NotificationRead', { userId: bob.id, notificationId: early }),
    ]);
    // Twice the same notification: the first mark's position is the one kept.
    await h.append(inboxStream(bob.id), [
      makeEvent('NotificationRead', { userId: bob.id, notificationId: early }),
    ]);
    // A mark recorded before its notification exists marks nothing, even in the same batch.
    const laterEventId = randomUUID();
    const later = notificationId(laterEventId, bob.id);
    await h.append(inboxStream(bob.id), [
      makeEvent('NotificationRead', { userId: bob.id, notificationId: later }),
    ]);
    const moved = makeEvent('TaskStatusChanged', {
      taskId: task.id,
      projectId,
      title: 'Mixed',
      from: 'todo',
      to: 'in_progress',
      createdBy: alice.id,
      assigneeId: bob.id,
      actorName: 'Alice',
    });
    await h.appendRaw(taskStream(task.id), [
      { id: laterEventId, type: moved.type, data: moved.data, metadata: meta(alice.id) },
    ]);
    await h.append(inboxStream(bob.id), [
      makeEvent('AllNotificationsRead', { userId: bob.id, upToPosition: first.position }),
    ]);

    const projected = async (schema: string, maxBatchSize: number) => {
      await h.sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; ${readModelDdl(schema)}`);
      await h.catchUp({ schema, migrate: false, maxBatchSize });
      return dumpReadModels(h.sql, schema);
    };
    const single = await projected('read_single', 1);
    expect(await projected('read_whole', 10_000)).toEqual(single);
    const rows = single.notifications!.map((row) => JSON.parse(row) as Record<string, unknown>);
    expect(rows.find((row) => row.id === early)).toMatchObject({
      is_read: true,
      read_position: first.position,
    });
    expect(rows.find((row) => row.id === later)).toMatchObject({ is_read: false, read_position: null });
    await h.catchUp();
  });

  it('given notifications already projected, when their events are delivered again, then no duplicate appears and read marks stay', async () => {
    const before = await h.sql.query('SELECT id, is_read FROM read.notifications ORDER BY id');
    await h.sql.query('UPDATE read.checkpoints SET position = NULL');
    await h.catchUp();
    expect((await h.sql.query('SELECT id, is_read FROM read.notifications ORDER BY id')).rows).toEqual(
      before.rows,
    );
    expect(before.rowCount).toBeGreaterThanOrEqual(5);
  });
});

function meta(actor: string) {
  return {
    actor,
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
}

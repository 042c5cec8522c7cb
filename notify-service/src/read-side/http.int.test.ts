import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCommandService, startRealCommandService } from '../testing/command-service.ts';
import { type RunningProjectionService, startRealProjectionService } from '../testing/projection-service.ts';
import { createHttpReadSide, ReadSideError } from './http.ts';

/** The HTTP adapter against projection-service's real /internal routes, fed by real commands. */
describe('ReadSide over HTTP to the real projection-service', () => {
  let commands: RunningCommandService;
  let projection: RunningProjectionService;
  const ids = { owner: '', bob: '', bobEmail: '', project: '', task: '', deadline: '' };

  beforeAll(async () => {
    commands = await startRealCommandService();
    projection = await startRealProjectionService({
      sql: commands.harness.sql,
      eventStore: commands.harness.store,
      keys: commands.harness.keys,
      serviceToken: commands.serviceToken,
    });
    const owner = await commands.user('Olivia');
    const bob = await commands.user('Bob');
    ids.owner = owner.id;
    ids.bob = bob.id;
    ids.bobEmail = bob.email;
    ids.project = await commands.project(owner, [bob]);
    ids.deadline = new Date(Date.now() + 30 * 60_000).toISOString();
    ids.task = await commands.task(owner, ids.project, {
      assigneeId: bob.id,
      deadline: ids.deadline,
      title: 'First',
    });
    await commands.task(owner, ids.project, { assigneeId: bob.id, title: 'Second' });
    await commands.task(owner, ids.project, { assigneeId: bob.id, title: 'Third' });
    await projection.settle(commands.lastPosition()!);
  }, 60_000);
  afterAll(async () => {
    await projection?.close();
    await commands?.close();
  });

  it('given a registered user, when asked for the contact, then name, email and default preferences; an unknown user is null', async () => {
    expect(await projection.readSide.userContact(ids.bob)).toEqual({
      id: ids.bob,
      name: 'Bob',
      email: ids.bobEmail,
      preferences: { email: { taskAssigned: true, statusChanged: true, deadlineApproaching: true } },
    });
    expect(await projection.readSide.userContact(randomUUID())).toBeNull();
  });

  it('given three notifications, when asked after the first one, then the other two, oldest first', async () => {
    const all = await projection.readSide.notificationsAfter(
      ids.bob,
      '00000000000000000000-00000000000000000000',
      500,
    );
    expect(all.map((n) => n.message)).toEqual([
      'Olivia assigned you “First”',
      'Olivia assigned you “Second”',
      'Olivia assigned you “Third”',
    ]);
    const rest = await projection.readSide.notificationsAfter(ids.bob, all[0]!.position, 500);
    expect(rest.map((n) => n.id)).toEqual(all.slice(1).map((n) => n.id));
    expect(await projection.readSide.notificationsAfter(ids.bob, all[2]!.position, 500)).toEqual([]);
  });

  it('given the project, when membership is asked (also as of a position), then members yes and strangers no', async () => {
    expect(await projection.readSide.isMember(ids.project, ids.bob)).toBe(true);
    expect(await projection.readSide.isMember(ids.project, ids.bob, commands.lastPosition()!)).toBe(true);
    expect(await projection.readSide.isMember(ids.project, randomUUID())).toBe(false);
  });

  it('given a deadline 30 minutes away, when the due reminders are asked, then the task comes with its 1 h window', async () => {
    const due = await projection.readSide.dueReminders(new Date());
    expect(due).toContainEqual({ taskId: ids.task, deadline: ids.deadline, window: '1h' });
  });

  it('given a project, when its name is asked, then it; an unknown project is null', async () => {
    expect(await projection.readSide.projectName?.(ids.project)).toBe('Launch');
    expect(await projection.readSide.projectName?.(randomUUID())).toBeNull();
  });

  it('given a wrong service token, when any question is asked, then the adapter fails loudly instead of answering "nobody"', async () => {
    const wrong = createHttpReadSide({
      baseUrl: projection.url,
      serviceToken: 'not-the-service-token-0123456789abcdef',
    });
    await expect(wrong.isMember(ids.project, ids.bob)).rejects.toBeInstanceOf(ReadSideError);
    await expect(wrong.userContact(ids.bob)).rejects.toThrow(/HTTP 403/);
  });
});

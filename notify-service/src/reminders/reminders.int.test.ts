import { randomUUID } from 'node:crypto';
import { createLogger } from '@taskflow/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCommandService, startRealCommandService } from '../testing/command-service.ts';
import { type NotifyServer, OPERATOR_TOKEN, SERVICE_TOKEN, startNotifyServer } from '../testing/instance.ts';
import { type RunningProjectionService, startRealProjectionService } from '../testing/projection-service.ts';
import { createTestReadSide } from '../testing/read-side.ts';
import { createHttpReminderCommands } from './http-commands.ts';
import { createDeadlineScanner, type DeadlineScanner } from './scanner.ts';
import { scheduleDeadlineScan } from './schedule.ts';

const logger = createLogger('reminders-test', 'silent');
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe('deadline reminders: real projection-service proposes, real command-service decides', () => {
  let commands: RunningCommandService;
  let projection: RunningProjectionService;
  let notify: NotifyServer;
  let scanners: DeadlineScanner[];
  const scannerOver = (readSide: Parameters<typeof createDeadlineScanner>[0]['readSide']) =>
    createDeadlineScanner({
      readSide,
      commands: createHttpReminderCommands({ baseUrl: commands.url, serviceToken: commands.serviceToken }),
      windows: ['24h', '1h'],
      logger,
    });

  beforeAll(async () => {
    commands = await startRealCommandService();
    projection = await startRealProjectionService({
      sql: commands.harness.sql,
      eventStore: commands.harness.store,
      keys: commands.harness.keys,
      serviceToken: commands.serviceToken,
    });
    // Two notify instances, each with its own scheduler and HTTP clients.
    scanners = [scannerOver(projection.readSide), scannerOver(projection.readSide)];
    notify = await startNotifyServer({ readSide: projection.readSide, scanner: scanners[0]! });
  }, 60_000);
  afterAll(async () => {
    await notify?.close();
    await projection?.close();
    await commands?.close();
  });

  /** A task of Bob's with this deadline, projected (so the read side can propose it). */
  async function taskDueIn(minutes: number) {
    const owner = await commands.user('Olivia');
    const bob = await commands.user('Bob');
    const projectId = await commands.project(owner, [bob]);
    const deadline = inMinutes(minutes);
    const taskId = await commands.task(owner, projectId, { assigneeId: bob.id, deadline });
    await projection.settle(commands.lastPosition()!);
    return { taskId, bob };
  }

  async function reminders(taskId: string) {
    const events = await commands.harness.store.readStream(`task-${taskId}`);
    return events.filter((event) => event.type === 'TaskDeadlineApproaching').map((event) => event.data);
  }

  it('given two schedulers scanning at once, when a deadline is 30 minutes away, then exactly one 1 h reminder is recorded (and none for 24 h)', async () => {
    const { taskId, bob } = await taskDueIn(30);

    const results = await Promise.all(scanners.map((scanner) => scanner.scan()));
    const again = await Promise.all(scanners.map((scanner) => scanner.scan()));

    expect([...results, ...again].reduce((sum, r) => sum + r.reminded, 0)).toBe(1);
    expect(results.every((r) => r.scanned >= 1)).toBe(true);
    const recorded = await reminders(taskId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ window: '1h', assigneeId: bob.id, late: true });
  });

  it('given the 24 h window opened while notify was down, when scanned, then exactly one late 24 h reminder however many scans run', async () => {
    const { taskId } = await taskDueIn(20 * 60);
    await scanners[0]!.scan();
    await scanners[1]!.scan();
    const recorded = await reminders(taskId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ window: '24h', late: true });
  });

  it('given a task the read side proposes but command-service does not know, when scanned, then the scan goes on and counts it as scanned, not reminded', async () => {
    const standIn = createTestReadSide();
    standIn.dueItems = [{ taskId: randomUUID(), deadline: inMinutes(10) }];
    expect(await scannerOver(standIn).scan()).toEqual({ scanned: 1, reminded: 0 });
  });

  it('given POST /notify/deadline, when called without a token, with a user token, and with the operator and service tokens, then 401, 403, 200, 200', async () => {
    await projection.settle(commands.lastPosition()!);
    const post = (authorization?: string) =>
      fetch(`${notify.url}/notify/deadline`, {
        method: 'POST',
        headers: authorization ? { authorization: `Bearer ${authorization}` } : {},
      });
    expect((await post()).status).toBe(401);
    expect((await post(notify.tokenFor(randomUUID()))).status).toBe(403);
    const operator = await post(OPERATOR_TOKEN);
    expect(operator.status).toBe(200);
    expect(await operator.json()).toEqual({ scanned: expect.any(Number), reminded: 0 });
    expect((await post(SERVICE_TOKEN)).status).toBe(200);
  });

  it('given a scan due through POST /notify/deadline, when a deadline is near, then the answer counts the reminder it sent', async () => {
    const { taskId } = await taskDueIn(45);
    const response = await fetch(`${notify.url}/notify/deadline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(await response.json()).toEqual({ scanned: 1, reminded: 1 });
    expect(await reminders(taskId)).toHaveLength(1);
  });

  it('given a per-second schedule, when it runs for a while, then the scan runs repeatedly and stops when asked', async () => {
    let scans = 0;
    const schedule = scheduleDeadlineScan(
      {
        scan: async () => {
          scans += 1;
          return { scanned: 0, reminded: 0 };
        },
      },
      '* * * * * *',
      logger,
    );
    await expect.poll(() => scans, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await schedule.stop();
    const stoppedAt = scans;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(scans).toBe(stoppedAt);
  });

  it('given the read side is unreachable, when POST /notify/deadline runs, then 503 with Retry-After and the service keeps serving', async () => {
    const standIn = createTestReadSide();
    standIn.failing = true;
    const isolated = await startNotifyServer({ readSide: standIn, scanner: scannerOver(standIn) });
    try {
      const call = () =>
        fetch(`${isolated.url}/notify/deadline`, {
          method: 'POST',
          headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
        });
      const response = await call();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await call()).status).toBe(503);
    } finally {
      await isolated.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { createLogger } from '@taskflow/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCommandService, startRealCommandService } from '../testing/command-service.ts';
import { type NotifyServer, OPERATOR_TOKEN, SERVICE_TOKEN, startNotifyServer } from '../testing/instance.ts';
import { createTestReadSide, type TestReadSide } from '../testing/read-side.ts';
import { createHttpReminderCommands } from './http-commands.ts';
import { createDeadlineScanner, type DeadlineScanner } from './scanner.ts';
import { scheduleDeadlineScan } from './schedule.ts';

const logger = createLogger('reminders-test', 'silent');
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe('deadline reminders against the real command-service', () => {
  let commands: RunningCommandService;
  let readSide: TestReadSide;
  let notify: NotifyServer;
  let scanners: DeadlineScanner[];

  beforeAll(async () => {
    commands = await startRealCommandService();
    readSide = createTestReadSide();
    // Two notify instances, each with its own scheduler and HTTP client.
    scanners = [0, 1].map(() =>
      createDeadlineScanner({
        readSide,
        commands: createHttpReminderCommands({ baseUrl: commands.url, serviceToken: commands.serviceToken }),
        windows: ['24h', '1h'],
        logger,
      }),
    );
    notify = await startNotifyServer({ readSide, scanner: scanners[0]! });
  });
  afterAll(async () => {
    await notify?.close();
    await commands?.close();
  });

  async function reminders(taskId: string) {
    const events = await commands.harness.store.readStream(`task-${taskId}`);
    return events.filter((event) => event.type === 'TaskDeadlineApproaching').map((event) => event.data);
  }

  it('given two schedulers scanning at once, when a deadline is 30 minutes away, then exactly one 1 h reminder is recorded (and none for 24 h)', async () => {
    const owner = await commands.user('Olivia');
    const bob = await commands.user('Bob');
    const projectId = await commands.project(owner, [bob]);
    const deadline = inMinutes(30);
    const taskId = await commands.task(owner, projectId, { assigneeId: bob.id, deadline });
    readSide.dueItems = [{ taskId, deadline }];

    const results = await Promise.all(scanners.map((scanner) => scanner.scan()));
    const again = await Promise.all(scanners.map((scanner) => scanner.scan()));

    expect([...results, ...again].reduce((sum, r) => sum + r.reminded, 0)).toBe(1);
    expect(results.every((r) => r.scanned === 1)).toBe(true);
    const recorded = await reminders(taskId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ window: '1h', assigneeId: bob.id, late: true });
  });

  it('given the 24 h window opened while notify was down, when scanned, then exactly one late 24 h reminder however many scans run', async () => {
    const owner = await commands.user('Olivia');
    const bob = await commands.user('Bob');
    const projectId = await commands.project(owner, [bob]);
    const deadline = inMinutes(20 * 60);
    const taskId = await commands.task(owner, projectId, { assigneeId: bob.id, deadline });
    readSide.dueItems = [{ taskId, deadline }];
    await scanners[0]!.scan();
    await scanners[1]!.scan();
    const recorded = await reminders(taskId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ window: '24h', late: true });
  });

  it('given a task the read side proposes but command-service does not know, when scanned, then the scan goes on and counts it as scanned, not reminded', async () => {
    readSide.dueItems = [{ taskId: randomUUID(), deadline: inMinutes(10) }];
    expect(await scanners[0]!.scan()).toEqual({ scanned: 1, reminded: 0 });
  });

  it('given POST /notify/deadline, when called without a token, with a user token, and with the operator and service tokens, then 401, 403, 200, 200', async () => {
    readSide.dueItems = [];
    const post = (authorization?: string) =>
      fetch(`${notify.url}/notify/deadline`, {
        method: 'POST',
        headers: authorization ? { authorization: `Bearer ${authorization}` } : {},
      });
    expect((await post()).status).toBe(401);
    expect((await post(notify.tokenFor(randomUUID()))).status).toBe(403);
    const operator = await post(OPERATOR_TOKEN);
    expect(operator.status).toBe(200);
    expect(await operator.json()).toEqual({ scanned: 0, reminded: 0 });
    expect((await post(SERVICE_TOKEN)).status).toBe(200);
  });

  it('given a scan due through POST /notify/deadline, when a deadline is near, then the answer counts the reminder it sent', async () => {
    const owner = await commands.user('Olivia');
    const bob = await commands.user('Bob');
    const projectId = await commands.project(owner, [bob]);
    const deadline = inMinutes(45);
    const taskId = await commands.task(owner, projectId, { assigneeId: bob.id, deadline });
    readSide.dueItems = [{ taskId, deadline }];
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
});

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin, createHttpServer, createLogger, generateSigningKeys } from '@taskflow/platform';
import { createPostgresEventStore, type EventStore } from '@taskflow/platform/eventstore';
import { openPgliteSqlClient, runMigrations, type SqlClient } from '@taskflow/platform/sql';
import {
  buildProjectionService,
  createInProcessReadSide,
  type ProjectorHandle,
  startProjector,
} from '@taskflow/projection-service';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommandService } from '../../command-service/src/app.ts';
import { COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations } from '../../command-service/src/schema.ts';
import { FAST_HASHER, registerAndLogin, type TestUser } from '../../command-service/src/testing/harness.ts';
import { buildNotifyService } from './app.ts';
import { createEmbeddedNotify } from './embedded.ts';
import { injectReminderCommands } from './reminders/inject-commands.ts';
import { OPERATOR_TOKEN, SERVICE_TOKEN, TOKENS } from './testing/instance.ts';
import { parseHeaders } from './testing/smtp.ts';
import { connect } from './testing/ws-client.ts';
import type { NotifyWorkers } from './workers.ts';

/**
 * The all-in-one shape: command-service, projection-service and notify-service in one Fastify
 * instance on one embedded PGlite database; notify fed by the event store's own subscription,
 * mail written to a mailbox folder, the read side and reminder commands in-process.
 */
describe('embedded mode (PGlite, no Kafka, no SMTP)', () => {
  let sql: SqlClient;
  let store: EventStore;
  let app: FastifyInstance;
  let url: string;
  let projector: ProjectorHandle;
  let workers: NotifyWorkers;
  let dataDir: string;
  let mailbox: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'notify-embedded-'));
    const logger = createLogger('embedded-test', 'silent');
    sql = await openPgliteSqlClient();
    await runMigrations(sql, COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations);
    store = await createPostgresEventStore(sql, { pollIntervalMs: 50 });
    const keys = generateSigningKeys();
    const server = await createHttpServer({ logger, title: 'all-in-one test' });
    await server.register(authPlugin, {
      ...TOKENS,
      publicKey: keys.publicKey,
      serviceToken: SERVICE_TOKEN,
      operatorToken: OPERATOR_TOKEN,
    });
    await server.register(buildProjectionService, { sql, eventStore: store, logger });
    await server.register(buildCommandService, {
      sql,
      eventStore: store,
      hasher: FAST_HASHER,
      tokens: { ...TOKENS, privateKey: keys.privateKey, ttlSeconds: 600 },
    });
    app = server as unknown as FastifyInstance;
    const notify = createEmbeddedNotify({
      sql,
      eventStore: store,
      readSide: createInProcessReadSide({ sql, eventStore: store }),
      commands: injectReminderCommands(app, SERVICE_TOKEN),
      logger,
      dataDir,
      cron: null,
    });
    mailbox = notify.mailbox!;
    await server.register(buildNotifyService, notify.deps);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const address = server.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    projector = await startProjector({ sql, eventStore: store, logger });
    workers = await notify.start();
  }, 60_000);

  afterAll(async () => {
    await workers?.stop();
    await projector?.stop();
    await app?.close();
    await store?.close();
    await sql?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function post(
    user: TestUser,
    path: string,
    payload: unknown,
  ): Promise<{ id: string; position: string }> {
    const response = await app.inject({
      method: 'POST',
      url: path,
      headers: user.auth,
      payload: payload as object,
    });
    if (response.statusCode !== 201) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  it('given the assignee connected, when a task is assigned, then the socket gets it and the same notification lands in the mailbox as an .eml', async () => {
    const owner = await registerAndLogin(app, 'Olivia');
    const bob = await registerAndLogin(app, 'Bob');
    const project = await post(owner, '/api/projects', { name: 'Launch' });
    await post(owner, `/api/projects/${project.id}/members`, { userId: bob.id, role: 'member' });
    const socket = await connect(url, { token: bob.accessToken });
    const task = await post(owner, '/api/tasks', {
      projectId: project.id,
      title: 'Ship it',
      assigneeId: bob.id,
    });
    const [notification] = await socket.waitForNotifications(1, 15_000);
    expect(notification).toMatchObject({ type: 'task.assigned', taskId: task.id });

    await expect
      .poll(async () => (await readdir(mailbox).catch(() => [])).length, { timeout: 15_000 })
      .toBe(1);
    const [file] = await readdir(mailbox);
    const headers = parseHeaders((await readFile(join(mailbox, file!), 'utf8')).replace(/\n/g, '\r\n'));
    expect(headers.get('x-taskflow-notification-id')).toBe(notification!.id);
    expect(headers.get('to')).toContain(bob.email);
    socket.close();
  });

  it('given a deadline 30 minutes away, when POST /notify/deadline runs with the operator token, then one reminder is sent through the in-process command', async () => {
    const owner = await registerAndLogin(app, 'Olivia');
    const bob = await registerAndLogin(app, 'Bob');
    const project = await post(owner, '/api/projects', { name: 'Launch' });
    await post(owner, `/api/projects/${project.id}/members`, { userId: bob.id, role: 'member' });
    const deadline = new Date(Date.now() + 30 * 60_000).toISOString();
    const task = await post(owner, '/api/tasks', {
      projectId: project.id,
      title: 'Report',
      assigneeId: bob.id,
      deadline,
    });
    await projector.waitFor(task.position);
    const scan = async () =>
      (
        await app.inject({
          method: 'POST',
          url: '/notify/deadline',
          headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
        })
      ).json();
    expect(await scan()).toEqual({ scanned: 1, reminded: 1 });
    const events = await store.readStream(`task-${task.id}`);
    expect(events.filter((event) => event.type === 'TaskDeadlineApproaching')).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import { createLogger } from '@taskflow/platform';
import { createPgSqlClient, type SqlClient } from '@taskflow/platform/sql';
import { createTestDatabase, type TestDatabase } from '@taskflow/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from './email/transport.ts';
import { createKafkaFeeds } from './feed/setups.ts';
import { type RunningCommandService, startRealCommandService } from './testing/command-service.ts';
import { type NotifyServer, startNotifyServer } from './testing/instance.ts';
import { startTestKafka, type TestKafka } from './testing/kafka.ts';
import { type RunningProjectionService, startRealProjectionService } from './testing/projection-service.ts';
import { startTestSmtp, type TestSmtp } from './testing/smtp.ts';
import { connect, type TestSocket } from './testing/ws-client.ts';
import { type NotifyWorkers, startNotifyWorkers } from './workers.ts';

const logger = createLogger('notify-e2e', 'silent');

/**
 * The distributed path end to end, every part real: command-service appends events,
 * projection-service projects them (read models, inbox) and its forwarder publishes them to a
 * Kafka topic; two notify instances consume it, ask projection-service's /internal routes over
 * HTTP, push to ws clients and email through an SMTP server, the delivery log in PostgreSQL.
 */
describe('notify-service end to end (Kafka, PostgreSQL, SMTP, WebSocket, command-service)', () => {
  let commands: RunningCommandService;
  let kafka: TestKafka;
  let smtp: TestSmtp;
  let db: TestDatabase;
  let sql: SqlClient;
  let projection: RunningProjectionService;
  let topic: string;
  let eventsDlq: string;
  const emailGroupId = `taskflow-email-test-${randomUUID()}`;
  const instances = new Map<string, { server: NotifyServer; workers: NotifyWorkers }>();

  /** Waits until projection-service has projected and forwarded the last command's events. */
  const settle = () => projection.settle(commands.lastPosition()!);

  async function startInstance(name: string) {
    const readSide = projection.readSide;
    const server = await startNotifyServer({ readSide, keys: commands.harness.keys });
    const feeds = await createKafkaFeeds({
      kafka: kafka.kafka,
      topic,
      instanceId: `${name}-${randomUUID().slice(0, 8)}`,
      logger,
      eventsDlqTopic: eventsDlq,
      emailDlqTopic: `${eventsDlq}.email`,
      emailGroupId,
    });
    const workers = await startNotifyWorkers({
      hub: server.hub,
      sql,
      readSide,
      feeds,
      logger,
      email: {
        transport: createSmtpTransport({ url: smtp.url, maxConnections: 2 }),
        from: 'TaskFlow <notifications@taskflow.test>',
        retry: { baseMs: 20, maxMs: 200, maxAttempts: 5 },
        pollMs: 100,
        hourlyCap: 1_000,
      },
    });
    instances.set(name, { server, workers });
    return { server, workers };
  }

  async function stopInstance(name: string) {
    const instance = instances.get(name);
    instances.delete(name);
    await instance?.workers.stop();
    await instance?.server.close();
  }

  beforeAll(async () => {
    [commands, kafka, smtp, db] = await Promise.all([
      startRealCommandService(),
      startTestKafka(),
      startTestSmtp(),
      createTestDatabase('notify_e2e'),
    ]);
    sql = createPgSqlClient({ connectionString: db.url, maxConnections: 10 });
    topic = `test.notify.${randomUUID()}`;
    eventsDlq = await kafka.topic(1);
    projection = await startRealProjectionService({
      sql: commands.harness.sql,
      eventStore: commands.harness.store,
      keys: commands.harness.keys,
      serviceToken: commands.serviceToken,
      kafka: { kafka: kafka.kafka, topic, partitions: 3 },
    });
    await startInstance('a');
    await startInstance('b');
  }, 120_000);

  afterAll(async () => {
    for (const name of [...instances.keys()]) await stopInstance(name);
    await projection?.close();
    await sql?.close();
    await db?.drop();
    await smtp?.close();
    await kafka?.close();
    await commands?.close();
  });

  const socketsOf = async (token: string) =>
    Promise.all([...instances.values()].map(({ server }) => connect(server.url, { token })));
  const emailsFor = (address: string) => smtp.received.filter((email) => email.to.includes(address));

  it('given the assignee connected to both instances, when a task is assigned, then each socket gets the notification once and one email arrives', async () => {
    const owner = await commands.user('Olivia');
    const bob = await commands.user('Bob');
    const projectId = await commands.project(owner, [bob]);
    const sockets = await socketsOf(bob.accessToken);
    const taskId = await commands.task(owner, projectId, { assigneeId: bob.id, title: 'Ship the release' });
    await settle();

    for (const socket of sockets) {
      const [notification] = await socket.waitForNotifications(1);
      expect(notification).toMatchObject({
        type: 'task.assigned',
        taskId,
        message: 'Olivia assigned you “Ship the release”',
      });
    }
    await expect.poll(() => emailsFor(bob.email).length, { timeout: 15_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(emailsFor(bob.email)).toHaveLength(1);
    const [email] = emailsFor(bob.email);
    const id = sockets[0]!.notifications()[0]!.id;
    expect(email?.headers.get('x-taskflow-notification-id')).toBe(id);
    for (const socket of sockets) {
      expect(socket.notifications()).toHaveLength(1);
      socket.close();
    }
  });

  it('given two instances, when 24 assignments to two people flow, then every socket gets each of its notifications once and every email goes out once', async () => {
    const owner = await commands.user('Olivia');
    const people = [await commands.user('Bob'), await commands.user('Carol')];
    const projectId = await commands.project(owner, people);
    const sockets = new Map<string, TestSocket[]>();
    for (const person of people) sockets.set(person.id, await socketsOf(person.accessToken));
    for (let i = 0; i < 24; i++)
      await commands.task(owner, projectId, { assigneeId: people[i % 2]!.id, title: `task ${i}` });
    await settle();

    for (const person of people) {
      for (const socket of sockets.get(person.id)!) {
        const got = await socket.waitForNotifications(12, 15_000);
        expect(new Set(got.map((n) => n.id)).size).toBe(12);
      }
      await expect.poll(() => emailsFor(person.email).length, { timeout: 15_000 }).toBe(12);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const person of people) {
      const ids = emailsFor(person.email).map((email) => email.headers.get('x-taskflow-notification-id'));
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      for (const socket of sockets.get(person.id)!) {
        expect(socket.notifications()).toHaveLength(12);
        socket.close();
      }
    }
  });

  it('given an unparsable message on the topic, when consumed, then it lands in the dead-letter topic with a reason and later events still flow', async () => {
    await kafka.publishRaw(topic, [{ key: 'task-garbage', value: 'definitely not an event' }]);
    const owner = await commands.user('Olivia');
    const dan = await commands.user('Dan');
    const projectId = await commands.project(owner, [dan]);
    await commands.task(owner, projectId, { assigneeId: dan.id });
    await settle();
    await expect.poll(() => emailsFor(dan.email).length, { timeout: 15_000 }).toBe(1);
    // Both groups (the push group of each instance and the shared email group) read the message.
    const letters = await kafka.read(eventsDlq, 3);
    for (const letter of letters) {
      expect(letter.key?.toString()).toBe('task-garbage');
      expect(letter.headers?.['dlq-reason']?.toString()).toMatch(/^not JSON/);
    }
    const sources = letters.map((letter) => letter.headers?.['dlq-source']?.toString()).sort();
    expect(sources.filter((source) => source === `kafka:${emailGroupId}`)).toHaveLength(1);
  });

  it('given one instance stopped in the middle of the email flow and restarted, when everything settles, then no email is lost and none doubled', async () => {
    const owner = await commands.user('Olivia');
    const erin = await commands.user('Erin');
    const projectId = await commands.project(owner, [erin]);
    for (let i = 0; i < 40; i++)
      await commands.task(owner, projectId, { assigneeId: erin.id, title: `batch ${i}` });
    await settle();
    await expect
      .poll(() => emailsFor(erin.email).length, { timeout: 20_000, interval: 5 })
      .toBeGreaterThan(2);
    expect(emailsFor(erin.email).length).toBeLessThan(40);
    await stopInstance('a');
    await startInstance('a');
    await expect.poll(() => emailsFor(erin.email).length, { timeout: 60_000 }).toBe(40);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const ids = emailsFor(erin.email).map((email) => email.headers.get('x-taskflow-notification-id'));
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  }, 120_000);

  it('given a member removed from the project, when the owner changes a task that member created, then only the assignee is told (socket and email)', async () => {
    const owner = await commands.user('Olivia');
    const bob = await commands.user('Bob');
    const carol = await commands.user('Carol');
    const projectId = await commands.project(owner, [bob, carol]);
    const taskId = await commands.task(bob, projectId, { assigneeId: carol.id, title: 'Bob’s idea' });
    await settle();
    const bobSockets = await socketsOf(bob.accessToken);
    const carolSockets = await socketsOf(carol.accessToken);
    await commands.removeMember(owner, projectId, bob.id);
    await commands.updateTask(owner, taskId, { status: 'in_progress' });
    await settle();

    for (const socket of carolSockets) {
      const [notification] = await socket.waitForNotifications(1);
      expect(notification).toMatchObject({ type: 'task.status_changed', taskId });
    }
    await expect.poll(() => emailsFor(carol.email).length, { timeout: 15_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const socket of bobSockets) expect(socket.notifications()).toEqual([]);
    expect(emailsFor(bob.email)).toEqual([]);
    const { rows } = await sql.query<{ state: string; reason: string }>(
      'SELECT state, reason FROM notify.email_deliveries WHERE recipient_id = $1',
      [bob.id],
    );
    expect(rows).toEqual([{ state: 'skipped', reason: 'recipient is no longer a member of the project' }]);
    for (const socket of [...bobSockets, ...carolSockets]) socket.close();
  });

  it('given SMTP refuses one recipient with 550, when that user is notified, then one message in the email dead-letter topic names the reason, and mail to others still flows', async () => {
    const owner = await commands.user('Olivia');
    const gone = await commands.user('Gone');
    const fine = await commands.user('Fine');
    smtp.rejectRecipients.set(gone.email, { code: 550, message: 'Mailbox unavailable' });
    const projectId = await commands.project(owner, [gone, fine]);
    await commands.task(owner, projectId, { assigneeId: gone.id });
    await commands.task(owner, projectId, { assigneeId: fine.id });
    await settle();
    const [letter] = await kafka.read(`${eventsDlq}.email`, 1);
    expect(letter?.headers?.['dlq-reason']?.toString()).toMatch(/^550 /);
    expect(JSON.parse(letter!.value!.toString())).toMatchObject({
      source: 'email',
      details: { recipientId: gone.id },
    });
    await expect.poll(() => emailsFor(fine.email).length, { timeout: 15_000 }).toBe(1);
    expect(emailsFor(gone.email)).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEvent, notificationId, userStream } from '@taskflow/contracts';
import { createLogger } from '@taskflow/platform';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { createPgSqlClient, type SqlClient } from '@taskflow/platform/sql';
import { createTestDatabase, type TestDatabase } from '@taskflow/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqlDeadLetterSink } from '../feed/dead-letters.ts';
import { migrateNotify } from '../schema.ts';
import { assigned, memberAdded, recorded, registered, world } from '../testing/events.ts';
import { createTestReadSide, type TestReadSide } from '../testing/read-side.ts';
import { parseHeaders, startSilentSmtp, startTestSmtp, type TestSmtp } from '../testing/smtp.ts';
import { createDeliveryLog, type DeliveryLog } from './delivery-log.ts';
import { emailEnqueueHandler } from './enqueue-handler.ts';
import { createMailboxTransport, createSmtpTransport, type MailTransport } from './transport.ts';
import { createEmailWorker, type EmailWorker, type EmailWorkerOptions } from './worker.ts';

const FROM = 'TaskFlow <notifications@taskflow.test>';
const FAST_RETRY = { baseMs: 20, maxMs: 100, maxAttempts: 5 };
const noHeartbeat = { heartbeat: async () => {} };

describe('email delivery (real PostgreSQL, real SMTP server)', () => {
  let db: TestDatabase;
  let sql: SqlClient;
  let log: DeliveryLog;
  let readSide: TestReadSide;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('notify_email');
    sql = createPgSqlClient({ connectionString: db.url, maxConnections: 8 });
    await migrateNotify(sql);
    log = createDeliveryLog(sql);
    readSide = createTestReadSide();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    // Each test starts from an empty log: rows a stuck-server test left pending must not leak.
    await sql.exec('TRUNCATE notify.email_deliveries, notify.email_quota, notify.dead_letters');
  });
  afterAll(async () => {
    await sql.close();
    await db.drop();
  });

  async function smtpServer(): Promise<TestSmtp> {
    const smtp = await startTestSmtp();
    running.push({ stop: () => smtp.close() });
    return smtp;
  }

  function startWorker(transport: MailTransport, overrides: Partial<EmailWorkerOptions> = {}): EmailWorker {
    const worker = createEmailWorker({
      log,
      transport,
      readSide,
      from: FROM,
      logger: createLogger('email-test', 'silent'),
      deadLetters: sqlDeadLetterSink(sql),
      retry: FAST_RETRY,
      pollMs: 50,
      ...overrides,
    });
    worker.start();
    running.push({ stop: () => worker.stop().then(() => transport.close()) });
    return worker;
  }

  function smtpTransport(
    url: string,
    timeouts: { connectionTimeoutMs?: number; socketTimeoutMs?: number } = {},
  ) {
    return createSmtpTransport({ url, maxConnections: 2, ...timeouts });
  }

  /** A project, its owner, and a member `name` who receives what the owner assigns. */
  function recipient(name = 'Bob', email?: string) {
    const w = world();
    const id = randomUUID();
    readSide.apply(...w.events, registered(id, name, email), memberAdded(w, id));
    return { w, id, email: email ?? `${name.toLowerCase()}-${id.slice(0, 8)}@example.com` };
  }

  async function enqueue(worker: EmailWorker, ...events: RecordedEvent[]) {
    const handler = emailEnqueueHandler(log, worker.wake);
    for (const event of events) await handler.handle(event, noHeartbeat);
  }

  const deadLetters = async (key: string) =>
    (await sql.query<{ reason: string }>('SELECT reason FROM notify.dead_letters WHERE key = $1', [key]))
      .rows;

  it('given an assignment, when it is enqueued three times, then exactly one email arrives with the id in a header and the Message-ID, and HTML escaped', async () => {
    const smtp = await smtpServer();
    const worker = startWorker(smtpTransport(smtp.url));
    const bob = recipient('Bob');
    const event = assigned(bob.w, bob.id, '<script>alert(1)</script> & co');
    await enqueue(worker, event, event);
    const [email] = await smtp.waitFor(1);
    await enqueue(worker, event);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received).toHaveLength(1);
    const id = notificationOf(event);
    expect(email?.to).toEqual([bob.email]);
    expect(email?.headers.get('x-taskflow-notification-id')).toBe(id);
    expect(email?.headers.get('message-id')).toBe(`<${id}@taskflow.test>`);
    expect(email?.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(email?.html).not.toContain('<script>');
    expect(email?.text).toContain('<script>alert(1)</script> & co');
    expect(email?.text).toContain('Project: Launch');
    expect(email?.text).toContain('By: Olivia');
    expect((await log.find(id, bob.id))?.state).toBe('sent');
  });

  it('given SMTP answers 451 three times and then accepts, when one notification is sent, then exactly one email arrives after four attempts', async () => {
    const smtp = await smtpServer();
    const busy = { code: 451, message: 'Try again later' };
    smtp.script.push(busy, busy, busy);
    const worker = startWorker(smtpTransport(smtp.url));
    const bob = recipient();
    const event = assigned(bob.w, bob.id);
    await enqueue(worker, event);
    await smtp.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.attempts).toBe(4);
    const [row] = (
      await sql.query<{ state: string; attempts: number }>(
        `SELECT state, attempts FROM notify.email_deliveries WHERE position = $1`,
        [event.position],
      )
    ).rows;
    expect(row).toEqual({ state: 'sent', attempts: 4 });
  });

  it('given SMTP refuses one address with 550, when mail for it and for someone else is sent, then one dead letter with the reason and the other email still arrives', async () => {
    const smtp = await smtpServer();
    const doomed = recipient('Dora');
    const fine = recipient('Finn');
    smtp.rejectRecipients.set(doomed.email, { code: 550, message: 'No such user here' });
    const worker = startWorker(smtpTransport(smtp.url));
    const lost = assigned(doomed.w, doomed.id);
    await enqueue(worker, lost);
    await expect.poll(async () => (await deadLetters(notificationOf(lost))).length).toBe(1);
    await enqueue(worker, assigned(fine.w, fine.id));
    const [email] = await smtp.waitFor(1);
    expect(email?.to).toEqual([fine.email]);
    const [letter] = await deadLetters(notificationOf(lost));
    expect(letter?.reason).toContain('550');
    expect((await log.find(notificationOf(lost), doomed.id))?.state).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await deadLetters(notificationOf(lost))).toHaveLength(1);
  });

  it('given SMTP keeps answering 421, when the retries run out, then the row fails with "retries exhausted" and one dead letter', async () => {
    const smtp = await smtpServer();
    for (let i = 0; i < 10; i++) smtp.script.push({ code: 421, message: 'Service not available' });
    const worker = startWorker(smtpTransport(smtp.url), { retry: { baseMs: 10, maxMs: 20, maxAttempts: 3 } });
    const bob = recipient();
    const event = assigned(bob.w, bob.id);
    await enqueue(worker, event);
    await expect.poll(async () => (await log.find(notificationOf(event), bob.id))?.state).toBe('failed');
    const row = await log.find(notificationOf(event), bob.id);
    expect(row?.attempts).toBe(3);
    expect(row?.reason).toMatch(/^retries exhausted \(3\): 421/);
    expect(await deadLetters(notificationOf(event))).toHaveLength(1);
    expect(smtp.received).toHaveLength(0);
  });

  it('given a recipient who turned assignment emails off, when assigned, then no email goes out and the row is skipped with the reason', async () => {
    const smtp = await smtpServer();
    const worker = startWorker(smtpTransport(smtp.url));
    const bob = recipient();
    readSide.apply(
      recorded(
        userStream(bob.id),
        makeEvent('UserPreferencesChanged', {
          userId: bob.id,
          preferences: { email: { taskAssigned: false, statusChanged: true, deadlineApproaching: true } },
        }),
      ),
    );
    const event = assigned(bob.w, bob.id);
    await enqueue(worker, event);
    await expect.poll(async () => (await log.find(notificationOf(event), bob.id))?.state).toBe('skipped');
    expect((await log.find(notificationOf(event), bob.id))?.reason).toBe('turned off in preferences');
    expect(smtp.received).toHaveLength(0);
  });

  it('given an hourly cap of 2, when three notifications for one user are sent, then two emails arrive and the third is skipped for the cap', async () => {
    const smtp = await smtpServer();
    const worker = startWorker(smtpTransport(smtp.url), { hourlyCap: 2, concurrency: 1 });
    const bob = recipient();
    const events = [assigned(bob.w, bob.id), assigned(bob.w, bob.id), assigned(bob.w, bob.id)];
    await enqueue(worker, ...events);
    await smtp.waitFor(2);
    await expect
      .poll(async () => {
        const states = await Promise.all(
          events.map(async (e) => (await log.find(notificationOf(e), bob.id))?.state),
        );
        return states.sort();
      })
      .toEqual(['sent', 'sent', 'skipped']);
    expect(smtp.received).toHaveLength(2);
  });

  it('given CR/LF in the title and the user name, when the email is built, then no header is injected and the subject is one line', async () => {
    const smtp = await smtpServer();
    const worker = startWorker(smtpTransport(smtp.url));
    const bob = recipient(
      'Mallory\r\nBcc: victim@example.com',
      `mallory-${randomUUID().slice(0, 8)}@example.com`,
    );
    await enqueue(worker, assigned(bob.w, bob.id, 'Hello\r\nBcc: victim@example.com\r\n\r\nbody'));
    const [email] = await smtp.waitFor(1);
    expect(email?.to).toEqual([bob.email]);
    expect(email?.headers.has('bcc')).toBe(false);
    const head = email!.raw.slice(0, email!.raw.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^Bcc:/im);
    expect(email?.headers.get('subject')).not.toMatch(/[\r\n]/);
  });

  it('given a stuck SMTP server, when events arrive, then the handler returns at once and the rows wait, pending, with the timeout as reason', async () => {
    const silent = await startSilentSmtp();
    running.push({ stop: () => silent.close() });
    const worker = startWorker(smtpTransport(silent.url, { connectionTimeoutMs: 200, socketTimeoutMs: 200 }));
    const bob = recipient();
    const event = assigned(bob.w, bob.id);
    const started = Date.now();
    await enqueue(worker, event, assigned(bob.w, bob.id));
    expect(Date.now() - started).toBeLessThan(150);
    await expect
      .poll(async () => (await log.find(notificationOf(event), bob.id))?.reason ?? '', { timeout: 5_000 })
      .toMatch(/ETIMEDOUT|Greeting never received|Timeout/i);
    expect((await log.find(notificationOf(event), bob.id))?.state).toBe('pending');
  });

  it('given two workers (two instances) on one delivery log, when 30 notifications are enqueued, then each email is sent exactly once', async () => {
    const smtp = await smtpServer();
    const first = startWorker(smtpTransport(smtp.url), { workerId: 'one' });
    const second = startWorker(smtpTransport(smtp.url), { workerId: 'two' });
    const people = Array.from({ length: 3 }, () => recipient());
    const events = Array.from({ length: 30 }, (_, i) => assigned(people[i % 3]!.w, people[i % 3]!.id));
    await enqueue(first, ...events.slice(0, 15));
    await enqueue(second, ...events);
    await smtp.waitFor(30);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = smtp.received.map((email) => email.headers.get('x-taskflow-notification-id'));
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('given no SMTP server (embedded mode), when a notification is sent, then an .eml file with the headers lands in the mailbox folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-mailbox-'));
    running.push({ stop: () => rm(dir, { recursive: true, force: true }) });
    const worker = startWorker(createMailboxTransport(dir));
    const bob = recipient();
    const event = assigned(bob.w, bob.id);
    await enqueue(worker, event);
    await expect.poll(async () => (await readdir(dir)).length).toBe(1);
    const [file] = await readdir(dir);
    expect(file).toMatch(/\.eml$/);
    const raw = (await readFile(join(dir, file!), 'utf8')).replace(/\n/g, '\r\n');
    const headers = parseHeaders(raw);
    expect(headers.get('x-taskflow-notification-id')).toBe(notificationOf(event));
    expect(headers.get('to')).toContain(bob.email);
  });
});

/** The notification id an assignment event produces for its assignee. */
function notificationOf(event: RecordedEvent): string {
  const assignee = (event.data as { assigneeId: string }).assigneeId;
  return notificationId(event.id, assignee);
}

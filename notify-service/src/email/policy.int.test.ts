import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEvent, userStream } from '@taskflow/contracts';
import { describe, expect, it } from 'vitest';
import { emailFixture, notificationOf } from '../testing/email-fixture.ts';
import { assigned, recorded } from '../testing/events.ts';
import { parseHeaders, startSilentSmtp } from '../testing/smtp.ts';
import { createMailboxTransport } from './transport.ts';

describe('email policy and safety: preferences, cap, headers, a stuck server, the mailbox (real PostgreSQL, real SMTP)', () => {
  const fx = emailFixture();

  it('given a recipient who turned assignment emails off, when assigned, then no email goes out and the row is skipped with the reason', async () => {
    const smtp = await fx.smtpServer();
    const worker = fx.startWorker(fx.smtpTransport(smtp.url));
    const bob = fx.recipient();
    fx.readSide.apply(
      recorded(
        userStream(bob.id),
        makeEvent('UserPreferencesChanged', {
          userId: bob.id,
          preferences: { email: { taskAssigned: false, statusChanged: true, deadlineApproaching: true } },
        }),
      ),
    );
    const event = assigned(bob.w, bob.id);
    await fx.enqueue(worker, event);
    await expect.poll(async () => (await fx.log.find(notificationOf(event), bob.id))?.state).toBe('skipped');
    expect((await fx.log.find(notificationOf(event), bob.id))?.reason).toBe('turned off in preferences');
    expect(smtp.received).toHaveLength(0);
  });

  it('given an hourly cap of 2, when three notifications for one user are sent, then two emails arrive and the third is skipped for the cap', async () => {
    const smtp = await fx.smtpServer();
    const worker = fx.startWorker(fx.smtpTransport(smtp.url), { hourlyCap: 2, concurrency: 1 });
    const bob = fx.recipient();
    const events = [assigned(bob.w, bob.id), assigned(bob.w, bob.id), assigned(bob.w, bob.id)];
    await fx.enqueue(worker, ...events);
    await smtp.waitFor(2);
    await expect
      .poll(async () => {
        const states = await Promise.all(
          events.map(async (e) => (await fx.log.find(notificationOf(e), bob.id))?.state),
        );
        return states.sort();
      })
      .toEqual(['sent', 'sent', 'skipped']);
    expect(smtp.received).toHaveLength(2);
  });

  it('given CR/LF in the title and the user name, when the email is built, then no header is injected and the subject is one line', async () => {
    const smtp = await fx.smtpServer();
    const worker = fx.startWorker(fx.smtpTransport(smtp.url));
    const bob = fx.recipient(
      'Mallory\r\nBcc: victim@example.com',
      `mallory-${randomUUID().slice(0, 8)}@example.com`,
    );
    await fx.enqueue(worker, assigned(bob.w, bob.id, 'Hello\r\nBcc: victim@example.com\r\n\r\nbody'));
    const [email] = await smtp.waitFor(1);
    expect(email?.to).toEqual([bob.email]);
    expect(email?.headers.has('bcc')).toBe(false);
    const head = email!.raw.slice(0, email!.raw.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^Bcc:/im);
    expect(email?.headers.get('subject')).not.toMatch(/[\r\n]/);
  });

  it('given a stuck SMTP server, when events arrive, then the handler returns at once and the rows wait, pending, with the timeout as reason', async () => {
    const silent = await startSilentSmtp();
    fx.onStop(() => silent.close());
    const worker = fx.startWorker(
      fx.smtpTransport(silent.url, { connectionTimeoutMs: 200, socketTimeoutMs: 200 }),
    );
    const bob = fx.recipient();
    const event = assigned(bob.w, bob.id);
    const started = Date.now();
    await fx.enqueue(worker, event, assigned(bob.w, bob.id));
    expect(Date.now() - started).toBeLessThan(150);
    await expect
      .poll(async () => (await fx.log.find(notificationOf(event), bob.id))?.reason ?? '', { timeout: 5_000 })
      .toMatch(/ETIMEDOUT|Greeting never received|Timeout/i);
    expect((await fx.log.find(notificationOf(event), bob.id))?.state).toBe('pending');
  });

  it('given no SMTP server (embedded mode), when a notification is sent, then an .eml file with the headers lands in the mailbox folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-mailbox-'));
    fx.onStop(() => rm(dir, { recursive: true, force: true }));
    const worker = fx.startWorker(createMailboxTransport(dir));
    const bob = fx.recipient();
    const event = assigned(bob.w, bob.id);
    await fx.enqueue(worker, event);
    await expect.poll(async () => (await readdir(dir)).length).toBe(1);
    const [file] = await readdir(dir);
    expect(file).toMatch(/\.eml$/);
    const raw = (await readFile(join(dir, file!), 'utf8')).replace(/\n/g, '\r\n');
    const headers = parseHeaders(raw);
    expect(headers.get('x-taskflow-notification-id')).toBe(notificationOf(event));
    expect(headers.get('to')).toContain(bob.email);
  });
});

import { describe, expect, it } from 'vitest';
import { emailFixture, notificationOf } from '../testing/email-fixture.ts';
import { assigned } from '../testing/events.ts';

describe('email delivery: once, retried, dead-lettered (real PostgreSQL, real SMTP server)', () => {
  const fx = emailFixture();

  it('given an assignment, when it is enqueued three times, then exactly one email arrives with the id in a header and the Message-ID, and HTML escaped', async () => {
    const smtp = await fx.smtpServer();
    const worker = fx.startWorker(fx.smtpTransport(smtp.url));
    const bob = fx.recipient('Bob');
    const event = assigned(bob.w, bob.id, '<script>alert(1)</script> & co');
    await fx.enqueue(worker, event, event);
    const [email] = await smtp.waitFor(1);
    await fx.enqueue(worker, event);
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
    expect((await fx.log.find(id, bob.id))?.state).toBe('sent');
  });

  it('given SMTP answers 451 three times and then accepts, when one notification is sent, then exactly one email arrives after four attempts', async () => {
    const smtp = await fx.smtpServer();
    const busy = { code: 451, message: 'Try again later' };
    smtp.script.push(busy, busy, busy);
    const worker = fx.startWorker(fx.smtpTransport(smtp.url));
    const bob = fx.recipient();
    const event = assigned(bob.w, bob.id);
    await fx.enqueue(worker, event);
    await smtp.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.attempts).toBe(4);
    const [row] = (
      await fx.sql.query<{ state: string; attempts: number }>(
        `SELECT state, attempts FROM notify.email_deliveries WHERE position = $1`,
        [event.position],
      )
    ).rows;
    expect(row).toEqual({ state: 'sent', attempts: 4 });
  });

  it('given SMTP refuses one address with 550, when mail for it and for someone else is sent, then one dead letter with the reason and the other email still arrives', async () => {
    const smtp = await fx.smtpServer();
    const doomed = fx.recipient('Dora');
    const fine = fx.recipient('Finn');
    smtp.rejectRecipients.set(doomed.email, { code: 550, message: 'No such user here' });
    const worker = fx.startWorker(fx.smtpTransport(smtp.url));
    const lost = assigned(doomed.w, doomed.id);
    await fx.enqueue(worker, lost);
    await expect.poll(async () => (await fx.deadLetters(notificationOf(lost))).length).toBe(1);
    await fx.enqueue(worker, assigned(fine.w, fine.id));
    const [email] = await smtp.waitFor(1);
    expect(email?.to).toEqual([fine.email]);
    const [letter] = await fx.deadLetters(notificationOf(lost));
    expect(letter?.reason).toContain('550');
    expect((await fx.log.find(notificationOf(lost), doomed.id))?.state).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await fx.deadLetters(notificationOf(lost))).toHaveLength(1);
  });

  it('given SMTP keeps answering 421, when the retries run out, then the row fails with "retries exhausted" and one dead letter', async () => {
    const smtp = await fx.smtpServer();
    for (let i = 0; i < 10; i++) smtp.script.push({ code: 421, message: 'Service not available' });
    const worker = fx.startWorker(fx.smtpTransport(smtp.url), {
      retry: { baseMs: 10, maxMs: 20, maxAttempts: 3 },
    });
    const bob = fx.recipient();
    const event = assigned(bob.w, bob.id);
    await fx.enqueue(worker, event);
    await expect.poll(async () => (await fx.log.find(notificationOf(event), bob.id))?.state).toBe('failed');
    const row = await fx.log.find(notificationOf(event), bob.id);
    expect(row?.attempts).toBe(3);
    expect(row?.reason).toMatch(/^retries exhausted \(3\): 421/);
    expect(await fx.deadLetters(notificationOf(event))).toHaveLength(1);
    expect(smtp.received).toHaveLength(0);
  });

  it('given two workers (two instances) on one delivery log, when 30 notifications are enqueued, then each email is sent exactly once', async () => {
    const smtp = await fx.smtpServer();
    const first = fx.startWorker(fx.smtpTransport(smtp.url), { workerId: 'one' });
    const second = fx.startWorker(fx.smtpTransport(smtp.url), { workerId: 'two' });
    const people = Array.from({ length: 3 }, () => fx.recipient());
    const events = Array.from({ length: 30 }, (_, i) => assigned(people[i % 3]!.w, people[i % 3]!.id));
    await fx.enqueue(first, ...events.slice(0, 15));
    await fx.enqueue(second, ...events);
    await smtp.waitFor(30);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = smtp.received.map((email) => email.headers.get('x-taskflow-notification-id'));
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });
});

import { randomUUID } from 'node:crypto';
import { makeEvent, taskStream } from '@taskflow/contracts';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../shared/backoff.ts';
import { assigned, recorded, world } from '../testing/events.ts';
import { classifyMailError, PermanentMailError } from './classify.ts';
import { headerText, isSafeAddress, messageIdFor } from './headers.ts';
import { emailJobsFor } from './payload.ts';
import { escapeHtml, renderEmail } from './templates.ts';

describe('email jobs and templates', () => {
  it('given a status change by a third person, when jobs are made, then creator and assignee each get one, with the from/to statuses', () => {
    const w = world();
    const creator = randomUUID();
    const assignee = randomUUID();
    const taskId = randomUUID();
    const event = recorded(
      taskStream(taskId),
      makeEvent('TaskStatusChanged', {
        taskId,
        projectId: w.projectId,
        title: 'Fix login',
        from: 'todo',
        to: 'in_progress',
        createdBy: creator,
        assigneeId: assignee,
        actorName: 'Olivia',
      }),
      { actor: w.owner.id },
    );
    const jobs = emailJobsFor(event);
    expect(jobs.map((j) => j.recipientId).sort()).toEqual([creator, assignee].sort());
    expect(jobs[0]?.payload.status).toEqual({ from: 'todo', to: 'in_progress' });
    const email = renderEmail({ payload: jobs[0]!.payload, recipientName: 'Bob', projectName: 'Launch' });
    expect(email.text).toContain('Status: To do → In progress');
    expect(email.html).toContain('To do → In progress');
    expect(email.text).toContain('email.statusChanged: false');
  });

  it('given a deadline reminder, when rendered, then the deadline is shown in UTC and the late note appears', () => {
    const w = world();
    const taskId = randomUUID();
    const assignee = randomUUID();
    const event = recorded(
      taskStream(taskId),
      makeEvent('TaskDeadlineApproaching', {
        taskId,
        projectId: w.projectId,
        title: 'Report',
        window: '1h',
        deadline: '2030-01-02T09:00:00.000Z',
        assigneeId: assignee,
        late: true,
      }),
    );
    const [job] = emailJobsFor(event);
    const email = renderEmail({ payload: job!.payload, recipientName: 'Bob', projectName: null });
    expect(email.text).toContain('Deadline: 2030-01-02 09:00 UTC');
    expect(email.text).toContain('late');
    expect(email.text).not.toContain('Project:');
  });

  it('given user text with markup, when rendered to HTML, then it is escaped everywhere', () => {
    const event = assigned(world('<b>Olivia</b>'), randomUUID(), `"><img src=x onerror=alert(1)>`);
    const [job] = emailJobsFor(event);
    const { html } = renderEmail({
      payload: job!.payload,
      recipientName: '<i>Bob</i>',
      projectName: '<Launch>',
    });
    expect(html).not.toMatch(/<img|<b>|<i>|<Launch>/);
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('given an event that notifies nobody, when jobs are made, then none', () => {
    const w = world();
    expect(emailJobsFor(w.events[1]!)).toEqual([]);
  });
});

describe('headers', () => {
  it('given CR, LF, tabs or line separators in user text, when made a header value, then one line', () => {
    expect(headerText('Hi\r\nBcc: x@y.z\u2028there\t!')).toBe('Hi Bcc: x@y.z there !');
    expect(headerText('x'.repeat(300)).length).toBe(200);
  });

  it('given addresses, when checked, then only a plain local@domain passes', () => {
    expect(isSafeAddress('bob@example.com')).toBe(true);
    expect(isSafeAddress('bob@example.com\r\nBcc: x@y.z')).toBe(false);
    expect(isSafeAddress('Bob <bob@example.com>')).toBe(false);
    expect(isSafeAddress('a,b@example.com')).toBe(false);
  });

  it('given MAIL_FROM, when making a Message-ID, then the notification id at the sender domain', () => {
    expect(messageIdFor('n-1', 'TaskFlow <noreply@Mail.Example.com>')).toBe('<n-1@mail.example.com>');
    expect(messageIdFor('n-1', 'nobody')).toBe('<n-1@taskflow.local>');
  });
});

describe('failures and retries', () => {
  it('given SMTP replies and socket errors, when classified, then 4xx and connection trouble are transient, 5xx permanent', () => {
    expect(classifyMailError({ responseCode: 451 })).toBe('transient');
    expect(classifyMailError({ responseCode: 550 })).toBe('permanent');
    expect(classifyMailError({ code: 'ECONNREFUSED' })).toBe('transient');
    expect(classifyMailError({ code: 'ETIMEDOUT' })).toBe('transient');
    expect(classifyMailError(new PermanentMailError('bad address'))).toBe('permanent');
  });

  it('given a policy of 1 s doubling up to 8 s, when delays are drawn, then each is between half and all of its step', () => {
    const policy = { baseMs: 1_000, maxMs: 8_000, maxAttempts: 10 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0))).toEqual([
      500, 1_000, 2_000, 4_000, 4_000,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0.999_999))).toEqual([
      1_000, 2_000, 4_000, 8_000, 8_000,
    ]);
  });
});

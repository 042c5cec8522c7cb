import { EMAIL_PREFERENCE_FOR, type NotificationType, STATUS_LABELS } from '@taskflow/contracts';
import type { EmailPayload } from './payload.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderInput {
  payload: EmailPayload;
  recipientName: string;
  projectName: string | null;
}

const HEADINGS: Readonly<Record<NotificationType, string>> = {
  'task.assigned': 'A task was assigned to you',
  'task.status_changed': 'A task changed status',
  'task.deadline_approaching': 'A deadline is approaching',
};

const PREFERENCE_LABELS: Readonly<Record<NotificationType, string>> = {
  'task.assigned': 'task assignments',
  'task.status_changed': 'status changes',
  'task.deadline_approaching': 'deadline reminders',
};

/** Pure: the text and HTML of one notification's email. Every piece of user text is escaped in HTML. */
export function renderEmail(input: RenderInput): RenderedEmail {
  const { payload } = input;
  const { notification } = payload;
  const facts = factsOf(input);
  const preference = EMAIL_PREFERENCE_FOR[notification.type];
  const footer = `You receive these emails for ${PREFERENCE_LABELS[notification.type]}; turn them off with PUT /api/users/me/preferences (email.${preference}: false).`;
  const text = [
    `Hello ${input.recipientName},`,
    '',
    notification.message,
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    '',
    '--',
    footer,
    `Notification ${notification.id}`,
    '',
  ].join('\n');
  const rows = facts
    .map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(HEADINGS[notification.type])}</h2>`,
    `<p>Hello ${escapeHtml(input.recipientName)},</p>`,
    `<p><strong>${escapeHtml(notification.message)}</strong></p>`,
    `<table cellpadding="4">${rows}</table>`,
    `<hr><p style="color:#666;font-size:small">${escapeHtml(footer)}<br>Notification ${escapeHtml(notification.id)}</p>`,
    '</body></html>',
  ].join('');
  return { subject: `[TaskFlow] ${notification.message}`, text, html };
}

function factsOf({ payload, projectName }: RenderInput): [string, string][] {
  const facts: [string, string][] = [['Task', payload.title]];
  if (projectName) facts.push(['Project', projectName]);
  if (payload.status) {
    facts.push(['Status', `${STATUS_LABELS[payload.status.from]} → ${STATUS_LABELS[payload.status.to]}`]);
  }
  if (payload.deadline) facts.push(['Deadline', formatInstant(payload.deadline)]);
  if (payload.late) facts.push(['Note', 'this reminder is late: the scheduler could not send it on time']);
  if (payload.actorName) facts.push(['By', payload.actorName]);
  return facts;
}

/** `2030-01-02 09:00 UTC`: unambiguous for every reader, whatever their time zone. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

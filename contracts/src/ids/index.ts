/**
 * Stream names and identity rules the write side appends by and the read side routes by.
 * Changing any of these splits an aggregate's history in two, so they are fixed here once.
 */

export const STREAM_PREFIX = {
  task: 'task-',
  project: 'project-',
  user: 'user-',
  inbox: 'inbox-',
  email: 'email-',
} as const;

export type StreamKind = keyof typeof STREAM_PREFIX;

export const taskStream = (taskId: string): string => `${STREAM_PREFIX.task}${taskId}`;
export const projectStream = (projectId: string): string => `${STREAM_PREFIX.project}${projectId}`;
export const userStream = (userId: string): string => `${STREAM_PREFIX.user}${userId}`;
export const inboxStream = (userId: string): string => `${STREAM_PREFIX.inbox}${userId}`;

/** One reservation stream per normalised email: appending with `no_stream` claims it. */
export const emailReservationStream = (email: string): string =>
  `${STREAM_PREFIX.email}${normaliseEmail(email)}`;

/**
 * The form an email is compared and stored in. Case-insensitive as API.md promises (the
 * local part is technically case-sensitive, but no mail provider people use treats it so);
 * NFC so that visually identical addresses typed on different keyboards collide.
 */
export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** Which aggregate a stream belongs to, or null for a stream this system does not name. */
export function parseStreamId(streamId: string): { kind: StreamKind; id: string } | null {
  for (const [kind, prefix] of Object.entries(STREAM_PREFIX) as [StreamKind, string][]) {
    if (streamId.startsWith(prefix) && streamId.length > prefix.length) {
      return { kind, id: streamId.slice(prefix.length) };
    }
  }
  return null;
}

/**
 * Public revisions count a stream's events: a new task is revision 1 (its ETag `"1"`). The event
 * store counts from 0. Every API edge converts with this one function.
 */
export const publicRevision = (storeRevision: number): number => storeRevision + 1;

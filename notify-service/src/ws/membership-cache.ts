import type { Logger } from '@taskflow/platform';
import type { ReadSide } from '../read-side/port.ts';

interface Entry {
  member: boolean;
  expiresAt: number;
}

export interface MembershipCache {
  /** `atLeast`: the position the answer must reflect when it is not cached (see ReadSide.isMember). */
  isMember(projectId: string, userId: string, atLeast?: string): Promise<boolean>;
  /** A MemberRemoved seen on the feed: not a member from now on, whatever was cached. */
  removed(projectId: string, userId: string): void;
  /** A MemberAdded seen on the feed: forget the cached answer; the next push asks again. */
  forget(projectId: string, userId: string): void;
}

/**
 * Push-time authorisation asks the read side whether the recipient is still in the project,
 * as of at least the notification's position, cached briefly so a burst of notifications costs
 * one lookup. A removal seen on the feed takes effect at once; an addition only drops the
 * cached answer (a project's events and a task's travel in different Kafka partitions, so the
 * feed's own order cannot vouch for a membership — only the read side, asked as of a position,
 * can).
 * When the read side cannot answer, a stale answer is used if there is one, else the
 * notification is withheld (it stays in the inbox; the client gets it on its next resume).
 */
export function createMembershipCache(
  readSide: Pick<ReadSide, 'isMember'>,
  options: { ttlMs: number; maxEntries?: number; log: Logger; now?: () => number },
): MembershipCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>();
  const inflight = new Map<string, Promise<boolean>>();
  const keyOf = (projectId: string, userId: string) => `${projectId}:${userId}`;

  function remember(key: string, member: boolean) {
    entries.delete(key);
    entries.set(key, { member, expiresAt: now() + options.ttlMs });
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
  }

  return {
    isMember(projectId, userId, atLeast) {
      const key = keyOf(projectId, userId);
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now()) return Promise.resolve(cached.member);
      const running = inflight.get(key);
      if (running) return running;
      const lookup = readSide
        .isMember(projectId, userId, atLeast)
        .then((member) => {
          remember(key, member);
          return member;
        })
        .catch((error: unknown) => {
          options.log.warn({ err: error, projectId, userId }, 'membership lookup failed');
          return cached?.member ?? false;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, lookup);
      return lookup;
    },
    removed(projectId, userId) {
      remember(keyOf(projectId, userId), false);
    },
    forget(projectId, userId) {
      entries.delete(keyOf(projectId, userId));
    },
  };
}

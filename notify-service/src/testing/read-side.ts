import { type Notification, notificationsFor, parseStoredEvent } from '@taskflow/contracts';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import type { DueReminder, ReadSide, UserContact } from '../read-side/port.ts';
import { comparePositions } from '../shared/positions.ts';

/**
 * A stand-in for projection-service in tests: fed the same recorded events, it answers the
 * ReadSide questions the way its read models would (users, memberships, the inbox in position
 * order, reminder candidates). `calls` counts lookups; `failing` makes every call throw.
 */
export interface TestReadSide extends ReadSide {
  apply(...events: RecordedEvent[]): void;
  /** Notifications are known to the inbox only up to this position (simulates projection lag). */
  lagAt: string | null;
  dueItems: DueReminder[];
  projects: Map<string, string>;
  calls: { isMember: number; notificationsAfter: number; userContact: number };
  failing: boolean;
  /** Every inbox page takes this long (a slow projection-service). */
  pageDelayMs: number;
}

export function createTestReadSide(): TestReadSide {
  const users = new Map<string, UserContact>();
  const members = new Set<string>();
  const inbox = new Map<string, Notification[]>();
  const ids = new Set<string>();
  const guard = () => {
    if (side.failing) throw new Error('read side unavailable');
  };

  const side: TestReadSide = {
    lagAt: null,
    dueItems: [],
    projects: new Map(),
    calls: { isMember: 0, notificationsAfter: 0, userContact: 0 },
    failing: false,
    pageDelayMs: 0,
    apply(...events) {
      for (const event of events) {
        const parsed = parseStoredEvent(event);
        if (!parsed.ok) continue;
        const e = parsed.event;
        if (e.type === 'UserRegistered')
          users.set(e.data.userId, {
            id: e.data.userId,
            name: e.data.name,
            email: e.data.email,
            preferences: e.data.preferences,
          });
        if (e.type === 'UserPreferencesChanged') {
          const user = users.get(e.data.userId);
          if (user) users.set(user.id, { ...user, preferences: e.data.preferences });
        }
        if (e.type === 'ProjectCreated') side.projects.set(e.data.projectId, e.data.name);
        if (e.type === 'MemberAdded') members.add(`${e.data.projectId}:${e.data.userId}`);
        if (e.type === 'MemberRemoved') members.delete(`${e.data.projectId}:${e.data.userId}`);
        for (const { recipientId, notification } of notificationsFor(event)) {
          if (ids.has(notification.id)) continue;
          ids.add(notification.id);
          const list = inbox.get(recipientId) ?? [];
          const last = list.at(-1);
          list.push(notification);
          if (last && comparePositions(last.position, notification.position) > 0) {
            list.sort((a, b) => comparePositions(a.position, b.position));
          }
          inbox.set(recipientId, list);
        }
      }
    },
    async userContact(userId) {
      side.calls.userContact += 1;
      guard();
      return users.get(userId) ?? null;
    },
    async notificationsAfter(userId, position, limit) {
      side.calls.notificationsAfter += 1;
      guard();
      if (side.pageDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, side.pageDelayMs));
      const lag = side.lagAt;
      return (inbox.get(userId) ?? [])
        .filter((n) => comparePositions(n.position, position) > 0)
        .filter((n) => lag === null || comparePositions(n.position, lag) <= 0)
        .slice(0, limit);
    },
    async isMember(projectId, userId) {
      side.calls.isMember += 1;
      guard();
      return members.has(`${projectId}:${userId}`);
    },
    async dueReminders() {
      guard();
      return side.dueItems;
    },
    async projectName(projectId) {
      return side.projects.get(projectId) ?? null;
    },
  };
  return side;
}

import type { Notification, UserProfile } from '@taskflow/contracts';
import type { EventStore } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import { notificationsAfter } from './notifications/queries.ts';
import { roleIn } from './projects/access.ts';
import { findProjectName } from './projects/queries.ts';
import { assertSchemaName, READ_SCHEMA } from './schema.ts';
import { type DueReminder, dueReminders } from './tasks/deadlines.ts';
import { findUser } from './users/routes.ts';

/**
 * The reads behind the /internal routes as functions, shaped like notify-service's `ReadSide`
 * port: in the all-in-one process notify-service can use this instead of HTTP, same answers.
 */
export interface InProcessReadSide {
  userContact(userId: string): Promise<UserProfile | null>;
  /** Strictly after `position`, oldest first, at most `limit`. */
  notificationsAfter(userId: string, position: string, limit: number): Promise<Notification[]>;
  isMember(projectId: string, userId: string): Promise<boolean>;
  /** Every open, assigned task with a reminder window due at `now` and not yet reminded. */
  dueReminders(now: Date): Promise<DueReminder[]>;
  projectName(projectId: string): Promise<string | null>;
}

export function createInProcessReadSide(deps: {
  sql: SqlClient;
  eventStore: EventStore;
  schema?: string;
}): InProcessReadSide {
  const ctx = {
    sql: deps.sql,
    eventStore: deps.eventStore,
    schema: assertSchemaName(deps.schema ?? READ_SCHEMA),
  };
  return {
    userContact: (userId) => findUser(ctx, userId),
    notificationsAfter: async (userId, position, limit) =>
      (await notificationsAfter(ctx, userId, position, limit)).items,
    isMember: async (projectId, userId) => (await roleIn(ctx, projectId, userId)) !== null,
    async dueReminders(now) {
      const items: DueReminder[] = [];
      let cursor: string | undefined;
      do {
        const page = await dueReminders(ctx, { now: now.toISOString(), limit: 1000, cursor });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    },
    projectName: (projectId) => findProjectName(ctx, projectId),
  };
}

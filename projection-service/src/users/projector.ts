import type { Projector } from '../projector/types.ts';

/**
 * The user directory: names, emails and preferences (never secrets). Guarded by stream
 * revision. Two statements per batch whatever its size (a rebuild replays every user): the
 * registrations, then each user's newest preferences in the batch, applied only over an
 * older revision, which is what applying the changes one by one would leave.
 */
export const usersProjector: Projector = {
  name: 'users',
  async apply(events, tx, schema) {
    const registered: Record<string, unknown>[] = [];
    const preferences = new Map<string, { id: string; preferences: unknown; revision: number }>();
    for (const { event, recorded } of events) {
      if (event.type === 'UserRegistered') {
        const { userId, name, email } = event.data;
        registered.push({
          id: userId,
          name,
          email,
          preferences: event.data.preferences,
          registered_at: recorded.metadata.occurredAt,
          revision: recorded.revision,
        });
      } else if (event.type === 'UserPreferencesChanged') {
        const { userId } = event.data;
        const newest = preferences.get(userId);
        if (!newest || newest.revision < recorded.revision) {
          preferences.set(userId, {
            id: userId,
            preferences: event.data.preferences,
            revision: recorded.revision,
          });
        }
      }
    }
    if (registered.length > 0) {
      await tx.query(
        `INSERT INTO ${schema}.users (id, name, email, preferences, registered_at, revision)
         SELECT r.id, r.name, r.email, r.preferences, r.registered_at, r.revision
         FROM jsonb_to_recordset($1::jsonb)
           AS r(id uuid, name text, email text, preferences jsonb, registered_at timestamptz, revision bigint)
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(registered)],
      );
    }
    if (preferences.size > 0) {
      await tx.query(
        `UPDATE ${schema}.users AS u SET preferences = r.preferences, revision = r.revision
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, preferences jsonb, revision bigint)
         WHERE u.id = r.id AND u.revision < r.revision`,
        [JSON.stringify([...preferences.values()])],
      );
    }
  },
};

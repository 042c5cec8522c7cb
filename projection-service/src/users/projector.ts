import type { Projector } from '../projector/types.ts';

/** The user directory: names, emails and preferences (never secrets). Guarded by stream revision. */
export const usersProjector: Projector = {
  name: 'users',
  async apply(events, tx, schema) {
    for (const { event, recorded } of events) {
      if (event.type === 'UserRegistered') {
        const { userId, name, email, preferences } = event.data;
        await tx.query(
          `INSERT INTO ${schema}.users (id, name, email, preferences, registered_at, revision)
           VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [userId, name, email, JSON.stringify(preferences), recorded.metadata.occurredAt, recorded.revision],
        );
      } else if (event.type === 'UserPreferencesChanged') {
        await tx.query(
          `UPDATE ${schema}.users SET preferences = $2::jsonb, revision = $3 WHERE id = $1 AND revision < $3`,
          [event.data.userId, JSON.stringify(event.data.preferences), recorded.revision],
        );
      }
    }
  },
};

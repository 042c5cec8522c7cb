import { IdParams, UserPreferences, UserProfile } from '@taskflow/contracts';
import { NotFoundError } from '@taskflow/platform';
import { type App, BEARER, NoQuery, type QueryContext, ReadYourWritesHeaders } from '../shared/context.ts';

/** What notify-service needs to email someone: where, and whether they want it. */
export const UserContact = UserProfile;

/** A user's directory entry (name, email, preferences), or null. */
export async function findUser(ctx: QueryContext, userId: string): Promise<UserProfile | null> {
  const { rows } = await ctx.sql.query<{ id: string; name: string; email: string; preferences: unknown }>(
    `SELECT id, name, email, preferences FROM ${ctx.schema}.users WHERE id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    preferences: UserPreferences.parse(row.preferences),
  };
}

/** GET /api/users/me; internal: a user's contact and email preferences. */
export function registerUserRoutes(app: App, ctx: QueryContext): void {
  app.get(
    '/api/users/me',
    {
      onRequest: app.requireUser,
      schema: {
        summary: 'The caller’s profile and preferences',
        tags: ['users'],
        security: BEARER,
        headers: ReadYourWritesHeaders,
        querystring: NoQuery,
        response: { 200: UserProfile },
      },
    },
    async (request) => {
      const user = await findUser(ctx, request.user.userId);
      if (!user) throw new NotFoundError('user not found');
      return user;
    },
  );

  app.get(
    '/internal/users/:id/contact',
    {
      onRequest: app.requireService,
      schema: {
        summary: 'A user’s name, email and email preferences',
        tags: ['internal'],
        hide: true,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: UserContact },
      },
    },
    async (request) => {
      const user = await findUser(ctx, request.params.id);
      if (!user) throw new NotFoundError(`user ${request.params.id} not found`);
      return user;
    },
  );
}

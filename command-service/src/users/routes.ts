import { CommandAccepted, PreferencesBody, userStream } from '@taskflow/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FeatureDeps } from '../app.ts';
import { runCommand } from '../command-runner.ts';
import { commandContextFor } from '../http/context.ts';
import { accepted, actorOf } from '../http/responses.ts';
import { userDecider } from './decider.ts';

export async function userRoutes(root: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.put(
    '/api/users/me/preferences',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['users'],
        security: [{ bearer: [] }],
        body: PreferencesBody,
        response: { 200: CommandAccepted },
      },
    },
    async (request, reply) => {
      const userId = request.user.userId;
      const context = commandContextFor(request, deps.clock());
      const outcome = await runCommand({
        store: deps.eventStore,
        streamId: userStream(userId),
        decider: userDecider,
        command: {
          type: 'ChangePreferences',
          userId,
          preferences: request.body,
          actor: actorOf(request),
          now: context.now,
        },
        context,
      });
      return accepted(reply, userId, outcome);
    },
  );
}

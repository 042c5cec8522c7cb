import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReminderCommands } from './port.ts';

const Answer = z.object({ reminded: z.boolean() });

/**
 * The reminder command in the same process (all-in-one): the same route and token as over
 * HTTP, through Fastify's inject, so command-service's checks all still apply.
 */
export function injectReminderCommands(
  app: Pick<FastifyInstance, 'inject'>,
  serviceToken: string,
): ReminderCommands {
  return {
    async remindDeadline(taskId, body) {
      const response = await app.inject({
        method: 'POST',
        url: `/internal/tasks/${encodeURIComponent(taskId)}/deadline-reminders`,
        headers: { authorization: `Bearer ${serviceToken}` },
        payload: body,
      });
      if (response.statusCode !== 200) {
        throw new Error(
          `deadline reminder for ${taskId}: HTTP ${response.statusCode} ${response.body.slice(0, 300)}`,
        );
      }
      return Answer.parse(response.json());
    },
  };
}

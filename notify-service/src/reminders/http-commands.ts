import { z } from 'zod';
import type { ReminderCommands } from './port.ts';

const Answer = z.object({ reminded: z.boolean() });

export interface HttpCommandsOptions {
  /** command-service's base URL, e.g. http://command-service:3001 */
  baseUrl: string;
  serviceToken: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** `POST /internal/tasks/:id/deadline-reminders` with the service token. */
export function createHttpReminderCommands(options: HttpCommandsOptions): ReminderCommands {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async remindDeadline(taskId, body) {
      const response = await doFetch(
        `${base}/internal/tasks/${encodeURIComponent(taskId)}/deadline-reminders`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${options.serviceToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        },
      );
      const text = await response.text();
      if (!response.ok)
        throw new Error(`deadline reminder for ${taskId}: HTTP ${response.status} ${text.slice(0, 300)}`);
      return Answer.parse(JSON.parse(text));
    },
  };
}

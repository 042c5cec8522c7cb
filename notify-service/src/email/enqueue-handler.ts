import type { EventHandler } from '../feed/port.ts';
import type { DeliveryLog } from './delivery-log.ts';
import { emailJobsFor } from './payload.ts';

/**
 * The shared email group's handler: writes a pending delivery row per (notification,
 * recipient), a no-op when the event comes again, and wakes the worker. It never talks SMTP,
 * so a stuck mail server cannot stall the consumer or its heartbeats.
 */
export function emailEnqueueHandler(log: DeliveryLog, onEnqueued: () => void): EventHandler {
  return {
    name: 'email',
    async handle(event) {
      const jobs = emailJobsFor(event);
      if (jobs.length === 0) return;
      if ((await log.enqueue(jobs)) > 0) onEnqueued();
    },
  };
}

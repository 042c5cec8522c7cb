import type { Logger } from '@taskflow/platform';
import type { SqlClient } from '@taskflow/platform/sql';
import { createDeliveryLog } from './email/delivery-log.ts';
import { emailEnqueueHandler } from './email/enqueue-handler.ts';
import type { MailTransport } from './email/transport.ts';
import { createEmailWorker, type EmailWorkerOptions } from './email/worker.ts';
import type { DeliveryFeeds } from './feed/setups.ts';
import type { ReadSide } from './read-side/port.ts';
import type { DeadlineScanner } from './reminders/scanner.ts';
import { type ReminderSchedule, scheduleDeadlineScan } from './reminders/schedule.ts';
import { migrateNotify } from './schema.ts';
import type { NotificationHub } from './ws/hub.ts';
import { pushHandler } from './ws/push-handler.ts';

export interface NotifyWorkerDeps {
  hub: NotificationHub;
  /** Holds notify's own schema (delivery log, checkpoints); migrated here. */
  sql: SqlClient;
  readSide: ReadSide;
  feeds: DeliveryFeeds;
  logger: Logger;
  email: {
    transport: MailTransport;
    from: string;
  } & Partial<
    Pick<
      EmailWorkerOptions,
      'concurrency' | 'retry' | 'leaseMs' | 'pollMs' | 'hourlyCap' | 'maxAgeMs' | 'workerId'
    >
  >;
  /** The deadline scan on a cron schedule; omitted = no schedule (POST /notify/deadline still works). */
  reminders?: { scanner: DeadlineScanner; cron: string } | null;
}

export interface NotifyWorkers {
  stop(): Promise<void>;
}

/**
 * Everything notify does in the background: the email worker, the two feeds (push and email)
 * and the deadline schedule. Stopping ends them in the reverse order, feeds before the worker,
 * so no handler writes to a stopped worker.
 */
export async function startNotifyWorkers(deps: NotifyWorkerDeps): Promise<NotifyWorkers> {
  await migrateNotify(deps.sql);
  const deliveryLog = createDeliveryLog(deps.sql);
  const { transport, from, ...tuning } = deps.email;
  const worker = createEmailWorker({
    ...tuning,
    log: deliveryLog,
    transport,
    from,
    readSide: deps.readSide,
    logger: deps.logger,
    deadLetters: deps.feeds.emailDeadLetters,
  });
  worker.start();
  await deps.feeds.email.start(emailEnqueueHandler(deliveryLog, worker.wake));
  await deps.feeds.push.start(pushHandler(deps.hub));
  let schedule: ReminderSchedule | null = null;
  if (deps.reminders)
    schedule = scheduleDeadlineScan(deps.reminders.scanner, deps.reminders.cron, deps.logger);
  deps.logger.info({ mail: transport.describe }, 'notify workers started');

  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        await schedule?.stop();
        await Promise.all([deps.feeds.push.stop(), deps.feeds.email.stop()]);
        await worker.stop();
        await deps.feeds.close();
        await transport.close();
      })();
      return stopping;
    },
  };
}

import { join, resolve } from 'node:path';
import type { ReminderWindow } from '@taskflow/contracts';
import type { Logger } from '@taskflow/platform';
import type { EventStore } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import type { NotifyServiceDeps } from './app.ts';
import { createMailboxTransport, createSmtpTransport } from './email/transport.ts';
import { createStoreFeeds } from './feed/setups.ts';
import type { ReadSide } from './read-side/port.ts';
import type { ReminderCommands } from './reminders/port.ts';
import { createDeadlineScanner } from './reminders/scanner.ts';
import { type NotifyWorkers, startNotifyWorkers } from './workers.ts';
import { createNotificationHub, type HubOptions } from './ws/hub.ts';

export interface EmbeddedNotifyOptions {
  /** The process's one database (PGlite in `./taskflow start`): event store, read models, notify. */
  sql: SqlClient;
  eventStore: EventStore;
  /** projection-service's in-process read side (`createInProcessReadSide`). */
  readSide: ReadSide;
  /** command-service in the same process (`injectReminderCommands(app, serviceToken)`). */
  commands: ReminderCommands;
  logger: Logger;
  /** Mail goes to `<dataDir>/mailbox` as .eml files unless `smtpUrl` is given. */
  dataDir: string;
  smtpUrl?: string;
  mailFrom?: string;
  allowedOrigins?: readonly string[];
  /** The deadline scan's schedule (default every minute); null = only POST /notify/deadline. */
  cron?: string | null;
  windows?: readonly ReminderWindow[];
  hub?: Partial<Omit<HubOptions, 'readSide' | 'logger'>>;
}

export interface EmbeddedNotify {
  /** For `app.register(buildNotifyService, notify.deps)`. */
  deps: NotifyServiceDeps;
  /** Where mail is written, or null when it goes to SMTP. */
  mailbox: string | null;
  /** Starts the feeds (the event store's subscription), the email worker and the schedule. */
  start(): Promise<NotifyWorkers>;
}

/**
 * notify-service wired for the all-in-one process: fed by the event store's own subscription
 * (no Kafka), mail to a local mailbox, the read side and reminder commands in-process.
 */
export function createEmbeddedNotify(options: EmbeddedNotifyOptions): EmbeddedNotify {
  const hub = createNotificationHub({ readSide: options.readSide, logger: options.logger, ...options.hub });
  const scanner = createDeadlineScanner({
    readSide: options.readSide,
    commands: options.commands,
    windows: options.windows ?? ['24h', '1h'],
    logger: options.logger,
  });
  const mailbox = options.smtpUrl ? null : resolve(join(options.dataDir, 'mailbox'));
  return {
    deps: {
      hub,
      scanner,
      allowedOrigins: options.allowedOrigins ?? ['http://localhost:8080', 'http://127.0.0.1:8080'],
    },
    mailbox,
    async start() {
      const transport = options.smtpUrl
        ? createSmtpTransport({ url: options.smtpUrl })
        : createMailboxTransport(mailbox!);
      if (mailbox) options.logger.info({ mailbox }, `emails are written as .eml files to ${mailbox}`);
      return startNotifyWorkers({
        hub,
        sql: options.sql,
        readSide: options.readSide,
        feeds: createStoreFeeds({ store: options.eventStore, sql: options.sql, logger: options.logger }),
        logger: options.logger,
        email: { transport, from: options.mailFrom ?? 'TaskFlow <notifications@taskflow.local>' },
        reminders: options.cron === null ? null : { scanner, cron: options.cron ?? '* * * * *' },
      });
    },
  };
}

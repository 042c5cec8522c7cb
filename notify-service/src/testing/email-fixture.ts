import { randomUUID } from 'node:crypto';
import { notificationId } from '@taskflow/contracts';
import { createLogger } from '@taskflow/platform';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { createPgSqlClient, type SqlClient } from '@taskflow/platform/sql';
import { createTestDatabase, type TestDatabase } from '@taskflow/platform/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createDeliveryLog, type DeliveryLog } from '../email/delivery-log.ts';
import { emailEnqueueHandler } from '../email/enqueue-handler.ts';
import { createSmtpTransport, type MailTransport } from '../email/transport.ts';
import { createEmailWorker, type EmailWorker, type EmailWorkerOptions } from '../email/worker.ts';
import { sqlDeadLetterSink } from '../feed/dead-letters.ts';
import { migrateNotify } from '../schema.ts';
import { memberAdded, registered, world } from './events.ts';
import { createTestReadSide, type TestReadSide } from './read-side.ts';
import { startTestSmtp, type TestSmtp } from './smtp.ts';

export const FROM = 'TaskFlow <notifications@taskflow.test>';
const FAST_RETRY = { baseMs: 20, maxMs: 100, maxAttempts: 5 };
const noHeartbeat = { heartbeat: async () => {} };

/**
 * The email pipeline on a real PostgreSQL database of its own (delivery log, dead-letter rows)
 * with real SMTP servers; call inside a `describe`: it registers the hooks. Every test starts
 * from an empty log, and what a test started (workers, servers) is stopped after it.
 */
export function emailFixture() {
  let db: TestDatabase;
  const state = {} as { sql: SqlClient; log: DeliveryLog; readSide: TestReadSide };
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('notify_email');
    state.sql = createPgSqlClient({ connectionString: db.url, maxConnections: 8 });
    await migrateNotify(state.sql);
    state.log = createDeliveryLog(state.sql);
    state.readSide = createTestReadSide();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    await state.sql.exec('TRUNCATE notify.email_deliveries, notify.email_quota, notify.dead_letters');
  });
  afterAll(async () => {
    await state.sql.close();
    await db.drop();
  });

  return {
    get sql() {
      return state.sql;
    },
    get log() {
      return state.log;
    },
    get readSide() {
      return state.readSide;
    },
    /** Stopped after the test. */
    onStop(stop: () => Promise<void>) {
      running.push({ stop });
    },
    async smtpServer(): Promise<TestSmtp> {
      const smtp = await startTestSmtp();
      running.push({ stop: () => smtp.close() });
      return smtp;
    },
    smtpTransport(url: string, timeouts: { connectionTimeoutMs?: number; socketTimeoutMs?: number } = {}) {
      return createSmtpTransport({ url, maxConnections: 2, ...timeouts });
    },
    startWorker(transport: MailTransport, overrides: Partial<EmailWorkerOptions> = {}): EmailWorker {
      const worker = createEmailWorker({
        log: state.log,
        transport,
        readSide: state.readSide,
        from: FROM,
        logger: createLogger('email-test', 'silent'),
        deadLetters: sqlDeadLetterSink(state.sql),
        retry: FAST_RETRY,
        pollMs: 50,
        ...overrides,
      });
      worker.start();
      running.push({ stop: () => worker.stop().then(() => transport.close()) });
      return worker;
    },
    /** A project, its owner, and a member `name` who receives what the owner assigns. */
    recipient(name = 'Bob', email?: string) {
      const w = world();
      const id = randomUUID();
      state.readSide.apply(...w.events, registered(id, name, email), memberAdded(w, id));
      return { w, id, email: email ?? `${name.toLowerCase()}-${id.slice(0, 8)}@example.com` };
    },
    async enqueue(worker: EmailWorker, ...events: RecordedEvent[]) {
      const handler = emailEnqueueHandler(state.log, worker.wake);
      for (const event of events) await handler.handle(event, noHeartbeat);
    },
    async deadLetters(key: string) {
      const { rows } = await state.sql.query<{ reason: string }>(
        'SELECT reason FROM notify.dead_letters WHERE key = $1',
        [key],
      );
      return rows;
    },
  };
}

/** The notification id an assignment event produces for its assignee. */
export function notificationOf(event: RecordedEvent): string {
  return notificationId(event.id, (event.data as { assigneeId: string }).assigneeId);
}

import { randomUUID } from 'node:crypto';
import { EMAIL_PREFERENCE_FOR } from '@taskflow/contracts';
import type { Logger } from '@taskflow/platform';
import type { DeadLetterSink } from '../feed/port.ts';
import type { ReadSide } from '../read-side/port.ts';
import { type BackoffPolicy, backoffDelay, errorMessage } from '../shared/backoff.ts';
import { classifyMailError, describeMailError, PermanentMailError } from './classify.ts';
import type { DeliveryLog, DeliveryRow } from './delivery-log.ts';
import { headerText, isSafeAddress, messageIdFor, NOTIFICATION_ID_HEADER } from './headers.ts';
import { renderEmail } from './templates.ts';
import type { MailTransport, OutgoingEmail } from './transport.ts';

export interface EmailWorkerOptions {
  log: DeliveryLog;
  transport: MailTransport;
  readSide: Pick<ReadSide, 'userContact' | 'isMember' | 'projectName'>;
  from: string;
  logger: Logger;
  /** `taskflow.email.dlq` in the distributed mode; none in the embedded one (the failed row stays). */
  deadLetters?: DeadLetterSink | null;
  workerId?: string;
  /** Emails in flight at once. */
  concurrency?: number;
  retry?: BackoffPolicy;
  /** Longest a claim holds; longer than any SMTP timeout, so a live sender never loses its row. */
  leaseMs?: number;
  pollMs?: number;
  hourlyCap?: number;
  /** A notification older than this is not emailed any more (skipped): news too old to be news. */
  maxAgeMs?: number;
}

export interface EmailWorker {
  start(): void;
  /** There is new work: look now instead of at the next poll. */
  wake(): void;
  /** Stops claiming; waits for the emails in flight. */
  stop(): Promise<void>;
}

export const DEFAULT_EMAIL_RETRY: BackoffPolicy = { baseMs: 2_000, maxMs: 10 * 60_000, maxAttempts: 8 };

/**
 * The sending side of email, apart from the feed: the consumer only writes rows (fast, never
 * blocked by SMTP), and this worker claims due rows and sends them with bounded concurrency.
 * Transient failures come back later with exponential backoff and jitter; permanent ones (5xx,
 * or retries exhausted) end as `failed` and go to the dead-letter sink with the reason.
 */
export function createEmailWorker(options: EmailWorkerOptions): EmailWorker {
  const workerId = options.workerId ?? `email-${randomUUID()}`;
  const concurrency = options.concurrency ?? 4;
  const retry = options.retry ?? DEFAULT_EMAIL_RETRY;
  const leaseMs = options.leaseMs ?? 120_000;
  const pollMs = options.pollMs ?? 1_000;
  const hourlyCap = options.hourlyCap ?? 30;
  const maxAgeMs = options.maxAgeMs ?? 24 * 3_600_000;
  const logger = options.logger.child({ component: 'email-worker', workerId });
  const { log } = options;
  let running = false;
  let loop: Promise<void> | null = null;
  let inFlight = 0;
  let nudge: (() => void) | null = null;
  let woken = false;

  const wake = () => {
    woken = true;
    nudge?.();
  };

  /** Dead-letters first: if the topic is unreachable the claim lapses and the row is tried again. */
  async function fail(row: DeliveryRow, reason: string) {
    logger.warn({ notificationId: row.notificationId, recipientId: row.recipientId, reason }, 'email failed');
    await options.deadLetters?.publish({
      source: 'email',
      reason,
      key: row.notificationId,
      payload: JSON.stringify({ recipientId: row.recipientId, attempts: row.attempts, payload: row.payload }),
      details: { recipientId: row.recipientId, attempts: String(row.attempts) },
    });
    await log.markFinal(row, workerId, 'failed', reason);
  }

  async function retryOrFail(row: DeliveryRow, reason: string) {
    if (row.attempts >= retry.maxAttempts) return fail(row, `retries exhausted (${row.attempts}): ${reason}`);
    const delay = backoffDelay(retry, row.attempts);
    logger.info(
      { notificationId: row.notificationId, attempt: row.attempts, delay, reason },
      'email retry later',
    );
    await log.retryLater(row, workerId, delay, reason);
  }

  async function compose(row: DeliveryRow): Promise<OutgoingEmail | string> {
    const { notification } = row.payload;
    if (Date.now() - Date.parse(notification.createdAt) > maxAgeMs) return 'older than the email age limit';
    const contact = await options.readSide.userContact(row.recipientId);
    if (contact === null) throw new Error('recipient not known to the read side (yet)');
    if (!contact.preferences.email[EMAIL_PREFERENCE_FOR[notification.type]]) {
      return 'turned off in preferences';
    }
    // As on the socket: someone removed from the project hears no more of it.
    if (!(await options.readSide.isMember(notification.projectId, row.recipientId, notification.position))) {
      return 'recipient is no longer a member of the project';
    }
    if (!isSafeAddress(contact.email)) throw new PermanentMailError('recipient address is not usable');
    const projectName = (await options.readSide.projectName?.(notification.projectId)) ?? null;
    const rendered = renderEmail({
      payload: row.payload,
      recipientName: headerText(contact.name, 100),
      projectName,
    });
    return {
      from: options.from,
      to: { name: headerText(contact.name, 100), address: contact.email },
      subject: headerText(rendered.subject),
      text: rendered.text,
      html: rendered.html,
      messageId: messageIdFor(notification.id, options.from),
      headers: { [NOTIFICATION_ID_HEADER]: notification.id },
    };
  }

  async function deliver(row: DeliveryRow): Promise<void> {
    let email: OutgoingEmail | string;
    try {
      email = await compose(row);
    } catch (error) {
      if (error instanceof PermanentMailError) return fail(row, error.message);
      return retryOrFail(row, errorMessage(error));
    }
    if (typeof email === 'string') return log.markFinal(row, workerId, 'skipped', email);
    if (!(await log.reserveQuota(row, workerId, hourlyCap))) {
      return log.markFinal(row, workerId, 'skipped', `hourly email cap of ${hourlyCap} reached`);
    }
    try {
      await options.transport.send(email);
    } catch (error) {
      const reason = describeMailError(error);
      if (classifyMailError(error) === 'permanent') return fail(row, reason);
      return retryOrFail(row, reason);
    }
    await log.markSent(row, workerId, email.messageId);
  }

  async function run() {
    while (running) {
      woken = false;
      let claimed: DeliveryRow[] = [];
      try {
        claimed = await log.claim(workerId, concurrency - inFlight, leaseMs);
      } catch (error) {
        logger.error({ err: error }, 'could not claim emails');
      }
      for (const row of claimed) {
        inFlight += 1;
        deliver(row)
          .catch((error: unknown) =>
            logger.error({ err: error, notificationId: row.notificationId }, 'email step failed'),
          )
          .finally(() => {
            inFlight -= 1;
            wake();
          });
      }
      if (claimed.length > 0 && inFlight < concurrency) continue;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        nudge = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      nudge = null;
    }
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
      logger.info({ to: options.transport.describe }, 'email worker started');
    },
    wake,
    async stop() {
      running = false;
      nudge?.();
      await loop;
      loop = null;
    },
  };
}

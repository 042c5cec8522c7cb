import type { SqlClient, SqlQueryable } from '@taskflow/platform/sql';
import type { EmailJob, EmailPayload } from './payload.ts';

export type DeliveryState = 'pending' | 'sent' | 'failed' | 'skipped';

export interface DeliveryRow {
  notificationId: string;
  recipientId: string;
  type: string;
  payload: EmailPayload;
  state: DeliveryState;
  attempts: number;
  quotaReserved: boolean;
  reason: string | null;
}

const COLUMNS = `notification_id AS "notificationId", recipient_id AS "recipientId", type, payload, state,
  attempts, quota_reserved AS "quotaReserved", reason`;

/**
 * The email delivery log: one row per (notification, recipient), the unique key that makes a
 * redelivered event a no-op. A worker claims a row (a lease) before sending, and only the
 * holder of the claim may record the outcome.
 */
export function createDeliveryLog(sql: SqlClient) {
  const outcome = (tx: SqlQueryable, set: string, params: unknown[]) =>
    tx.query(
      `UPDATE notify.email_deliveries SET ${set}, claimed_by = NULL, claimed_until = NULL, updated_at = now()
       WHERE notification_id = $1 AND recipient_id = $2 AND claimed_by = $3 AND state = 'pending'`,
      params,
    );
  return {
    /** Inserts what is new; returns how many rows were new. */
    async enqueue(jobs: readonly EmailJob[]): Promise<number> {
      if (jobs.length === 0) return 0;
      const rows = jobs.map((job) => ({
        notification_id: job.payload.notification.id,
        recipient_id: job.recipientId,
        type: job.payload.notification.type,
        position: job.payload.notification.position,
        payload: job.payload,
      }));
      const result = await sql.query(
        `INSERT INTO notify.email_deliveries (notification_id, recipient_id, type, position, payload)
         SELECT r.notification_id, r.recipient_id, r.type, r.position, r.payload
         FROM jsonb_to_recordset($1::jsonb) AS r(notification_id uuid, recipient_id uuid, type text, position text, payload jsonb)
         ON CONFLICT (notification_id, recipient_id) DO NOTHING`,
        [JSON.stringify(rows)],
      );
      return result.rowCount;
    },

    /** Claims up to `limit` due rows for `workerId` for `leaseMs`; counts the attempt. */
    async claim(workerId: string, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
      if (limit <= 0) return [];
      const { rows } = await sql.query<DeliveryRow>(
        `UPDATE notify.email_deliveries d
         SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2::double precision / 1000),
             attempts = d.attempts + 1, updated_at = now()
         WHERE (d.notification_id, d.recipient_id) IN (
           SELECT notification_id, recipient_id FROM notify.email_deliveries
           WHERE state = 'pending' AND next_attempt_at <= now()
             AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY next_attempt_at LIMIT $3
           FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [workerId, leaseMs, limit],
      );
      return rows;
    },

    async markSent(row: DeliveryRow, workerId: string, messageId: string): Promise<void> {
      await outcome(sql, `state = 'sent', sent_at = now(), message_id = $4, reason = NULL`, [
        row.notificationId,
        row.recipientId,
        workerId,
        messageId,
      ]);
    },

    async markFinal(row: DeliveryRow, workerId: string, state: 'failed' | 'skipped', reason: string) {
      await outcome(sql, `state = $4, reason = $5`, [
        row.notificationId,
        row.recipientId,
        workerId,
        state,
        reason,
      ]);
    },

    async retryLater(row: DeliveryRow, workerId: string, delayMs: number, reason: string): Promise<void> {
      await outcome(
        sql,
        `next_attempt_at = now() + make_interval(secs => $4::double precision / 1000), reason = $5`,
        [row.notificationId, row.recipientId, workerId, delayMs, reason],
      );
    },

    /**
     * Counts this email against the recipient's cap for the current hour, once per row.
     * False when the cap is reached (the row is then skipped, not sent).
     */
    async reserveQuota(row: DeliveryRow, workerId: string, hourlyCap: number): Promise<boolean> {
      if (row.quotaReserved) return true;
      return sql.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO notify.email_quota AS q (recipient_id, hour_start, sent)
           VALUES ($1, date_trunc('hour', now()), 1)
           ON CONFLICT (recipient_id, hour_start) DO UPDATE SET sent = q.sent + 1 WHERE q.sent < $2
           RETURNING sent`,
          [row.recipientId, hourlyCap],
        );
        if (rows.length === 0) return false;
        await tx.query(
          `UPDATE notify.email_deliveries SET quota_reserved = true
           WHERE notification_id = $1 AND recipient_id = $2 AND claimed_by = $3`,
          [row.notificationId, row.recipientId, workerId],
        );
        return true;
      });
    },

    async find(notificationId: string, recipientId: string) {
      const { rows } = await sql.query<DeliveryRow & { messageId: string | null }>(
        `SELECT ${COLUMNS}, message_id AS "messageId" FROM notify.email_deliveries
         WHERE notification_id = $1 AND recipient_id = $2`,
        [notificationId, recipientId],
      );
      return rows[0] ?? null;
    },
  };
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>;

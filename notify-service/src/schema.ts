import { type Migration, runMigrations, type SqlClient } from '@taskflow/platform/sql';

/**
 * notify-service's own tables, in its own schema: the email delivery log (one row per
 * notification and recipient, the unique key that makes every email go out once), the hourly
 * email quota, the embedded feed's checkpoints and the embedded dead letters.
 */
export const NOTIFY_MIGRATION_NAMESPACE = 'notify';

export const notifyMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'delivery log, quota, checkpoints, dead letters',
    sql: `
CREATE SCHEMA IF NOT EXISTS notify;

CREATE TABLE notify.email_deliveries (
  notification_id uuid NOT NULL,
  recipient_id uuid NOT NULL,
  type text NOT NULL,
  position text COLLATE "C" NOT NULL,
  -- What the templates need, as it was when the event happened.
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  -- Counted against the recipient's hourly cap once, however many attempts it takes.
  quota_reserved boolean NOT NULL DEFAULT false,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A worker claims a row before sending; another may take it over only after the lease ends.
  claimed_by text,
  claimed_until timestamptz,
  reason text,
  message_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (notification_id, recipient_id)
);
CREATE INDEX email_deliveries_due ON notify.email_deliveries (next_attempt_at) WHERE state = 'pending';

CREATE TABLE notify.email_quota (
  recipient_id uuid NOT NULL,
  hour_start timestamptz NOT NULL,
  sent integer NOT NULL,
  PRIMARY KEY (recipient_id, hour_start)
);

CREATE TABLE notify.feed_checkpoints (
  name text PRIMARY KEY,
  position text COLLATE "C" NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notify.dead_letters (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  reason text NOT NULL,
  key text,
  payload text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

/** Idempotent; every starter calls it (the migration lock serialises concurrent starts). */
export async function migrateNotify(sql: SqlClient): Promise<void> {
  await runMigrations(sql, NOTIFY_MIGRATION_NAMESPACE, notifyMigrations);
}

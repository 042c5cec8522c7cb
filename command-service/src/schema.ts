import type { Migration } from '@taskflow/platform/sql';

/**
 * command-service's own tables: secrets that must never be events (password hashes, refresh
 * token families) and the idempotency log. They live in their own schema, beside the event store.
 */
export const COMMAND_MIGRATION_NAMESPACE = 'command_service';

export const commandServiceMigrations: Migration[] = [
  {
    version: 1,
    name: 'credentials, refresh tokens, idempotency',
    sql: `
      CREATE SCHEMA IF NOT EXISTS command;
      CREATE TABLE command.credentials (
        user_id uuid PRIMARY KEY,
        email_normalised text NOT NULL UNIQUE,
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE command.refresh_tokens (
        token_hash bytea PRIMARY KEY,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES command.credentials(user_id),
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX refresh_tokens_family ON command.refresh_tokens (family_id);
      CREATE TABLE command.revoked_families (
        family_id uuid PRIMARY KEY,
        revoked_at timestamptz NOT NULL,
        reason text NOT NULL
      );
      CREATE TABLE command.idempotency (
        user_key text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer NOT NULL,
        headers jsonb NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_key, idempotency_key)
      );
    `,
  },
];

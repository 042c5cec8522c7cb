import type { SqlClient } from '@taskflow/platform/sql';
import { type Migration, runMigrations } from '@taskflow/platform/sql';

/**
 * The read models live in their own PostgreSQL schema. The DDL is one function of the schema
 * name, so a rebuild can lay the very same tables in `read_rebuild` and swap them in.
 */
export const READ_SCHEMA = 'read';
export const REBUILD_SCHEMA = 'read_rebuild';
export const READ_MIGRATION_NAMESPACE = 'projection_read';
/** The one checkpoint row the read-model projector writes with every batch. */
export const READ_MODELS_CHECKPOINT = 'read_models';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL: only plain lower-case identifiers pass. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid read-model schema name: ${schema}`);
  return schema;
}

/**
 * Every read-model table. Positions are the event store's opaque strings: fixed-width, so with
 * the "C" collation their text order is their order (platform/src/eventstore/position.ts).
 */
export function readModelDdl(schemaName: string): string {
  const s = assertSchemaName(schemaName);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE ${s}.checkpoints (
  name text PRIMARY KEY,
  position text COLLATE "C",
  events_applied bigint NOT NULL DEFAULT 0,
  events_skipped bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ${s}.checkpoints (name) VALUES ('${READ_MODELS_CHECKPOINT}');

-- The directory: no secrets (password hashes stay in command-service's own tables).
CREATE TABLE ${s}.users (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  preferences jsonb NOT NULL,
  registered_at timestamptz NOT NULL,
  revision bigint NOT NULL
);

CREATE TABLE ${s}.projects (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  revision bigint NOT NULL
);

CREATE TABLE ${s}.memberships (
  project_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL,
  joined_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX memberships_user ON ${s}.memberships (user_id, project_id);

CREATE TABLE ${s}.tasks (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL,
  title text NOT NULL,
  description text NOT NULL,
  status text NOT NULL,
  priority text NOT NULL,
  priority_rank smallint NOT NULL,
  deadline timestamptz,
  -- No deadline sorts as infinitely far away: last ascending, first descending.
  deadline_key timestamptz GENERATED ALWAYS AS (COALESCE(deadline, 'infinity'::timestamptz)) STORED,
  assignee_id uuid,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  revision bigint NOT NULL,
  search tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, title || ' ' || description)) STORED
);
CREATE INDEX tasks_project_created ON ${s}.tasks (project_id, created_at, id);
CREATE INDEX tasks_project_updated ON ${s}.tasks (project_id, updated_at, id);
CREATE INDEX tasks_project_priority ON ${s}.tasks (project_id, priority_rank, id);
CREATE INDEX tasks_project_deadline ON ${s}.tasks (project_id, deadline_key, id);
CREATE INDEX tasks_assignee ON ${s}.tasks (assignee_id);
CREATE INDEX tasks_search ON ${s}.tasks USING gin (search);
-- The deadline scan: open, assigned tasks with a deadline.
CREATE INDEX tasks_open_deadlines ON ${s}.tasks (deadline, id)
  WHERE deadline IS NOT NULL AND assignee_id IS NOT NULL AND status NOT IN ('done', 'cancelled');

-- Reminders already issued (TaskDeadlineApproaching), so the scan offers each (deadline, window) once.
CREATE TABLE ${s}.task_reminders (
  task_id uuid NOT NULL,
  deadline timestamptz NOT NULL,
  reminder_window text NOT NULL,
  position text COLLATE "C" NOT NULL,
  PRIMARY KEY (task_id, deadline, reminder_window)
);

-- The inbox: one row per notificationsFor(event) result; read marks are applied in place.
CREATE TABLE ${s}.notifications (
  id uuid PRIMARY KEY,
  recipient_id uuid NOT NULL,
  type text NOT NULL,
  task_id uuid NOT NULL,
  project_id uuid NOT NULL,
  message text NOT NULL,
  is_read boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  position text COLLATE "C" NOT NULL,
  cause_event_id uuid NOT NULL,
  cause_event_type text NOT NULL,
  -- The position of the NotificationRead / AllNotificationsRead event that marked it read.
  read_position text COLLATE "C"
);
CREATE INDEX notifications_recipient ON ${s}.notifications (recipient_id, position, id);
CREATE INDEX notifications_unread ON ${s}.notifications (recipient_id, position, id) WHERE NOT is_read;
`;
}

/**
 * Indexes only queries read through: no projector looks a row up by them. A rebuild lays
 * them after its bulk replay instead of updating them row by row (a third of its database
 * work). Keep this list in step with the projectors' own lookups.
 */
export const QUERY_ONLY_INDEXES: readonly string[] = [
  'memberships_user',
  'tasks_project_created',
  'tasks_project_updated',
  'tasks_project_priority',
  'tasks_project_deadline',
  'tasks_assignee',
  'tasks_search',
  'tasks_open_deadlines',
  'notifications_recipient',
];

export const readModelMigrations: readonly Migration[] = [
  { version: 1, name: 'read models', sql: readModelDdl(READ_SCHEMA) },
];

/** Idempotent; every starter (query plugin, projector) calls it. */
export async function migrateReadModels(sql: SqlClient): Promise<void> {
  await runMigrations(sql, READ_MIGRATION_NAMESPACE, readModelMigrations);
}

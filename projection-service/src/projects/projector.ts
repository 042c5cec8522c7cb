import type { DomainEvent, ProjectRole } from '@taskflow/contracts';
import type { SqlQueryable } from '@taskflow/platform/sql';
import type { ProjectedEvent, Projector } from '../projector/types.ts';

type MemberEvent = Extract<DomainEvent, { type: 'MemberAdded' | 'MemberRoleChanged' | 'MemberRemoved' }>;
const isMemberEvent = (event: DomainEvent): event is MemberEvent =>
  event.type === 'MemberAdded' || event.type === 'MemberRoleChanged' || event.type === 'MemberRemoved';

interface Membership {
  role: ProjectRole;
  joinedAt: string;
}

/**
 * Projects and their memberships. Every member change first moves the project row's revision
 * forward; an event at or below it was applied already and changes nothing. A batch is folded
 * in memory from the rows it touches, loaded in two queries, and written back in three,
 * rather than two statements per member event (a rebuild replays every project's members).
 */
export const projectsProjector: Projector = {
  name: 'projects',
  async apply(events, tx, schema) {
    const created: Record<string, unknown>[] = [];
    const memberEvents: ProjectedEvent<MemberEvent>[] = [];
    for (const item of events) {
      const { event, recorded } = item;
      if (event.type === 'ProjectCreated') {
        const { projectId, name, description, createdBy } = event.data;
        created.push({
          id: projectId,
          name,
          description,
          created_by: createdBy,
          created_at: recorded.metadata.occurredAt,
          revision: recorded.revision,
        });
      } else if (isMemberEvent(event)) {
        memberEvents.push({ event, recorded });
      }
    }
    if (created.length > 0) {
      await tx.query(
        `INSERT INTO ${schema}.projects (id, name, description, created_by, created_at, revision)
         SELECT r.id, r.name, r.description, r.created_by, r.created_at, r.revision
         FROM jsonb_to_recordset($1::jsonb)
           AS r(id uuid, name text, description text, created_by uuid, created_at timestamptz, revision bigint)
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(created)],
      );
    }
    if (memberEvents.length === 0) return;

    const keyOf = (projectId: string, userId: string) => `${projectId}/${userId}`;
    const keys = new Map<string, { project_id: string; user_id: string }>();
    for (const { event } of memberEvents) {
      const { projectId, userId } = event.data;
      keys.set(keyOf(projectId, userId), { project_id: projectId, user_id: userId });
    }
    const revisions = await loadRevisions(tx, schema, [
      ...new Set([...keys.values()].map((k) => k.project_id)),
    ]);
    const before = await loadMemberships(tx, schema, [...keys.values()]);
    const after = new Map<string, Membership | null>(before);
    const claimed = new Map<string, number>();
    for (const { event, recorded } of memberEvents) {
      const { projectId, userId } = event.data;
      const current = claimed.get(projectId) ?? revisions.get(projectId);
      // No project row, or an event at or below its revision: changes nothing (as claimRevision did).
      if (current === undefined || recorded.revision <= current) continue;
      claimed.set(projectId, recorded.revision);
      const key = keyOf(projectId, userId);
      const member = after.get(key) ?? null;
      if (event.type === 'MemberAdded') {
        after.set(key, { role: event.data.role, joinedAt: member?.joinedAt ?? recorded.metadata.occurredAt });
      } else if (event.type === 'MemberRoleChanged') {
        if (member) after.set(key, { ...member, role: event.data.to });
      } else {
        after.set(key, null);
      }
    }
    await writeBack(tx, schema, { claimed, keys, before, after });
  },
};

async function loadRevisions(tx: SqlQueryable, schema: string, ids: string[]): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ id: string; revision: string }>(
    `SELECT id, revision FROM ${schema}.projects WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, Number(row.revision)]));
}

async function loadMemberships(
  tx: SqlQueryable,
  schema: string,
  keys: { project_id: string; user_id: string }[],
): Promise<Map<string, Membership | null>> {
  // joined_at as text: written back exactly as stored.
  const { rows } = await tx.query<{
    project_id: string;
    user_id: string;
    role: ProjectRole;
    joined_at: string;
  }>(
    `SELECT m.project_id, m.user_id, m.role, m.joined_at::text AS joined_at
     FROM jsonb_to_recordset($1::jsonb) AS k(project_id uuid, user_id uuid)
     JOIN ${schema}.memberships m ON m.project_id = k.project_id AND m.user_id = k.user_id`,
    [JSON.stringify(keys)],
  );
  return new Map(
    rows.map((row) => [`${row.project_id}/${row.user_id}`, { role: row.role, joinedAt: row.joined_at }]),
  );
}

async function writeBack(
  tx: SqlQueryable,
  schema: string,
  fold: {
    claimed: Map<string, number>;
    keys: Map<string, { project_id: string; user_id: string }>;
    before: Map<string, Membership | null>;
    after: Map<string, Membership | null>;
  },
): Promise<void> {
  if (fold.claimed.size === 0) return;
  await tx.query(
    `UPDATE ${schema}.projects AS p SET revision = r.revision
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, revision bigint)
     WHERE p.id = r.id AND p.revision < r.revision`,
    [JSON.stringify([...fold.claimed].map(([id, revision]) => ({ id, revision })))],
  );
  const removed: unknown[] = [];
  const present: unknown[] = [];
  for (const [key, member] of fold.after) {
    const { project_id, user_id } = fold.keys.get(key)!;
    const was = fold.before.get(key);
    if (member === null && was) removed.push({ project_id, user_id });
    else if (member && (was?.role !== member.role || was?.joinedAt !== member.joinedAt)) {
      present.push({ project_id, user_id, role: member.role, joined_at: member.joinedAt });
    }
  }
  if (removed.length > 0) {
    await tx.query(
      `DELETE FROM ${schema}.memberships m USING jsonb_to_recordset($1::jsonb) AS k(project_id uuid, user_id uuid)
       WHERE m.project_id = k.project_id AND m.user_id = k.user_id`,
      [JSON.stringify(removed)],
    );
  }
  if (present.length > 0) {
    await tx.query(
      `INSERT INTO ${schema}.memberships (project_id, user_id, role, joined_at)
       SELECT r.project_id, r.user_id, r.role, r.joined_at
       FROM jsonb_to_recordset($1::jsonb) AS r(project_id uuid, user_id uuid, role text, joined_at timestamptz)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role, joined_at = EXCLUDED.joined_at`,
      [JSON.stringify(present)],
    );
  }
}

import type { ProjectDetail, ProjectPage, ProjectRole } from '@taskflow/contracts';
import type { QueryContext } from '../shared/context.ts';
import { decodeCursor, encodeCursor, isString, isUuid } from '../shared/cursor.ts';

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  role: ProjectRole;
}

/** The caller's projects with their role, by name then id, keyset-paged. */
export async function listProjects(
  ctx: QueryContext,
  userId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<ProjectPage> {
  const params: unknown[] = [userId, page.limit + 1];
  let after = '';
  if (page.cursor) {
    const [name, id] = decodeCursor<[string, string]>(
      page.cursor,
      (parts): parts is [string, string] => parts.length === 2 && isString(parts[0]) && isUuid(parts[1]),
    );
    params.push(name, id);
    after = 'AND (p.name, p.id) > ($3, $4::uuid)';
  }
  const { rows } = await ctx.sql.query<ProjectRow>(
    `SELECT p.id, p.name, p.description, m.role
     FROM ${ctx.schema}.memberships m JOIN ${ctx.schema}.projects p ON p.id = m.project_id
     WHERE m.user_id = $1 ${after}
     ORDER BY p.name, p.id LIMIT $2`,
    params,
  );
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor([last.name, last.id]) : null };
}

/** The project and its members with their names, when the caller is a member; else null. */
export async function findVisibleProject(
  ctx: QueryContext,
  userId: string,
  projectId: string,
): Promise<ProjectDetail | null> {
  const { rows } = await ctx.sql.query<{ id: string; name: string; description: string }>(
    `SELECT p.id, p.name, p.description FROM ${ctx.schema}.projects p
     WHERE p.id = $1 AND EXISTS (
       SELECT 1 FROM ${ctx.schema}.memberships m WHERE m.project_id = p.id AND m.user_id = $2)`,
    [projectId, userId],
  );
  const project = rows[0];
  if (!project) return null;
  const members = await ctx.sql.query<{ userId: string; name: string; role: ProjectRole }>(
    `SELECT m.user_id AS "userId", COALESCE(u.name, '') AS name, m.role
     FROM ${ctx.schema}.memberships m LEFT JOIN ${ctx.schema}.users u ON u.id = m.user_id
     WHERE m.project_id = $1
     ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, u.name, m.user_id`,
    [projectId],
  );
  return { ...project, members: members.rows };
}

/** Any project's name (for email texts); internal callers only. */
export async function findProjectName(ctx: QueryContext, projectId: string): Promise<string | null> {
  const { rows } = await ctx.sql.query<{ name: string }>(
    `SELECT name FROM ${ctx.schema}.projects WHERE id = $1`,
    [projectId],
  );
  return rows[0]?.name ?? null;
}

import type { ProjectRole } from '@taskflow/contracts';
import type { QueryContext } from '../shared/context.ts';

/** The caller's role in a project, or null when they are not (or no longer) a member. */
export async function roleIn(
  ctx: QueryContext,
  projectId: string,
  userId: string,
): Promise<ProjectRole | null> {
  const { rows } = await ctx.sql.query<{ role: ProjectRole }>(
    `SELECT role FROM ${ctx.schema}.memberships WHERE project_id = $1 AND user_id = $2`,
    [projectId, userId],
  );
  return rows[0]?.role ?? null;
}

/** SQL: the row alias `alias` has a `project_id` the user `$param` is a member of. */
export function visibleTo(ctx: QueryContext, alias: string, userParam: string): string {
  return `EXISTS (SELECT 1 FROM ${ctx.schema}.memberships m WHERE m.project_id = ${alias}.project_id AND m.user_id = ${userParam})`;
}

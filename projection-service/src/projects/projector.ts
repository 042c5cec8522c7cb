import type { SqlQueryable } from '@taskflow/platform/sql';
import type { Projector } from '../projector/types.ts';

/**
 * Projects and their memberships. Every member change first moves the project row's revision
 * forward; an event at or below it was applied already and changes nothing.
 */
export const projectsProjector: Projector = {
  name: 'projects',
  async apply(events, tx, schema) {
    for (const { event, recorded } of events) {
      switch (event.type) {
        case 'ProjectCreated': {
          const { projectId, name, description, createdBy } = event.data;
          await tx.query(
            `INSERT INTO ${schema}.projects (id, name, description, created_by, created_at, revision)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
            [projectId, name, description, createdBy, recorded.metadata.occurredAt, recorded.revision],
          );
          break;
        }
        case 'MemberAdded':
          if (await claimRevision(tx, schema, event.data.projectId, recorded.revision)) {
            await tx.query(
              `INSERT INTO ${schema}.memberships (project_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
              [event.data.projectId, event.data.userId, event.data.role, recorded.metadata.occurredAt],
            );
          }
          break;
        case 'MemberRoleChanged':
          if (await claimRevision(tx, schema, event.data.projectId, recorded.revision)) {
            await tx.query(
              `UPDATE ${schema}.memberships SET role = $3 WHERE project_id = $1 AND user_id = $2`,
              [event.data.projectId, event.data.userId, event.data.to],
            );
          }
          break;
        case 'MemberRemoved':
          if (await claimRevision(tx, schema, event.data.projectId, recorded.revision)) {
            await tx.query(`DELETE FROM ${schema}.memberships WHERE project_id = $1 AND user_id = $2`, [
              event.data.projectId,
              event.data.userId,
            ]);
          }
          break;
        default:
          break;
      }
    }
  },
};

async function claimRevision(tx: SqlQueryable, schema: string, projectId: string, revision: number) {
  const { rowCount } = await tx.query(
    `UPDATE ${schema}.projects SET revision = $2 WHERE id = $1 AND revision < $2`,
    [projectId, revision],
  );
  return rowCount > 0;
}

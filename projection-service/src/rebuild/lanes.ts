import type { Position } from '@taskflow/platform/eventstore';
import { notificationsProjector } from '../notifications/projector.ts';
import type { Projector } from '../projector/types.ts';
import { projectsProjector } from '../projects/projector.ts';
import { READ_MODELS_CHECKPOINT } from '../schema.ts';
import { tasksProjector } from '../tasks/projector.ts';
import { usersProjector } from '../users/projector.ts';
import type { ReplayTarget } from './replay.ts';

/**
 * How a rebuild splits the projectors: the task rows (about half of the database's work) and
 * everything else. Each projector reads and writes only its own tables, so groups applied in
 * separate transactions, each with a checkpoint row of its own, end in the same rows as one
 * transaction per batch would; only the moments in between differ, and nobody reads a
 * rebuild before it is complete.
 */
export const REBUILD_LANES: readonly (readonly Projector[])[] = [
  [tasksProjector],
  [usersProjector, projectsProjector, notificationsProjector],
];

const laneName = (lane: number) => `${READ_MODELS_CHECKPOINT}:lane${lane}`;

/** One checkpoint row per lane, all at `from` (where the schema's own checkpoint is). */
export async function openLanes(
  target: ReplayTarget,
  count: number,
  from: Position | null,
): Promise<string[]> {
  const names = Array.from({ length: count }, (_, lane) => laneName(lane));
  await target.sql.query(
    `INSERT INTO ${target.schema}.checkpoints (name, position)
     SELECT name, $2 FROM unnest($1::text[]) AS name
     ON CONFLICT (name) DO UPDATE SET position = $2, events_applied = 0, events_skipped = 0`,
    [names, from],
  );
  return names;
}

/**
 * Every lane reached `position`: the schema's checkpoint moves there, counting the events once
 * (each lane classified the same events alike), and the lane rows go.
 */
export async function mergeLanes(
  target: ReplayTarget,
  names: string[],
  position: Position | null,
): Promise<void> {
  const s = target.schema;
  await target.sql.transaction(async (tx) => {
    const { rows } = await tx.query<{ name: string; position: string | null }>(
      `SELECT name, position FROM ${s}.checkpoints WHERE name = ANY($1)`,
      [names],
    );
    const behind = rows.filter((row) => row.position !== position);
    if (rows.length !== names.length || behind.length > 0) {
      throw new Error(`replay lanes out of step: ${JSON.stringify(rows)}, expected all at ${position}`);
    }
    await tx.query(
      `UPDATE ${s}.checkpoints AS c SET position = $2, events_applied = c.events_applied + l.events_applied,
         events_skipped = c.events_skipped + l.events_skipped, updated_at = now()
       FROM ${s}.checkpoints AS l WHERE c.name = $1 AND l.name = $3`,
      [READ_MODELS_CHECKPOINT, position, names[0]],
    );
    await tx.query(`DELETE FROM ${s}.checkpoints WHERE name = ANY($1)`, [names]);
  });
}

import { isTaskEvent, publicRevision, type Task, type TaskEvent } from '@taskflow/contracts';
import type { SqlQueryable } from '@taskflow/platform/sql';
import type { ProjectedEvent, Projector } from '../projector/types.ts';
import { taskColumns } from './rows.ts';
import { canonicalInstant, evolveTaskView, priorityRank } from './view.ts';

const TASK_RECORD = `id uuid, project_id uuid, title text, description text, status text, priority text,
  priority_rank smallint, deadline timestamptz, assignee_id uuid, created_by uuid, created_at timestamptz,
  updated_at timestamptz, revision bigint`;

/**
 * Tasks: the batch's task rows are loaded in one query, folded in memory with the shared
 * `evolveTaskView`, and written back in one upsert guarded by revision. Reminders issued
 * (TaskDeadlineApproaching) are recorded for the deadline scan.
 */
export const tasksProjector: Projector = {
  name: 'tasks',
  async apply(events, tx, schema) {
    const taskEvents = events.filter((item): item is ProjectedEvent<TaskEvent> => isTaskEvent(item.event));
    if (taskEvents.length === 0) return;
    const views = await loadTasks(tx, schema, [...new Set(taskEvents.map((item) => item.event.data.taskId))]);
    const changed = new Set<string>();
    const reminders: Record<string, unknown>[] = [];
    for (const { event, recorded } of taskEvents) {
      const before = views.get(event.data.taskId) ?? null;
      const after = evolveTaskView(before, event, {
        revision: publicRevision(recorded.revision),
        occurredAt: recorded.metadata.occurredAt,
      });
      if (after !== null && after !== before) {
        views.set(after.id, after);
        changed.add(after.id);
      }
      if (event.type === 'TaskDeadlineApproaching' && after !== null) {
        reminders.push({
          task_id: event.data.taskId,
          deadline: canonicalInstant(event.data.deadline),
          reminder_window: event.data.window,
          position: recorded.position,
        });
      }
    }
    const rows = [...changed].map((id) => toRecord(views.get(id)!));
    if (rows.length > 0) await upsertTasks(tx, schema, rows);
    if (reminders.length > 0) {
      await tx.query(
        `INSERT INTO ${schema}.task_reminders (task_id, deadline, reminder_window, position)
         SELECT r.task_id, r.deadline, r.reminder_window, r.position
         FROM jsonb_to_recordset($1::jsonb) AS r(task_id uuid, deadline timestamptz, reminder_window text, position text)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(reminders)],
      );
    }
  },
};

async function loadTasks(tx: SqlQueryable, schema: string, ids: string[]): Promise<Map<string, Task>> {
  const { rows } = await tx.query<Task>(
    `SELECT ${taskColumns('t')} FROM ${schema}.tasks t WHERE t.id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

function toRecord(task: Task): Record<string, unknown> {
  return {
    id: task.id,
    project_id: task.projectId,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    priority_rank: priorityRank(task.priority),
    deadline: task.deadline,
    assignee_id: task.assigneeId,
    created_by: task.createdBy,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
    revision: task.revision,
  };
}

async function upsertTasks(tx: SqlQueryable, schema: string, rows: Record<string, unknown>[]): Promise<void> {
  await tx.query(
    `INSERT INTO ${schema}.tasks AS t (id, project_id, title, description, status, priority, priority_rank,
       deadline, assignee_id, created_by, created_at, updated_at, revision)
     SELECT r.id, r.project_id, r.title, r.description, r.status, r.priority, r.priority_rank,
       r.deadline, r.assignee_id, r.created_by, r.created_at, r.updated_at, r.revision
     FROM jsonb_to_recordset($1::jsonb) AS r(${TASK_RECORD})
     ON CONFLICT (id) DO UPDATE SET
       title = EXCLUDED.title, description = EXCLUDED.description, status = EXCLUDED.status,
       priority = EXCLUDED.priority, priority_rank = EXCLUDED.priority_rank, deadline = EXCLUDED.deadline,
       assignee_id = EXCLUDED.assignee_id, updated_at = EXCLUDED.updated_at, revision = EXCLUDED.revision
     WHERE t.revision < EXCLUDED.revision`,
    [JSON.stringify(rows)],
  );
}

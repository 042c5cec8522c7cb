import type { Task, TaskListQuery, TaskPage } from '@taskflow/contracts';
import { visibleTo } from '../projects/access.ts';
import type { QueryContext } from '../shared/context.ts';
import { decodeCursor, encodeCursor, isUuid } from '../shared/cursor.ts';
import { taskColumns } from './rows.ts';
import { priorityRank } from './view.ts';

type SortField = 'createdAt' | 'updatedAt' | 'deadline' | 'priority';

interface SortKey {
  column: string;
  cast: 'timestamptz' | 'smallint';
  valueOf(task: Task): string | number;
  isValid(value: unknown): boolean;
}

const isInstantKey = (value: unknown) =>
  typeof value === 'string' && (value === 'infinity' || !Number.isNaN(Date.parse(value)));

/** Each sort is a column with an index per project; ties are broken by id, so the order is total. */
const SORT_KEYS: Readonly<Record<SortField, SortKey>> = {
  createdAt: {
    column: 'created_at',
    cast: 'timestamptz',
    valueOf: (t) => t.createdAt,
    isValid: isInstantKey,
  },
  updatedAt: {
    column: 'updated_at',
    cast: 'timestamptz',
    valueOf: (t) => t.updatedAt,
    isValid: isInstantKey,
  },
  deadline: {
    column: 'deadline_key',
    cast: 'timestamptz',
    valueOf: (t) => t.deadline ?? 'infinity',
    isValid: isInstantKey,
  },
  priority: {
    column: 'priority_rank',
    cast: 'smallint',
    valueOf: (t) => priorityRank(t.priority),
    isValid: (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 3,
  },
};

/**
 * A page of the caller's tasks. Keyset pagination on (sort key, id): a row inserted while a
 * client pages lands before or after the cursor, never shifting the rows still to come.
 */
export async function listTasks(ctx: QueryContext, userId: string, query: TaskListQuery): Promise<TaskPage> {
  const descending = query.sort.startsWith('-');
  const field = query.sort.replace(/^-/, '') as SortField;
  const key = SORT_KEYS[field];
  const params: unknown[] = [userId];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [visibleTo(ctx, 't', '$1')];
  if (query.projectId) where.push(`t.project_id = ${bind(query.projectId)}`);
  if (query.assignee)
    where.push(`t.assignee_id = ${bind(query.assignee === 'me' ? userId : query.assignee)}`);
  if (query.status) where.push(`t.status = ANY(${bind(query.status)}::text[])`);
  if (query.deadlineBefore) where.push(`t.deadline < ${bind(query.deadlineBefore)}::timestamptz`);
  if (query.deadlineAfter) where.push(`t.deadline > ${bind(query.deadlineAfter)}::timestamptz`);
  if (query.q) where.push(`t.search @@ websearch_to_tsquery('english', ${bind(query.q)})`);
  if (query.cursor) {
    const [, value, id] = decodeCursor<[string, string | number, string]>(
      query.cursor,
      (parts): parts is [string, string | number, string] =>
        parts.length === 3 && parts[0] === query.sort && key.isValid(parts[1]) && isUuid(parts[2]),
    );
    const op = descending ? '<' : '>';
    where.push(`(t.${key.column}, t.id) ${op} (${bind(value)}::${key.cast}, ${bind(id)}::uuid)`);
  }
  const direction = descending ? 'DESC' : 'ASC';
  const { rows } = await ctx.sql.query<Task>(
    `SELECT ${taskColumns('t')} FROM ${ctx.schema}.tasks t
     WHERE ${where.join(' AND ')}
     ORDER BY t.${key.column} ${direction}, t.id ${direction}
     LIMIT ${bind(query.limit + 1)}`,
    params,
    // Planning costs as much as running this query; the usual shapes (sort, project, assignee,
    // status, cursor: at most 128 texts, never values) stay prepared on each connection.
    { prepare: !query.q && !query.deadlineBefore && !query.deadlineAfter },
  );
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > query.limit && last ? encodeCursor([query.sort, key.valueOf(last), last.id]) : null;
  return { items, nextCursor };
}

/** The task when the caller may see it (a member of its project), else null. */
export async function findVisibleTask(
  ctx: QueryContext,
  userId: string,
  taskId: string,
): Promise<Task | null> {
  const { rows } = await ctx.sql.query<Task>(
    `SELECT ${taskColumns('t')} FROM ${ctx.schema}.tasks t WHERE t.id = $1 AND ${visibleTo(ctx, 't', '$2')}`,
    [taskId, userId],
    { prepare: true },
  );
  return rows[0] ?? null;
}

import type { Task } from '@taskflow/contracts';
import { isoTime } from '../shared/sql.ts';

/** The columns that make a read-model row a `Task`, already in the API's shape. */
export function taskColumns(alias: string): string {
  const t = alias;
  return `${t}.id, ${t}.project_id AS "projectId", ${t}.title, ${t}.description, ${t}.status, ${t}.priority,
    ${isoTime(`${t}.deadline`)} AS deadline, ${t}.assignee_id AS "assigneeId", ${t}.created_by AS "createdBy",
    ${isoTime(`${t}.created_at`)} AS "createdAt", ${isoTime(`${t}.updated_at`)} AS "updatedAt",
    ${t}.revision::integer AS revision`;
}

export type TaskRow = Task;

import { publicRevision, type Task, type TaskHistory, taskStream } from '@taskflow/contracts';
import { NotFoundError } from '@taskflow/platform';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import type { QueryContext } from '../shared/context.ts';
import { foldRecordedTask } from '../tasks/view.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The task's events as the store recorded them, oldest first. */
export async function taskHistory(ctx: QueryContext, taskId: string): Promise<TaskHistory> {
  const events = await ctx.eventStore.readStream(taskStream(taskId));
  return { items: events.map(toHistoryItem) };
}

function toHistoryItem(event: RecordedEvent): TaskHistory['items'][number] {
  const { actor, occurredAt } = event.metadata;
  return {
    revision: publicRevision(event.revision),
    position: event.position,
    type: event.type,
    data: event.data,
    // A non-person actor (a service name) is not a user id; the history names people only.
    actor: actor !== null && UUID.test(actor) ? actor : null,
    occurredAt: new Date(occurredAt).toISOString(),
  };
}

/**
 * The task as it was at a revision or a time: its own stream folded with the projector's fold
 * (`evolveTaskView`), up to and including that revision / the last event that occurred by then.
 */
export async function taskAsOf(
  ctx: QueryContext,
  taskId: string,
  at: { revision: number } | { asOf: string },
): Promise<Task> {
  const events = await ctx.eventStore.readStream(taskStream(taskId));
  let view: Task | null;
  if ('revision' in at) {
    const last = events.at(-1);
    const latest = last ? publicRevision(last.revision) : null;
    if (latest === null || at.revision > latest) {
      throw new NotFoundError(
        `task ${taskId} has no revision ${at.revision} (latest is ${latest ?? 'none'})`,
      );
    }
    view = foldRecordedTask(events, (event) => publicRevision(event.revision) <= at.revision);
  } else {
    const until = Date.parse(at.asOf);
    view = foldRecordedTask(events, (event) => Date.parse(event.metadata.occurredAt) <= until);
  }
  if (!view) throw new NotFoundError(`task ${taskId} did not exist at that point`);
  return view;
}

import {
  INITIAL_TASK_STATUS,
  isTaskEvent,
  parseStoredEvent,
  publicRevision,
  TASK_PRIORITIES,
  type Task,
  type TaskEvent,
  type TaskPriority,
} from '@taskflow/contracts';
import type { RecordedEvent } from '@taskflow/platform/eventstore';

/** What the fold needs of the stored record besides the event itself. */
export interface EventFacts {
  /** The event's revision in its task stream: the view's revision (and ETag) after it. */
  revision: number;
  occurredAt: string;
}

/** Times as the read model returns them: UTC, millisecond precision, `Z`. */
export function canonicalInstant(value: string): string {
  return new Date(value).toISOString();
}

/** low < medium < high < urgent, for sorting by priority. */
export function priorityRank(priority: TaskPriority): number {
  return TASK_PRIORITIES.indexOf(priority);
}

/**
 * THE fold of a task's events into the view clients read. The projector folds each event into
 * the stored row with it, and `?revision=` / `?asOf=` fold the task's stream with it, so the two
 * can never disagree. An event at or below the view's revision changes nothing (redelivery); an
 * event for a task that was never created yields no view. A reminder bumps the revision (it is
 * in the stream, so If-Match must see it) but is not an edit: `updatedAt` stays.
 */
export function evolveTaskView(view: Task | null, event: TaskEvent, facts: EventFacts): Task | null {
  if (view !== null && facts.revision <= view.revision) return view;
  if (event.type === 'TaskCreated') {
    if (view !== null) return view;
    const { data } = event;
    const at = canonicalInstant(facts.occurredAt);
    return {
      id: data.taskId,
      projectId: data.projectId,
      title: data.title,
      description: data.description,
      status: INITIAL_TASK_STATUS,
      priority: data.priority,
      deadline: data.deadline === null ? null : canonicalInstant(data.deadline),
      assigneeId: null,
      createdBy: data.createdBy,
      createdAt: at,
      updatedAt: at,
      revision: facts.revision,
    };
  }
  if (view === null) return null;
  const edited = { ...view, revision: facts.revision, updatedAt: canonicalInstant(facts.occurredAt) };
  switch (event.type) {
    case 'TaskRenamed':
      return { ...edited, title: event.data.title };
    case 'TaskDescriptionChanged':
      return { ...edited, description: event.data.description };
    case 'TaskPrioritised':
      return { ...edited, priority: event.data.priority };
    case 'TaskDeadlineSet':
      return { ...edited, deadline: canonicalInstant(event.data.deadline) };
    case 'TaskDeadlineCleared':
      return { ...edited, deadline: null };
    case 'TaskAssigned':
      return { ...edited, assigneeId: event.data.assigneeId };
    case 'TaskUnassigned':
      return { ...edited, assigneeId: null };
    case 'TaskStatusChanged':
      return { ...edited, status: event.data.to };
    case 'TaskDeadlineApproaching':
      return { ...view, revision: facts.revision };
    default:
      return assertNever(event);
  }
}

/**
 * Folds a task stream's recorded events, stopping before the first event `include` rejects.
 * Events this version cannot read change nothing, exactly as in the projector.
 */
export function foldRecordedTask(
  events: readonly RecordedEvent[],
  include: (event: RecordedEvent) => boolean = () => true,
): Task | null {
  let view: Task | null = null;
  for (const recorded of events) {
    if (!include(recorded)) break;
    const parsed = parseStoredEvent(recorded);
    if (!parsed.ok || !isTaskEvent(parsed.event)) continue;
    view = evolveTaskView(view, parsed.event, {
      revision: publicRevision(recorded.revision),
      occurredAt: recorded.metadata.occurredAt,
    });
  }
  return view;
}

function assertNever(value: never): never {
  throw new Error(`unhandled task event: ${JSON.stringify(value)}`);
}

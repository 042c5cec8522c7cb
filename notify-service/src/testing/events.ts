import { randomUUID } from 'node:crypto';
import { type DomainEvent, makeEvent, projectStream, taskStream, userStream } from '@taskflow/contracts';
import { encodePosition, type RecordedEvent } from '@taskflow/platform/eventstore';

/**
 * RecordedEvents as the event store writes them, for tests that feed handlers without a
 * store. Positions come from one counter, so they are increasing like the store's.
 */
let counter = 1_000n;
export function nextPosition(): string {
  counter += 1n;
  return encodePosition(1n, counter);
}

export function recorded(
  streamId: string,
  event: DomainEvent,
  options: { actor?: string | null; position?: string; occurredAt?: string } = {},
): RecordedEvent {
  return {
    id: randomUUID(),
    streamId,
    revision: 0,
    position: options.position ?? nextPosition(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      actor: options.actor ?? null,
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: options.occurredAt ?? new Date().toISOString(),
      schemaVersion: event.schemaVersion,
    },
    recordedAt: new Date().toISOString(),
  };
}

export interface World {
  owner: { id: string; name: string };
  projectId: string;
}

/** A project with an owner; events that set it up (so a read side can be fed them). */
export function world(ownerName = 'Olivia'): World & { events: RecordedEvent[] } {
  const owner = { id: randomUUID(), name: ownerName };
  const projectId = randomUUID();
  return {
    owner,
    projectId,
    events: [
      registered(owner.id, ownerName),
      recorded(
        projectStream(projectId),
        makeEvent('ProjectCreated', { projectId, name: 'Launch', description: '', createdBy: owner.id }),
        { actor: owner.id },
      ),
      recorded(
        projectStream(projectId),
        makeEvent('MemberAdded', { projectId, userId: owner.id, role: 'owner' }),
        { actor: owner.id },
      ),
    ],
  };
}

export function registered(
  userId: string,
  name: string,
  email = `${name.toLowerCase()}-${userId.slice(0, 8)}@example.com`,
) {
  return recorded(
    userStream(userId),
    makeEvent('UserRegistered', {
      userId,
      name,
      email,
      preferences: { email: { taskAssigned: true, statusChanged: true, deadlineApproaching: true } },
    }),
    { actor: userId },
  );
}

export function memberAdded(w: World, userId: string) {
  return recorded(
    projectStream(w.projectId),
    makeEvent('MemberAdded', { projectId: w.projectId, userId, role: 'member' }),
    {
      actor: w.owner.id,
    },
  );
}

export function memberRemoved(w: World, userId: string) {
  return recorded(
    projectStream(w.projectId),
    makeEvent('MemberRemoved', { projectId: w.projectId, userId, role: 'member' }),
    {
      actor: w.owner.id,
    },
  );
}

/** `TaskAssigned` by the owner to `assigneeId`: one `task.assigned` notification for the assignee. */
export function assigned(w: World, assigneeId: string, title = 'Fix login', taskId = randomUUID()) {
  return recorded(
    taskStream(taskId),
    makeEvent('TaskAssigned', {
      taskId,
      projectId: w.projectId,
      title,
      assigneeId,
      previousAssigneeId: null,
      actorName: w.owner.name,
    }),
    { actor: w.owner.id },
  );
}

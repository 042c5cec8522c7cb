import type { DomainEvent } from './domain-event.ts';
import { InboxEvent } from './inbox-events.ts';
import { ProjectEvent } from './project-events.ts';
import { TaskEvent } from './task-events.ts';
import { EmailReservationEvent, UserEvent } from './user-events.ts';

/**
 * Narrowing a parsed event to its aggregate's union, so a decider's `evolve` can take only
 * its own events and still switch exhaustively over them.
 */

function typesOf(union: { options: readonly { shape: { type: { value: string } } }[] }): ReadonlySet<string> {
  return new Set(union.options.map((option) => option.shape.type.value));
}

const USER_TYPES = typesOf(UserEvent);
const EMAIL_RESERVATION_TYPES = typesOf(EmailReservationEvent);
const PROJECT_TYPES = typesOf(ProjectEvent);
const TASK_TYPES = typesOf(TaskEvent);
const INBOX_TYPES = typesOf(InboxEvent);

export const isUserEvent = (event: DomainEvent): event is UserEvent => USER_TYPES.has(event.type);
export const isEmailReservationEvent = (event: DomainEvent): event is EmailReservationEvent =>
  EMAIL_RESERVATION_TYPES.has(event.type);
export const isProjectEvent = (event: DomainEvent): event is ProjectEvent => PROJECT_TYPES.has(event.type);
export const isTaskEvent = (event: DomainEvent): event is TaskEvent => TASK_TYPES.has(event.type);
export const isInboxEvent = (event: DomainEvent): event is InboxEvent => INBOX_TYPES.has(event.type);

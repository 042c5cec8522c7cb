import { z } from 'zod';
import { AllNotificationsRead, InboxEvent, NotificationRead } from './inbox-events.ts';
import {
  MemberAdded,
  MemberRemoved,
  MemberRoleChanged,
  ProjectCreated,
  ProjectEvent,
} from './project-events.ts';
import {
  TaskAssigned,
  TaskCreated,
  TaskDeadlineApproaching,
  TaskDeadlineCleared,
  TaskDeadlineSet,
  TaskDescriptionChanged,
  TaskEvent,
  TaskPrioritised,
  TaskRenamed,
  TaskStatusChanged,
  TaskUnassigned,
} from './task-events.ts';
import {
  EmailReservationEvent,
  EmailReserved,
  UserEvent,
  UserPreferencesChanged,
  UserRegistered,
} from './user-events.ts';

export const DomainEvent = z.discriminatedUnion('type', [
  UserEvent,
  EmailReservationEvent,
  ProjectEvent,
  TaskEvent,
  InboxEvent,
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type DomainEventType = DomainEvent['type'];
export type EventOfType<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type EventData<T extends DomainEventType> = EventOfType<T>['data'];

/** Each event type's schema at its current version; `satisfies` keeps it complete. */
const EVENT_SCHEMAS = {
  UserRegistered,
  UserPreferencesChanged,
  EmailReserved,
  ProjectCreated,
  MemberAdded,
  MemberRoleChanged,
  MemberRemoved,
  TaskCreated,
  TaskRenamed,
  TaskDescriptionChanged,
  TaskPrioritised,
  TaskDeadlineSet,
  TaskDeadlineCleared,
  TaskAssigned,
  TaskUnassigned,
  TaskStatusChanged,
  TaskDeadlineApproaching,
  NotificationRead,
  AllNotificationsRead,
} satisfies {
  [T in DomainEventType]: z.ZodType<EventOfType<T>> & { shape: { schemaVersion: z.ZodLiteral<number> } };
};

export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as DomainEventType[];

export function currentSchemaVersion(type: DomainEventType): number {
  return EVENT_SCHEMAS[type].shape.schemaVersion.value;
}

/** Builds an event at its type's current schema version, typed by its name. */
export function makeEvent<T extends DomainEventType>(type: T, data: EventData<T>): EventOfType<T> {
  return { type, schemaVersion: currentSchemaVersion(type), data } as EventOfType<T>;
}

export type ParseEventResult =
  | { ok: true; event: DomainEvent }
  /** Written by a newer or foreign producer: log and skip. */
  | { ok: false; reason: 'unknown_type'; type: string }
  /** Written by a newer version of this system: log and skip until this consumer is upgraded. */
  | { ok: false; reason: 'newer_schema_version'; type: string; schemaVersion: number; supported: number }
  /** Data that does not match its declared schema: a producer bug, never silently coerced. */
  | { ok: false; reason: 'invalid'; type: string; schemaVersion: number; issues: string[] };

/**
 * Reads a stored event back into its typed form. When a v2 of some event appears, the
 * upcast from v1 belongs here, so every consumer keeps seeing only current shapes.
 */
export function parseEvent(type: string, schemaVersion: number, data: unknown): ParseEventResult {
  if (!Object.hasOwn(EVENT_SCHEMAS, type)) return { ok: false, reason: 'unknown_type', type };
  const supported = currentSchemaVersion(type as DomainEventType);
  if (schemaVersion > supported) {
    return { ok: false, reason: 'newer_schema_version', type, schemaVersion, supported };
  }
  const parsed = DomainEvent.safeParse({ type, schemaVersion, data });
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    return { ok: false, reason: 'invalid', type, schemaVersion, issues };
  }
  return { ok: true, event: parsed.data };
}

/** `parseEvent` over the store's record shape (`RecordedEvent` fits it). */
export function parseStoredEvent(stored: {
  type: string;
  data: unknown;
  metadata: { schemaVersion: number };
}): ParseEventResult {
  return parseEvent(stored.type, stored.metadata.schemaVersion, stored.data);
}

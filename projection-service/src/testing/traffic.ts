/**
 * Generated task traffic for the benchmark: users register, create projects and add members,
 * then tasks are created and worked on (assigned, moved through statuses, renamed, described,
 * prioritised, given deadlines, reminded) while users read their notifications. Work clusters
 * on a window of recently created tasks, as it does in a real team, so a task's events are
 * spread over time but not over the whole log. Every event is valid for its schema. The
 * benchmark bulk-loads it; tests append it through the event store (`appendTraffic`).
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_PREFERENCES,
  type DomainEvent,
  emailReservationStream,
  inboxStream,
  makeEvent,
  notificationId as notificationIdFor,
  projectStream,
  TASK_PRIORITIES,
  taskStream,
  userStream,
} from '@taskflow/contracts';
import type {
  AppendResult,
  EventMetadata,
  ExpectedRevision,
  NewEvent,
  Position,
} from '@taskflow/platform/eventstore';
import { type Project, pick, type TaskState, title, type User, workOn } from './task-work.ts';

export interface TrafficShape {
  users: number;
  projects: number;
  tasks: number;
  /** Events over which the tasks are created (more can be asked for; they work on tasks). */
  events: number;
}

/** One row for the event store's table, in append order. */
export interface EventRow {
  stream_id: string;
  revision: number;
  event_id: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** Who `notificationsFor` tells of an event (its rules, without computing the ids). */
function notified(event: DomainEvent, actor: string | null): string[] {
  const candidates =
    event.type === 'TaskAssigned' || event.type === 'TaskDeadlineApproaching'
      ? [event.data.assigneeId]
      : event.type === 'TaskStatusChanged'
        ? [event.data.createdBy, event.data.assigneeId]
        : [];
  return [...new Set(candidates.filter((id): id is string => id !== null && id !== actor))];
}

/** Tasks being worked on at once; older ones are left alone. */
const ACTIVE_WINDOW = 3_000;

export function createTraffic(shape: TrafficShape) {
  const revisions = new Map<string, number>();
  const users: User[] = [];
  const projects: Project[] = [];
  const active: TaskState[] = [];
  /** Per user: notification ids not yet read (a few), and the newest notifying position seen. */
  const unread = new Map<string, string[]>();
  const seenPosition = new Map<string, string>();
  const notifiedIn = new Map<string, string[]>(); // event id → recipients, until its position is known
  let clock = Date.parse('2026-01-05T08:00:00.000Z');
  /** Emails are unique per generator, so two of them can write to one store. */
  const tag = randomUUID().slice(0, 8);
  let created = 0;
  let emitted = 0;
  let out: EventRow[] = [];

  const emit = (streamId: string, event: DomainEvent, actor: string | null) => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    clock += 250 + Math.floor(Math.random() * 500);
    const eventId = randomUUID();
    const occurredAt = new Date(clock).toISOString();
    const recipients = notified(event, actor);
    if (recipients.length > 0) {
      notifiedIn.set(eventId, recipients);
      for (const recipient of recipients) {
        const list = unread.get(recipient) ?? [];
        list.push(eventId); // its notification id is worked out only when it is read: uuid v5 is slow
        if (list.length > 20) list.shift();
        unread.set(recipient, list);
      }
    }
    out.push({
      stream_id: streamId,
      revision,
      event_id: eventId,
      event_type: event.type,
      data: event.data as Record<string, unknown>,
      metadata: {
        actor,
        commandId: randomUUID(),
        correlationId: randomUUID(),
        causationId: null,
        occurredAt,
        schemaVersion: event.schemaVersion,
      },
    });
    emitted += 1;
  };

  const register = () => {
    const user = { id: randomUUID(), name: `User ${users.length}` };
    const email = `user${users.length}.${tag}@example.com`;
    emit(emailReservationStream(email), makeEvent('EmailReserved', { email, userId: user.id }), user.id);
    emit(
      userStream(user.id),
      makeEvent('UserRegistered', {
        userId: user.id,
        name: user.name,
        email,
        preferences: DEFAULT_PREFERENCES,
      }),
      user.id,
    );
    users.push(user);
  };

  const createProject = () => {
    const owner = pick(users);
    const project: Project = { id: randomUUID(), members: [owner] };
    const stream = projectStream(project.id);
    emit(
      stream,
      makeEvent('ProjectCreated', {
        projectId: project.id,
        name: title(),
        description: '',
        createdBy: owner.id,
      }),
      owner.id,
    );
    emit(
      stream,
      makeEvent('MemberAdded', { projectId: project.id, userId: owner.id, role: 'owner' }),
      owner.id,
    );
    for (let i = 0, n = 4 + Math.floor(Math.random() * 6); i < n; i++) {
      const user = pick(users);
      if (project.members.includes(user)) continue;
      project.members.push(user);
      emit(
        stream,
        makeEvent('MemberAdded', { projectId: project.id, userId: user.id, role: 'member' }),
        owner.id,
      );
    }
    if (Math.random() < 0.3 && project.members.length > 1) {
      const member = project.members[1]!;
      emit(
        stream,
        makeEvent('MemberRoleChanged', {
          projectId: project.id,
          userId: member.id,
          from: 'member',
          to: 'manager',
        }),
        owner.id,
      );
    }
    projects.push(project);
  };

  const createTask = () => {
    const project = projects[created % projects.length]!;
    const creator = pick(project.members);
    const deadline =
      Math.random() < 0.4 ? new Date(clock + 86_400_000 * (1 + Math.random() * 20)).toISOString() : null;
    const task: TaskState = {
      id: randomUUID(),
      project,
      title: title(),
      createdBy: creator.id,
      assignee: null,
      status: 'todo',
      deadline,
    };
    emit(
      taskStream(task.id),
      makeEvent('TaskCreated', {
        taskId: task.id,
        projectId: project.id,
        title: task.title,
        description: Math.random() < 0.5 ? `Details about ${task.title}` : '',
        priority: pick(TASK_PRIORITIES),
        deadline,
        createdBy: creator.id,
      }),
      creator.id,
    );
    active.push(task);
    if (active.length > ACTIVE_WINDOW) {
      // A random task leaves the window (swap with the last: a splice would move thousands).
      active[Math.floor(Math.random() * active.length)] = active.at(-1)!;
      active.pop();
    }
    created += 1;
  };

  const work = (task: TaskState) => {
    if (!workOn(task, { emit, now: () => clock })) readInbox(pick(task.project.members));
  };

  const readInbox = (user: User) => {
    const list = unread.get(user.id) ?? [];
    const upTo = seenPosition.get(user.id);
    if (Math.random() < 0.1 && upTo) {
      emit(
        inboxStream(user.id),
        makeEvent('AllNotificationsRead', { userId: user.id, upToPosition: upTo }),
        user.id,
      );
      unread.set(user.id, []);
    } else if (list.length > 0) {
      const eventId = list.splice(Math.floor(Math.random() * list.length), 1)[0]!;
      const notificationId = notificationIdFor(eventId, user.id);
      emit(inboxStream(user.id), makeEvent('NotificationRead', { userId: user.id, notificationId }), user.id);
    }
  };

  return {
    /** The next `size` events or a few more, in append order: set-up first, then interleaved work. */
    next(size: number): EventRow[] {
      out = [];
      while (out.length < size) {
        if (users.length < shape.users) register();
        else if (projects.length < shape.projects) createProject();
        else if (created < shape.tasks && Math.random() * (shape.events - emitted) < shape.tasks - created) {
          createTask();
        } else if (active.length > 0) work(pick(active));
        else createTask();
      }
      return out;
    },
    /** After a chunk is stored: positions of notifying events, for later AllNotificationsRead. */
    stored(positions: ReadonlyMap<string, string>) {
      for (const [eventId, recipients] of notifiedIn) {
        const position = positions.get(eventId);
        if (!position) continue; // not stored yet
        for (const recipient of recipients) seenPosition.set(recipient, position);
        notifiedIn.delete(eventId);
      }
    },
    projects: () => projects,
    emitted: () => emitted,
  };
}

/** Appends the next `count` generated events one by one, as writers would (e.g. `harness.appendRaw`). */
export async function appendTraffic(
  append: (streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision) => Promise<AppendResult>,
  traffic: ReturnType<typeof createTraffic>,
  count: number,
): Promise<Position | null> {
  const positions = new Map<string, Position>();
  let last: Position | null = null;
  for (const row of traffic.next(count)) {
    const event = { id: row.event_id, type: row.event_type, data: row.data, metadata: row.metadata };
    const result = await append(row.stream_id, [event], row.revision === 0 ? 'no_stream' : row.revision - 1);
    positions.set(row.event_id, result.position);
    last = result.position;
  }
  traffic.stored(positions);
  return last;
}

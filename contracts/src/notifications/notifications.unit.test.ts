import fc from 'fast-check';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { describe, expect, it } from 'vitest';
import { type EventData, makeEvent } from '../events/domain-event.ts';
import { SAMPLE_EVENT_DATA } from '../testing/sample-events.ts';
import { EMAIL_PREFERENCE_FOR, notificationId, notificationsFor, type StoredEventLike } from './index.ts';

const ALICE = '33333333-3333-4333-8333-333333333333';
const BOB = '44444444-4444-4444-8444-444444444444';
const CAROL = '66666666-6666-4666-8666-666666666666';
const EVENT_ID = '77777777-7777-4777-8777-777777777777';
const AT = '2030-01-01T09:00:00.000Z';

function stored(
  event: { type: string; schemaVersion: number; data: unknown },
  actor: string | null,
): StoredEventLike {
  return {
    id: EVENT_ID,
    type: event.type,
    data: event.data,
    position: '1042',
    metadata: { actor, occurredAt: AT, schemaVersion: event.schemaVersion },
  };
}

const statusChanged = (data: Partial<EventData<'TaskStatusChanged'>>) =>
  makeEvent('TaskStatusChanged', { ...SAMPLE_EVENT_DATA.TaskStatusChanged, ...data });
const recipients = (event: StoredEventLike) => notificationsFor(event).map((n) => n.recipientId);

describe('notificationsFor: task.assigned', () => {
  const assigned = makeEvent('TaskAssigned', { ...SAMPLE_EVENT_DATA.TaskAssigned, assigneeId: BOB });

  it('tells the new assignee, in words, who assigned what', () => {
    expect(notificationsFor(stored(assigned, ALICE))).toEqual([
      {
        recipientId: BOB,
        notification: {
          id: notificationId(EVENT_ID, BOB),
          type: 'task.assigned',
          taskId: SAMPLE_EVENT_DATA.TaskAssigned.taskId,
          projectId: SAMPLE_EVENT_DATA.TaskAssigned.projectId,
          message: 'Alice assigned you “Fix login”',
          isRead: false,
          createdAt: AT,
          position: '1042',
          cause: { eventId: EVENT_ID, eventType: 'TaskAssigned' },
        },
      },
    ]);
  });

  it('does not tell people who assigned themselves', () => {
    expect(notificationsFor(stored(assigned, BOB))).toEqual([]);
  });
});

describe('notificationsFor: task.status_changed', () => {
  it('tells the creator and the assignee', () => {
    expect(recipients(stored(statusChanged({ createdBy: ALICE, assigneeId: BOB }), CAROL))).toEqual([
      ALICE,
      BOB,
    ]);
  });

  it('tells nobody twice when the creator is the assignee', () => {
    expect(recipients(stored(statusChanged({ createdBy: ALICE, assigneeId: ALICE }), CAROL))).toEqual([
      ALICE,
    ]);
  });

  it('leaves out whoever made the change', () => {
    expect(recipients(stored(statusChanged({ createdBy: ALICE, assigneeId: BOB }), BOB))).toEqual([ALICE]);
  });

  it('tells only the creator of an unassigned task', () => {
    expect(recipients(stored(statusChanged({ createdBy: ALICE, assigneeId: null }), CAROL))).toEqual([ALICE]);
  });

  it('says who moved the task from where to where', () => {
    const [first] = notificationsFor(stored(statusChanged({ actorName: 'Carol', to: 'done' }), CAROL));
    expect(first?.notification.message).toBe('Carol moved “Fix login” from To do to Done');
  });
});

describe('notificationsFor: task.deadline_approaching', () => {
  const reminder = (late: boolean) =>
    makeEvent('TaskDeadlineApproaching', {
      ...SAMPLE_EVENT_DATA.TaskDeadlineApproaching,
      window: '24h',
      deadline: '2030-01-01T12:00:00.000Z',
      assigneeId: BOB,
      late,
    });

  it('reminds the assignee with the window it was sent for', () => {
    const notifications = notificationsFor(stored(reminder(false), null));
    expect(notifications.map((n) => [n.recipientId, n.notification.type, n.notification.message])).toEqual([
      [BOB, 'task.deadline_approaching', '“Fix login” is due in 24 hours'],
    ]);
  });

  it('tells the real time left when the reminder is late', () => {
    const [first] = notificationsFor(stored(reminder(true), null));
    expect(first?.notification.message).toBe('“Fix login” is due in 3 hours');
  });
});

describe('notificationsFor: everything else', () => {
  it.each(['TaskCreated', 'TaskRenamed', 'MemberAdded', 'NotificationRead'] as const)(
    '%s notifies nobody',
    (type) => {
      expect(notificationsFor(stored(makeEvent(type, SAMPLE_EVENT_DATA[type]), ALICE))).toEqual([]);
    },
  );

  it('skips an event of a newer schema version rather than guess at it', () => {
    expect(notificationsFor(stored({ ...statusChanged({}), schemaVersion: 2 }, CAROL))).toEqual([]);
  });

  it('maps every notification type to an email preference', () => {
    expect(EMAIL_PREFERENCE_FOR).toEqual({
      'task.assigned': 'taskAssigned',
      'task.status_changed': 'statusChanged',
      'task.deadline_approaching': 'deadlineApproaching',
    });
  });
});

describe('notification ids', () => {
  it('are name-based (v5) UUIDs', () => {
    const id = notificationId(EVENT_ID, BOB);
    expect(isUuid(id) && uuidVersion(id)).toBe(5);
  });

  it('are the same for the same event and recipient, and differ otherwise', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.uuid(), (eventId, first, second) => {
        expect(notificationId(eventId, first)).toBe(notificationId(eventId, first));
        expect(notificationId(eventId, first) === notificationId(eventId, second)).toBe(first === second);
      }),
    );
  });

  it('are unique per recipient and never address the actor, for any participants', () => {
    const person = fc.constantFrom(ALICE, BOB, CAROL);
    fc.assert(
      fc.property(person, fc.option(person), fc.option(person), (createdBy, assigneeId, actor) => {
        const notifications = notificationsFor(stored(statusChanged({ createdBy, assigneeId }), actor));
        const ids = notifications.map((n) => n.notification.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(notifications.map((n) => n.recipientId)).not.toContain(actor);
        expect(ids).toEqual(notifications.map((n) => notificationId(EVENT_ID, n.recipientId)));
        const expected = new Set([createdBy, assigneeId].filter((id) => id !== null && id !== actor));
        expect(new Set(notifications.map((n) => n.recipientId))).toEqual(expected);
      }),
    );
  });
});

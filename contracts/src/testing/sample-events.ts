import type { DomainEventType, EventData } from '../events/domain-event.ts';

/** One valid data object per event type, for tests that must cover every event. */
const TASK = '11111111-1111-4111-8111-111111111111';
const PROJECT = '22222222-2222-4222-8222-222222222222';
const ALICE = '33333333-3333-4333-8333-333333333333';
const BOB = '44444444-4444-4444-8444-444444444444';
const DEADLINE = '2030-01-02T09:00:00.000Z';
const PREFERENCES = { email: { taskAssigned: true, statusChanged: false, deadlineApproaching: true } };

export const SAMPLE_EVENT_DATA: { [T in DomainEventType]: EventData<T> } = {
  UserRegistered: { userId: ALICE, name: 'Alice', email: 'alice@example.com', preferences: PREFERENCES },
  UserPreferencesChanged: { userId: ALICE, preferences: PREFERENCES },
  EmailReserved: { email: 'alice@example.com', userId: ALICE },
  ProjectCreated: { projectId: PROJECT, name: 'Launch', description: '', createdBy: ALICE },
  MemberAdded: { projectId: PROJECT, userId: BOB, role: 'member' },
  MemberRoleChanged: { projectId: PROJECT, userId: BOB, from: 'member', to: 'manager' },
  MemberRemoved: { projectId: PROJECT, userId: BOB, role: 'manager' },
  TaskCreated: {
    taskId: TASK,
    projectId: PROJECT,
    title: 'Fix login',
    description: 'It fails',
    priority: 'high',
    deadline: DEADLINE,
    createdBy: ALICE,
  },
  TaskRenamed: { taskId: TASK, projectId: PROJECT, title: 'Fix sign-in' },
  TaskDescriptionChanged: { taskId: TASK, projectId: PROJECT, description: '' },
  TaskPrioritised: { taskId: TASK, projectId: PROJECT, priority: 'urgent' },
  TaskDeadlineSet: { taskId: TASK, projectId: PROJECT, deadline: DEADLINE },
  TaskDeadlineCleared: { taskId: TASK, projectId: PROJECT },
  TaskAssigned: {
    taskId: TASK,
    projectId: PROJECT,
    title: 'Fix login',
    assigneeId: BOB,
    previousAssigneeId: null,
    actorName: 'Alice',
  },
  TaskUnassigned: { taskId: TASK, projectId: PROJECT, previousAssigneeId: BOB },
  TaskStatusChanged: {
    taskId: TASK,
    projectId: PROJECT,
    title: 'Fix login',
    from: 'todo',
    to: 'in_progress',
    createdBy: ALICE,
    assigneeId: BOB,
    actorName: 'Bob',
  },
  TaskDeadlineApproaching: {
    taskId: TASK,
    projectId: PROJECT,
    title: 'Fix login',
    window: '24h',
    deadline: DEADLINE,
    assigneeId: BOB,
    late: false,
  },
  NotificationRead: { userId: BOB, notificationId: '55555555-5555-4555-8555-555555555555' },
  AllNotificationsRead: { userId: BOB, upToPosition: '42' },
};

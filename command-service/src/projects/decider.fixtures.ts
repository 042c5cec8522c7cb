import { makeEvent, type ProjectEvent, type ProjectRole } from '@taskflow/contracts';
import type { ProjectCommand } from './decider.ts';

export const PROJECT = '22222222-2222-4222-8222-222222222222';
export const NOW = '2030-01-01T09:00:00.000Z';
export const people = {
  alice: { userId: '33333333-3333-4333-8333-333333333333', name: 'Alice' },
  bob: { userId: '44444444-4444-4444-8444-444444444444', name: 'Bob' },
  carol: { userId: '66666666-6666-4666-8666-666666666666', name: 'Carol' },
  dave: { userId: '88888888-8888-4888-8888-888888888888', name: 'Dave' },
};
export type Person = keyof typeof people;

export const created: ProjectEvent[] = [
  makeEvent('ProjectCreated', {
    projectId: PROJECT,
    name: 'Launch',
    description: '',
    createdBy: people.alice.userId,
  }),
  makeEvent('MemberAdded', { projectId: PROJECT, userId: people.alice.userId, role: 'owner' }),
];
export const added = (who: Person, role: ProjectRole) =>
  makeEvent('MemberAdded', { projectId: PROJECT, userId: people[who].userId, role });
/** Alice owns the project, Bob manages it, Carol is a member; Dave is an outsider. */
export const team = [...created, added('bob', 'manager'), added('carol', 'member')];

export const by = (actor: Person) => ({ projectId: PROJECT, actor: people[actor], now: NOW });
export const add = (actor: Person, who: Person, role: ProjectRole): ProjectCommand => ({
  type: 'AddMember',
  ...by(actor),
  userId: people[who].userId,
  role,
});
export const change = (actor: Person, who: Person, role: ProjectRole): ProjectCommand => ({
  type: 'ChangeMemberRole',
  ...by(actor),
  userId: people[who].userId,
  role,
});
export const remove = (actor: Person, who: Person): ProjectCommand => ({
  type: 'RemoveMember',
  ...by(actor),
  userId: people[who].userId,
});

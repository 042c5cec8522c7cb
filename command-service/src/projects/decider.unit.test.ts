import { makeEvent, type ProjectEvent, type ProjectRole } from '@taskflow/contracts';
import { fold, given } from '@taskflow/contracts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DomainConflictError,
  DomainForbiddenError,
  DomainNotFoundError,
  isDomainError,
} from '../domain-errors.ts';
import { type ProjectCommand, projectDecider } from './decider.ts';

const PROJECT = '22222222-2222-4222-8222-222222222222';
const NOW = '2030-01-01T09:00:00.000Z';
const people = {
  alice: { userId: '33333333-3333-4333-8333-333333333333', name: 'Alice' },
  bob: { userId: '44444444-4444-4444-8444-444444444444', name: 'Bob' },
  carol: { userId: '66666666-6666-4666-8666-666666666666', name: 'Carol' },
  dave: { userId: '88888888-8888-4888-8888-888888888888', name: 'Dave' },
};
type Person = keyof typeof people;
const { alice } = people;

const created: ProjectEvent[] = [
  makeEvent('ProjectCreated', {
    projectId: PROJECT,
    name: 'Launch',
    description: '',
    createdBy: alice.userId,
  }),
  makeEvent('MemberAdded', { projectId: PROJECT, userId: alice.userId, role: 'owner' }),
];
const added = (who: Person, role: ProjectRole) =>
  makeEvent('MemberAdded', { projectId: PROJECT, userId: people[who].userId, role });
/** Alice owns the project, Bob manages it, Carol is a member; Dave is an outsider. */
const team = [...created, added('bob', 'manager'), added('carol', 'member')];

const by = (actor: Person) => ({ projectId: PROJECT, actor: people[actor], now: NOW });
const add = (actor: Person, who: Person, role: ProjectRole): ProjectCommand => ({
  type: 'AddMember',
  ...by(actor),
  userId: people[who].userId,
  role,
});
const change = (actor: Person, who: Person, role: ProjectRole): ProjectCommand => ({
  type: 'ChangeMemberRole',
  ...by(actor),
  userId: people[who].userId,
  role,
});
const remove = (actor: Person, who: Person): ProjectCommand => ({
  type: 'RemoveMember',
  ...by(actor),
  userId: people[who].userId,
});

describe('CreateProject', () => {
  const create: ProjectCommand = { type: 'CreateProject', ...by('alice'), name: 'Launch', description: '' };

  it('creates the project with its creator as owner', () => {
    given(projectDecider).when(create).thenEvents(created);
  });

  it('refuses to create a project twice', () => {
    given(projectDecider, created).when(create).thenError(DomainConflictError, { reason: 'already_exists' });
  });
});

describe('AddMember', () => {
  it('lets an owner add a member', () => {
    given(projectDecider, team)
      .when(add('alice', 'dave', 'member'))
      .thenEvents([added('dave', 'member')]);
  });

  it('lets a manager add a manager', () => {
    given(projectDecider, team)
      .when(add('bob', 'dave', 'manager'))
      .thenEvents([added('dave', 'manager')]);
  });

  it('lets an owner add another owner', () => {
    given(projectDecider, team)
      .when(add('alice', 'dave', 'owner'))
      .thenEvents([added('dave', 'owner')]);
  });

  it('does not let a manager make an owner', () => {
    given(projectDecider, team)
      .when(add('bob', 'dave', 'owner'))
      .thenError(DomainForbiddenError, { reason: 'owners_only' });
  });

  it('does not let a member add anyone', () => {
    given(projectDecider, team)
      .when(add('carol', 'dave', 'member'))
      .thenError(DomainForbiddenError, {
        reason: 'managers_only',
      });
  });

  it('hides the project from an outsider', () => {
    given(projectDecider, team)
      .when(add('dave', 'dave', 'owner'))
      .thenError(DomainNotFoundError, {
        reason: 'project_not_found',
      });
  });

  it('answers not found for a project that does not exist', () => {
    given(projectDecider)
      .when(add('alice', 'bob', 'member'))
      .thenError(DomainNotFoundError, { reason: 'project_not_found' });
  });

  it('refuses to add someone who is already a member', () => {
    given(projectDecider, team)
      .when(add('alice', 'carol', 'manager'))
      .thenError(DomainConflictError, {
        reason: 'already_member',
      });
  });
});

describe('ChangeMemberRole', () => {
  const changed = (who: Person, from: ProjectRole, to: ProjectRole) =>
    makeEvent('MemberRoleChanged', { projectId: PROJECT, userId: people[who].userId, from, to });

  it('lets an owner promote a member to manager', () => {
    given(projectDecider, team)
      .when(change('alice', 'carol', 'manager'))
      .thenEvents([changed('carol', 'member', 'manager')]);
  });

  it('lets a manager demote a manager, themselves included', () => {
    given(projectDecider, team)
      .when(change('bob', 'bob', 'member'))
      .thenEvents([changed('bob', 'manager', 'member')]);
  });

  it('changes nothing when the role is already that role', () => {
    given(projectDecider, team)
      .when(change('alice', 'bob', 'manager'))
      .thenNothing();
  });

  it('does not let a manager grant owner or touch an owner', () => {
    given(projectDecider, team)
      .when(change('bob', 'carol', 'owner'))
      .thenError(DomainForbiddenError, { reason: 'owners_only' });
    given(projectDecider, team)
      .when(change('bob', 'alice', 'member'))
      .thenError(DomainForbiddenError, { reason: 'owners_only' });
  });

  it('does not let a member change roles', () => {
    given(projectDecider, team)
      .when(change('carol', 'carol', 'manager'))
      .thenError(DomainForbiddenError, {
        reason: 'managers_only',
      });
  });

  it('answers not found for someone who is not a member', () => {
    given(projectDecider, team)
      .when(change('alice', 'dave', 'manager'))
      .thenError(DomainNotFoundError, {
        reason: 'member_not_found',
      });
  });

  it('does not let the last owner step down', () => {
    given(projectDecider, team)
      .when(change('alice', 'alice', 'manager'))
      .thenError(DomainConflictError, {
        reason: 'last_owner',
      });
  });

  it('lets an owner step down once there is another owner', () => {
    given(projectDecider, [...team, added('dave', 'owner')])
      .when(change('alice', 'alice', 'member'))
      .thenEvents([changed('alice', 'owner', 'member')]);
  });
});

describe('RemoveMember', () => {
  const removed = (who: Person, role: ProjectRole) =>
    makeEvent('MemberRemoved', { projectId: PROJECT, userId: people[who].userId, role });

  it('lets an owner remove a manager', () => {
    given(projectDecider, team)
      .when(remove('alice', 'bob'))
      .thenEvents([removed('bob', 'manager')]);
  });

  it('lets a manager remove a member', () => {
    given(projectDecider, team)
      .when(remove('bob', 'carol'))
      .thenEvents([removed('carol', 'member')]);
  });

  it('does not let a manager remove an owner', () => {
    given(projectDecider, team)
      .when(remove('bob', 'alice'))
      .thenError(DomainForbiddenError, { reason: 'owners_only' });
  });

  it('does not let a member remove someone else', () => {
    given(projectDecider, team)
      .when(remove('carol', 'bob'))
      .thenError(DomainForbiddenError, { reason: 'managers_only' });
  });

  it('lets a member leave', () => {
    given(projectDecider, team)
      .when(remove('carol', 'carol'))
      .thenEvents([removed('carol', 'member')]);
  });

  it('does not let the last owner leave', () => {
    given(projectDecider, team)
      .when(remove('alice', 'alice'))
      .thenError(DomainConflictError, { reason: 'last_owner' });
  });

  it('lets one of two owners leave', () => {
    given(projectDecider, [...team, added('dave', 'owner')])
      .when(remove('alice', 'alice'))
      .thenEvents([removed('alice', 'owner')]);
  });

  it('answers not found for someone who is not a member', () => {
    given(projectDecider, team)
      .when(remove('alice', 'dave'))
      .thenError(DomainNotFoundError, { reason: 'member_not_found' });
  });

  it('shuts out a removed member at once', () => {
    given(projectDecider, [...team, removed('bob', 'manager')])
      .when(add('bob', 'dave', 'member'))
      .thenError(DomainNotFoundError, { reason: 'project_not_found' });
  });
});

describe('any sequence of membership commands', () => {
  const person = fc.constantFrom<Person>('alice', 'bob', 'carol', 'dave');
  const role = fc.constantFrom<ProjectRole>('owner', 'manager', 'member');
  const command = fc.oneof(
    fc.tuple(person, person, role).map(([actor, who, r]) => add(actor, who, r)),
    fc.tuple(person, person, role).map(([actor, who, r]) => change(actor, who, r)),
    fc.tuple(person, person).map(([actor, who]) => remove(actor, who)),
  );

  it('keeps at least one owner, refuses only with domain errors, and repeats idempotently or not at all', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        let history: ProjectEvent[] = [...created];
        for (const next of commands) {
          let events: ProjectEvent[];
          try {
            events = projectDecider.decide(next, fold(projectDecider, history));
          } catch (error) {
            expect(isDomainError(error)).toBe(true);
            continue;
          }
          history = [...history, ...events];
          const state = fold(projectDecider, history);
          if (!state.exists) throw new Error('project vanished');
          expect([...state.members.values()]).toContain('owner');
          // Repeated by an owner (the actor may have just given up the right), it changes nothing.
          const owner = [...state.members].find(([, role]) => role === 'owner')?.[0];
          const asOwner = { ...next, actor: { userId: owner!, name: 'Owner' } };
          if (next.type === 'ChangeMemberRole') expect(projectDecider.decide(asOwner, state)).toEqual([]);
          if (next.type === 'AddMember')
            expect(() => projectDecider.decide(next, state)).toThrow(DomainConflictError);
        }
      }),
    );
  });
});

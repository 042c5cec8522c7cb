import { makeEvent, type ProjectRole } from '@taskflow/contracts';
import { fold, given } from '@taskflow/contracts/testing';
import { describe, expect, it } from 'vitest';
import { DomainConflictError, DomainForbiddenError, DomainNotFoundError } from '../domain-errors.ts';
import {
  add,
  added,
  by,
  change,
  created,
  type Person,
  PROJECT,
  people,
  remove,
  team,
} from './decider.fixtures.ts';
import { membershipOf, type ProjectCommand, projectDecider } from './decider.ts';

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

describe('membershipOf', () => {
  it('hands the task decider the members with their roles', () => {
    const { members } = membershipOf(PROJECT, fold(projectDecider, team));
    expect([...members]).toEqual([
      [people.alice.userId, 'owner'],
      [people.bob.userId, 'manager'],
      [people.carol.userId, 'member'],
    ]);
  });

  it('gives a project that does not exist no members', () => {
    expect(membershipOf(PROJECT, projectDecider.initialState)).toEqual({
      projectId: PROJECT,
      members: new Map(),
    });
  });
});

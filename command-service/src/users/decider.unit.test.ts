import { DEFAULT_PREFERENCES, makeEvent, type UserPreferences } from '@taskflow/contracts';
import { given } from '@taskflow/contracts/testing';
import { describe, it } from 'vitest';
import { DomainConflictError, DomainForbiddenError, DomainNotFoundError } from '../domain-errors.ts';
import { type UserCommand, userDecider } from './decider.ts';
import { emailReservationDecider } from './email-reservation.ts';

const ALICE = { userId: '33333333-3333-4333-8333-333333333333', name: 'Alice' };
const BOB = { userId: '44444444-4444-4444-8444-444444444444', name: 'Bob' };
const NOW = '2030-01-01T09:00:00.000Z';

const register: UserCommand = {
  type: 'RegisterUser',
  userId: ALICE.userId,
  name: 'Alice',
  email: ' Alice@Example.com',
  now: NOW,
};
const registered = makeEvent('UserRegistered', {
  userId: ALICE.userId,
  name: 'Alice',
  email: 'alice@example.com',
  preferences: DEFAULT_PREFERENCES,
});
const quiet: UserPreferences = {
  email: { taskAssigned: true, statusChanged: false, deadlineApproaching: true },
};
const changePreferences = (actor = ALICE, preferences = quiet): UserCommand => ({
  type: 'ChangePreferences',
  userId: ALICE.userId,
  preferences,
  actor,
  now: NOW,
});

describe('RegisterUser', () => {
  it('registers with the normalised email and every email notification on', () => {
    given(userDecider).when(register).thenEvents([registered]);
  });

  it('refuses to register the same user twice', () => {
    given(userDecider, [registered])
      .when(register)
      .thenError(DomainConflictError, { reason: 'already_exists' });
  });
});

describe('ChangePreferences', () => {
  it('records the new preferences whole', () => {
    given(userDecider, [registered])
      .when(changePreferences())
      .thenEvents([makeEvent('UserPreferencesChanged', { userId: ALICE.userId, preferences: quiet })]);
  });

  it('appends nothing when nothing changes', () => {
    given(userDecider, [registered]).when(changePreferences(ALICE, DEFAULT_PREFERENCES)).thenNothing();
    given(userDecider, [
      registered,
      makeEvent('UserPreferencesChanged', { userId: ALICE.userId, preferences: quiet }),
    ])
      .when(changePreferences())
      .thenNothing();
  });

  it('lets nobody change someone else’s preferences', () => {
    given(userDecider, [registered])
      .when(changePreferences(BOB))
      .thenError(DomainForbiddenError, { reason: 'not_own_account' });
  });

  it('answers not found for a user that does not exist', () => {
    given(userDecider).when(changePreferences()).thenError(DomainNotFoundError, { reason: 'user_not_found' });
  });
});

describe('ReserveEmail', () => {
  const reserve = (userId: string, email = 'ALICE@example.com') => ({
    type: 'ReserveEmail' as const,
    email,
    userId,
    now: NOW,
  });
  const reserved = makeEvent('EmailReserved', { email: 'alice@example.com', userId: ALICE.userId });

  it('reserves a free email, normalised', () => {
    given(emailReservationDecider).when(reserve(ALICE.userId)).thenEvents([reserved]);
  });

  it('refuses an email someone else holds', () => {
    given(emailReservationDecider, [reserved]).when(reserve(BOB.userId)).thenError(DomainConflictError, {
      reason: 'email_taken',
    });
  });

  it('lets the holder reserve again, so an interrupted registration can finish', () => {
    given(emailReservationDecider, [reserved]).when(reserve(ALICE.userId)).thenNothing();
  });
});

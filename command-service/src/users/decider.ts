import {
  type Actor,
  DEFAULT_PREFERENCES,
  makeEvent,
  normaliseEmail,
  type UserEvent,
  type UserPreferences,
} from '@taskflow/contracts';
import {
  assertNever,
  DomainConflictError,
  DomainForbiddenError,
  DomainNotFoundError,
} from '../domain-errors.ts';

/**
 * The user aggregate (stream `user-<id>`): who someone is and what they want to hear about.
 * Email uniqueness is not decided here but by the reservation stream (`email-reservation.ts`),
 * which the handler appends to first; credentials never reach this stream at all.
 */

export type UserState =
  | { exists: false }
  | { exists: true; userId: string; name: string; email: string; preferences: UserPreferences };

export const initialState: UserState = { exists: false };

export type UserCommand =
  | { type: 'RegisterUser'; userId: string; name: string; email: string; now: string }
  | { type: 'ChangePreferences'; userId: string; preferences: UserPreferences; actor: Actor; now: string };

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, name, email, preferences } = event.data;
      return { exists: true, userId, name, email, preferences };
    }
    case 'UserPreferencesChanged':
      return state.exists ? { ...state, preferences: event.data.preferences } : state;
    default:
      return assertNever(event);
  }
}

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      if (state.exists) throw new DomainConflictError('already_exists', 'This user is already registered');
      const { userId, name } = command;
      const email = normaliseEmail(command.email);
      return [makeEvent('UserRegistered', { userId, name, email, preferences: DEFAULT_PREFERENCES })];
    }
    case 'ChangePreferences': {
      if (!state.exists) throw new DomainNotFoundError('user_not_found', 'User not found');
      if (command.actor.userId !== state.userId) {
        throw new DomainForbiddenError('not_own_account', 'People can change only their own preferences');
      }
      if (samePreferences(state.preferences, command.preferences)) return [];
      return [
        makeEvent('UserPreferencesChanged', { userId: state.userId, preferences: command.preferences }),
      ];
    }
    default:
      return assertNever(command);
  }
}

export const userDecider = { initialState, evolve, decide };

function samePreferences(a: UserPreferences, b: UserPreferences): boolean {
  return (
    a.email.taskAssigned === b.email.taskAssigned &&
    a.email.statusChanged === b.email.statusChanged &&
    a.email.deadlineApproaching === b.email.deadlineApproaching
  );
}

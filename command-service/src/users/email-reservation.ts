import { type EmailReservationEvent, makeEvent, normaliseEmail } from '@taskflow/contracts';
import { DomainConflictError } from '../domain-errors.ts';

/**
 * One stream per normalised email (`emailReservationStream(email)`), appended with
 * `no_stream`: the store, not a read model, guarantees an email has one owner. Registration
 * reserves first and then writes the user stream.
 *
 * The same user reserving again is not a conflict, so a registration retried after a crash
 * between the two appends (same idempotency key, so same user id) can finish. The stream
 * also answers "which user has this email?" authoritatively (adding a member by email).
 */

export interface EmailReservationState {
  reservedBy: string | null;
}

export type EmailReservationCommand = { type: 'ReserveEmail'; email: string; userId: string; now: string };

export const initialState: EmailReservationState = { reservedBy: null };

// One event type and one command type: no switch to keep exhaustive until a second arrives.

export function evolve(state: EmailReservationState, event: EmailReservationEvent): EmailReservationState {
  // The first reservation wins; the decider never emits a second one.
  return state.reservedBy === null ? { reservedBy: event.data.userId } : state;
}

export function decide(
  command: EmailReservationCommand,
  state: EmailReservationState,
): EmailReservationEvent[] {
  if (state.reservedBy === command.userId) return [];
  if (state.reservedBy !== null) {
    throw new DomainConflictError('email_taken', 'An account with this email already exists');
  }
  return [makeEvent('EmailReserved', { email: normaliseEmail(command.email), userId: command.userId })];
}

export const emailReservationDecider = { initialState, evolve, decide };

import { type Actor, type InboxEvent, makeEvent } from '@taskflow/contracts';
import { assertNever, DomainNotFoundError } from '../domain-errors.ts';

/**
 * A user's inbox (stream `inbox-<userId>`): which notifications they have read. The
 * notifications themselves are derived from task events, so this stream holds only reads:
 * single ids, and a watermark for "everything up to this position".
 *
 * Positions are opaque, so the command brings the store's own ordering (`comparePositions`).
 */

export interface InboxState {
  readIds: ReadonlySet<string>;
  /** Every notification at or before this position is read; null until the first read-all. */
  readUpTo: string | null;
}

export const initialState: InboxState = { readIds: new Set(), readUpTo: null };

export type ComparePositions = (a: string, b: string) => number;

interface InboxCommandBase {
  /** Whose inbox; the handler takes it from the token, and it must be the actor's own. */
  userId: string;
  actor: Actor;
  comparePositions: ComparePositions;
  now: string;
}

export type InboxCommand =
  | (InboxCommandBase & {
      type: 'MarkNotificationRead';
      notificationId: string;
      notificationPosition: string;
    })
  /** `upToPosition`: the newest notification the user could have seen (the handler reads it). */
  | (InboxCommandBase & { type: 'MarkAllNotificationsRead'; upToPosition: string });

export function evolve(state: InboxState, event: InboxEvent): InboxState {
  switch (event.type) {
    case 'NotificationRead':
      return { ...state, readIds: new Set(state.readIds).add(event.data.notificationId) };
    case 'AllNotificationsRead':
      // Decide appends a watermark only when it moves forward, so the latest one is the highest.
      return { ...state, readUpTo: event.data.upToPosition };
    default:
      return assertNever(event);
  }
}

export function decide(command: InboxCommand, state: InboxState): InboxEvent[] {
  // Someone else's inbox does not exist for the actor: reading it or writing to it is a 404.
  if (command.actor.userId !== command.userId) {
    throw new DomainNotFoundError('notification_not_found', 'Notification not found');
  }
  const covered = (position: string) =>
    state.readUpTo !== null && command.comparePositions(position, state.readUpTo) <= 0;
  switch (command.type) {
    case 'MarkNotificationRead':
      if (state.readIds.has(command.notificationId) || covered(command.notificationPosition)) return [];
      return [
        makeEvent('NotificationRead', { userId: command.userId, notificationId: command.notificationId }),
      ];
    case 'MarkAllNotificationsRead':
      if (covered(command.upToPosition)) return [];
      return [
        makeEvent('AllNotificationsRead', { userId: command.userId, upToPosition: command.upToPosition }),
      ];
    default:
      return assertNever(command);
  }
}

export const inboxDecider = { initialState, evolve, decide };

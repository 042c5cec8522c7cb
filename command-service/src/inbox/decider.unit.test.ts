import { makeEvent } from '@taskflow/contracts';
import { fold, given } from '@taskflow/contracts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainNotFoundError } from '../domain-errors.ts';
import { type InboxCommand, inboxDecider } from './decider.ts';

const BOB = { userId: '44444444-4444-4444-8444-444444444444', name: 'Bob' };
const MALLORY = { userId: '99999999-9999-4999-8999-999999999999', name: 'Mallory' };
const NOTIFICATION = '55555555-5555-4555-8555-555555555555';
/** Positions as the PostgreSQL store writes them: numbers as strings, so "9" < "10". */
const comparePositions = (a: string, b: string) => Number(a) - Number(b);
const base = { userId: BOB.userId, actor: BOB, comparePositions, now: '2030-01-01T09:00:00.000Z' };

const markRead = (position: string, notificationId = NOTIFICATION, actor = BOB): InboxCommand => ({
  ...base,
  actor,
  type: 'MarkNotificationRead',
  notificationId,
  notificationPosition: position,
});
const markAll = (upToPosition: string, actor = BOB): InboxCommand => ({
  ...base,
  actor,
  type: 'MarkAllNotificationsRead',
  upToPosition,
});
const read = makeEvent('NotificationRead', { userId: BOB.userId, notificationId: NOTIFICATION });
const allRead = (upToPosition: string) =>
  makeEvent('AllNotificationsRead', { userId: BOB.userId, upToPosition });

describe('MarkNotificationRead', () => {
  it('marks an unread notification read', () => {
    given(inboxDecider).when(markRead('9')).thenEvents([read]);
  });

  it('appends nothing for a notification already read', () => {
    given(inboxDecider, [read]).when(markRead('9')).thenNothing();
  });

  it('appends nothing for a notification a read-all already covered', () => {
    given(inboxDecider, [allRead('10')])
      .when(markRead('9'))
      .thenNothing();
  });

  it('marks a notification newer than the last read-all', () => {
    given(inboxDecider, [allRead('10')])
      .when(markRead('11'))
      .thenEvents([read]);
  });

  it('never touches another user’s inbox', () => {
    given(inboxDecider)
      .when(markRead('9', NOTIFICATION, MALLORY))
      .thenError(DomainNotFoundError, {
        reason: 'notification_not_found',
      });
  });
});

describe('MarkAllNotificationsRead', () => {
  it('marks everything up to the position read', () => {
    given(inboxDecider)
      .when(markAll('10'))
      .thenEvents([allRead('10')]);
  });

  it('appends nothing when nothing new arrived since the last read-all', () => {
    given(inboxDecider, [allRead('10')])
      .when(markAll('10'))
      .thenNothing();
    given(inboxDecider, [allRead('10')])
      .when(markAll('9'))
      .thenNothing();
  });

  it('compares positions in the store’s order, not as text', () => {
    given(inboxDecider, [allRead('9')])
      .when(markAll('10'))
      .thenEvents([allRead('10')]);
  });

  it('never touches another user’s inbox', () => {
    given(inboxDecider)
      .when(markAll('10', MALLORY))
      .thenError(DomainNotFoundError, { reason: 'notification_not_found' });
  });
});

describe('any sequence of reads', () => {
  it('is idempotent: repeating an accepted command appends nothing, and the watermark only rises', () => {
    const position = fc.integer({ min: 1, max: 50 }).map(String);
    const id = fc.constantFrom(NOTIFICATION, '66666666-6666-4666-8666-666666666666');
    const command = fc.oneof(
      fc.tuple(position, id).map(([at, notificationId]) => markRead(at, notificationId)),
      position.map((at) => markAll(at)),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), (commands) => {
        let state = inboxDecider.initialState;
        for (const next of commands) {
          const events = inboxDecider.decide(next, state);
          const watermark = state.readUpTo;
          state = fold({ ...inboxDecider, initialState: state }, events);
          expect(inboxDecider.decide(next, state)).toEqual([]);
          if (watermark !== null && state.readUpTo !== null) {
            expect(Number(state.readUpTo)).toBeGreaterThanOrEqual(Number(watermark));
          }
        }
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueReminderWindows, REMINDER_LATE_AFTER_MS, reminderDecision } from './reminders.ts';

const DEADLINE = '2030-01-02T12:00:00.000Z';
const before = (ms: number) => new Date(Date.parse(DEADLINE) - ms).toISOString();
const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('reminderDecision', () => {
  it('is not due before its window opens', () => {
    expect(reminderDecision('24h', DEADLINE, before(24 * HOUR + 1))).toEqual({
      due: false,
      reason: 'not_yet_open',
    });
  });

  it('is due and on time right after the window opens', () => {
    expect(reminderDecision('24h', DEADLINE, before(24 * HOUR - MINUTE))).toEqual({ due: true, late: false });
  });

  it('is late once the window has been open longer than the tolerance', () => {
    expect(reminderDecision('24h', DEADLINE, before(24 * HOUR - REMINDER_LATE_AFTER_MS - 1))).toEqual({
      due: true,
      late: true,
    });
  });

  it('gives up the 24 h reminder once the 1 h window has opened', () => {
    expect(reminderDecision('24h', DEADLINE, before(59 * MINUTE))).toEqual({
      due: false,
      reason: 'superseded',
    });
    expect(reminderDecision('1h', DEADLINE, before(59 * MINUTE))).toEqual({ due: true, late: false });
  });

  it('sends nothing once the deadline has passed', () => {
    expect(reminderDecision('1h', DEADLINE, DEADLINE)).toEqual({ due: false, reason: 'deadline_passed' });
  });

  it('never has two windows due at once', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2 * HOUR, max: 48 * HOUR }), (msBefore) => {
        expect(dueReminderWindows(DEADLINE, before(msBefore)).length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('always has one window due between 24 h and the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 * HOUR }), (msBefore) => {
        expect(dueReminderWindows(DEADLINE, before(msBefore))).toHaveLength(1);
      }),
    );
  });
});

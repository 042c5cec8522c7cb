import { describe, expect, it } from 'vitest';
import { SAMPLE_EVENT_DATA } from '../testing/sample-events.ts';
import {
  currentSchemaVersion,
  type DomainEventType,
  EVENT_TYPES,
  makeEvent,
  parseEvent,
  parseStoredEvent,
} from './domain-event.ts';
import { isEmailReservationEvent, isInboxEvent, isProjectEvent, isTaskEvent, isUserEvent } from './guards.ts';

const ALL_TYPES = Object.keys(SAMPLE_EVENT_DATA) as DomainEventType[];

describe('parseEvent', () => {
  it.each(ALL_TYPES)('reads back a %s exactly as makeEvent built it', (type) => {
    const event = makeEvent(type, SAMPLE_EVENT_DATA[type]);
    expect(parseEvent(event.type, event.schemaVersion, event.data)).toEqual({ ok: true, event });
  });

  it('knows every event type the union holds, and no other', () => {
    expect([...EVENT_TYPES].sort()).toEqual([...ALL_TYPES].sort());
    expect(EVENT_TYPES).toHaveLength(19);
  });

  it('says "unknown type" for an event it has never heard of', () => {
    expect(parseEvent('TaskExploded', 1, {})).toEqual({
      ok: false,
      reason: 'unknown_type',
      type: 'TaskExploded',
    });
  });

  it('does not mistake Object.prototype keys for event types', () => {
    expect(parseEvent('toString', 1, {})).toMatchObject({ ok: false, reason: 'unknown_type' });
  });

  it('says "newer schema version" for a version written by a newer producer', () => {
    expect(parseEvent('TaskRenamed', 2, SAMPLE_EVENT_DATA.TaskRenamed)).toEqual({
      ok: false,
      reason: 'newer_schema_version',
      type: 'TaskRenamed',
      schemaVersion: 2,
      supported: 1,
    });
  });

  it('refuses data that does not match the schema and names the field', () => {
    const result = parseEvent('TaskRenamed', 1, { ...SAMPLE_EVENT_DATA.TaskRenamed, title: 7 });
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    expect(result.ok === false && result.reason === 'invalid' && result.issues[0]).toMatch(/^data\.title:/);
  });

  it('refuses a version older than any it can upcast', () => {
    expect(parseEvent('TaskRenamed', 0, SAMPLE_EVENT_DATA.TaskRenamed)).toMatchObject({ reason: 'invalid' });
  });

  it('drops fields it does not know (tolerant reader) instead of failing', () => {
    const result = parseEvent('TaskRenamed', 1, { ...SAMPLE_EVENT_DATA.TaskRenamed, addedLater: true });
    expect(result).toEqual({ ok: true, event: makeEvent('TaskRenamed', SAMPLE_EVENT_DATA.TaskRenamed) });
  });

  it('reads the schema version from stored metadata', () => {
    const stored = {
      type: 'TaskRenamed',
      data: SAMPLE_EVENT_DATA.TaskRenamed,
      metadata: { schemaVersion: 9 },
    };
    expect(parseStoredEvent(stored)).toMatchObject({ reason: 'newer_schema_version', schemaVersion: 9 });
  });

  it('puts every event at version 1 today', () => {
    expect(ALL_TYPES.map(currentSchemaVersion)).toEqual(ALL_TYPES.map(() => 1));
  });
});

describe('event data', () => {
  it('never has a field that could hold a secret', () => {
    const keys = ALL_TYPES.flatMap((type) => Object.keys(SAMPLE_EVENT_DATA[type]));
    expect(keys.filter((key) => /password|hash|token|secret/i.test(key))).toEqual([]);
  });
});

describe('aggregate guards', () => {
  const guards = { isUserEvent, isEmailReservationEvent, isProjectEvent, isTaskEvent, isInboxEvent };
  const claimedBy = (type: DomainEventType) =>
    Object.entries(guards)
      .filter(([, guard]) => guard(makeEvent(type, SAMPLE_EVENT_DATA[type] as never)))
      .map(([name]) => name);

  it.each([
    ['UserRegistered', 'isUserEvent'],
    ['EmailReserved', 'isEmailReservationEvent'],
    ['MemberRemoved', 'isProjectEvent'],
    ['TaskDeadlineApproaching', 'isTaskEvent'],
    ['AllNotificationsRead', 'isInboxEvent'],
  ] as const)('%s belongs to %s only', (type, guard) => {
    expect(claimedBy(type)).toEqual([guard]);
  });

  it('gives every event type exactly one aggregate', () => {
    expect(ALL_TYPES.filter((type) => claimedBy(type).length !== 1)).toEqual([]);
  });
});

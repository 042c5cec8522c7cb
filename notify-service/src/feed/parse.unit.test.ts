import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assigned, recorded, world } from '../testing/events.ts';
import { classifyMessage } from './parse.ts';

describe('classifyMessage', () => {
  it('given the forwarder JSON of a known event, when classified, then it is an event equal to what was sent', () => {
    const event = assigned(world(), randomUUID());
    expect(classifyMessage(Buffer.from(JSON.stringify(event)))).toEqual({ kind: 'event', event });
  });

  it('given no value, not JSON, or JSON that is not a recorded event, when classified, then dead letter with a reason naming the problem', () => {
    expect(classifyMessage(null)).toEqual({ kind: 'dead_letter', reason: 'empty message value' });
    expect(classifyMessage('{oops')).toMatchObject({
      kind: 'dead_letter',
      reason: expect.stringMatching(/^not JSON/),
    });
    const noPosition = { ...assigned(world(), randomUUID()), position: undefined };
    expect(classifyMessage(JSON.stringify(noPosition))).toMatchObject({
      kind: 'dead_letter',
      reason: expect.stringContaining('position'),
    });
  });

  it('given invalid data or a newer schema version, when classified, then dead letter; an unknown type is skipped', () => {
    const event = assigned(world(), randomUUID());
    const invalid = { ...event, data: { ...event.data, title: 42 } };
    expect(classifyMessage(JSON.stringify(invalid))).toMatchObject({
      kind: 'dead_letter',
      reason: expect.stringMatching(/^invalid TaskAssigned data: data.title/),
    });
    const newer = { ...event, metadata: { ...event.metadata, schemaVersion: 2 } };
    expect(classifyMessage(JSON.stringify(newer))).toEqual({
      kind: 'dead_letter',
      reason: 'TaskAssigned v2 is newer than the supported v1',
    });
    const unknown = {
      ...recorded('x-1', { type: 'TaskAssigned', schemaVersion: 1, data: event.data } as never),
      type: 'TaskArchived',
    };
    expect(classifyMessage(JSON.stringify(unknown))).toMatchObject({
      kind: 'skip',
      reason: 'unknown event type TaskArchived',
    });
  });
});

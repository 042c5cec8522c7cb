import { describe, expect, it } from 'vitest';
import { InvalidAppendError } from '../errors.ts';
import { type EventStore, MAX_EVENT_BYTES, MAX_EVENTS_PER_APPEND, type NewEvent } from '../port.ts';
import { headOrStart, inStreams, newEvent, newEvents, uniqueStream } from './fixtures.ts';

/** An event whose data and metadata serialise to exactly `bytes` bytes of JSON. */
function eventOfSize(bytes: number): NewEvent {
  const event = newEvent({ padding: '' });
  const overhead =
    Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
  return { ...event, data: { padding: 'x'.repeat(bytes - overhead) } };
}

type BadAppend = [label: string, events: () => unknown, expectedRevision: unknown];

const badAppends: BadAppend[] = [
  ['an unknown expected-revision word', () => [newEvent()], 'latest'],
  ['a negative expected revision', () => [newEvent()], -1],
  ['a fractional expected revision', () => [newEvent()], 1.5],
  ['a missing expected revision', () => [newEvent()], undefined],
  ['an empty event list', () => [], 'any'],
  [`more than ${MAX_EVENTS_PER_APPEND} events`, () => newEvents(MAX_EVENTS_PER_APPEND + 1), 'any'],
  [`an event of ${MAX_EVENT_BYTES + 1} bytes`, () => [newEvent(), eventOfSize(MAX_EVENT_BYTES + 1)], 'any'],
  ['an id that is not a UUID', () => [{ ...newEvent(), id: 'event-1' }], 'any'],
  [
    'the same id twice',
    () => [newEvent(), newEvent()].map((event, _, all) => ({ ...event, id: all[0]!.id })),
    'any',
  ],
  ['a reserved "$" event type', () => [newEvent({}, '$system')], 'any'],
  ['data that is not an object', () => [{ ...newEvent(), data: [1, 2] }], 'any'],
  ['a NUL character in data', () => [newEvent({ text: 'a\u0000b' })], 'any'],
  ['a lone UTF-16 surrogate in data', () => [newEvent({ text: 'a\ud800b' })], 'any'],
];

export function describeInvalidInputContract(store: () => EventStore): void {
  describe('bad input', () => {
    for (const [label, events, expectedRevision] of badAppends) {
      it(`given ${label}, when appending, then InvalidAppendError is raised and nothing is appended`, async () => {
        const streamId = uniqueStream('invalid');
        const before = await headOrStart(store());
        const attempt = store().appendToStream(streamId, events() as NewEvent[], {
          expectedRevision: expectedRevision as never,
        });
        await expect(attempt).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await store().readStream(streamId)).toEqual([]);
        expect((await store().readAll({ after: before })).filter(inStreams(streamId))).toEqual([]);
      });
    }

    it('given a stream id starting with "$", when appending, then InvalidAppendError is raised', async () => {
      const attempt = store().appendToStream(`$${uniqueStream('reserved')}`, [newEvent()], {
        expectedRevision: 'any',
      });
      await expect(attempt).rejects.toBeInstanceOf(InvalidAppendError);
    });

    it(`given an event of exactly ${MAX_EVENT_BYTES} bytes, when appending, then it is stored whole`, async () => {
      const streamId = uniqueStream('largest');
      const largest = eventOfSize(MAX_EVENT_BYTES);
      await store().appendToStream(streamId, [largest], { expectedRevision: 'no_stream' });
      const [stored] = await store().readStream(streamId);
      expect(stored?.data).toEqual(largest.data);
    });
  });
}

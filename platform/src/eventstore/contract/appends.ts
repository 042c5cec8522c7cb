import { describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError } from '../errors.ts';
import type { EventStore, ExpectedRevision } from '../port.ts';
import { fillStream, newEvent, newEvents, uniqueStream } from './fixtures.ts';

async function expectConflict(
  attempt: Promise<unknown>,
  streamId: string,
  actual: number | 'no_stream',
): Promise<WrongExpectedRevisionError> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  const conflict = error as WrongExpectedRevisionError;
  expect(conflict.streamId).toBe(streamId);
  expect(conflict.actual).toBe(actual);
  return conflict;
}

export function describeAppendContract(store: () => EventStore): void {
  describe('expected revision', () => {
    it('given no stream, when appending with no_stream, then the stream starts at revision 0', async () => {
      const streamId = uniqueStream('no-stream');
      const result = await store().appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' });
      expect(result.nextRevision).toBe(0);
      expect(await store().readStream(streamId)).toHaveLength(1);
    });

    it('given an existing stream, when appending with no_stream, then it is refused and nothing is appended', async () => {
      const streamId = uniqueStream('no-stream-exists');
      await fillStream(store(), streamId, 2);
      await expectConflict(
        store().appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' }),
        streamId,
        1,
      );
      expect(await store().readStream(streamId)).toHaveLength(2);
    });

    it('given no stream, when appending with stream_exists, then it is refused and the stream stays absent', async () => {
      const streamId = uniqueStream('exists-missing');
      await expectConflict(
        store().appendToStream(streamId, [newEvent()], { expectedRevision: 'stream_exists' }),
        streamId,
        'no_stream',
      );
      expect(await store().readStream(streamId)).toEqual([]);
    });

    it('given an existing stream, when appending with stream_exists, then the event follows the last one', async () => {
      const streamId = uniqueStream('exists');
      await fillStream(store(), streamId, 3);
      const result = await store().appendToStream(streamId, [newEvent()], {
        expectedRevision: 'stream_exists',
      });
      expect(result.nextRevision).toBe(3);
    });

    it('given a stream at revision 2, when appending expecting 2, then it succeeds; expecting 1 or 5, it is refused', async () => {
      const streamId = uniqueStream('exact');
      await fillStream(store(), streamId, 3);
      for (const stale of [1, 5]) {
        await expectConflict(
          store().appendToStream(streamId, [newEvent()], { expectedRevision: stale }),
          streamId,
          2,
        );
      }
      const result = await store().appendToStream(streamId, newEvents(2), { expectedRevision: 2 });
      expect(result.nextRevision).toBe(4);
      expect((await store().readStream(streamId)).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
    });

    it('given no stream, when appending expecting revision 0, then it is refused', async () => {
      const streamId = uniqueStream('exact-missing');
      await expectConflict(
        store().appendToStream(streamId, [newEvent()], { expectedRevision: 0 }),
        streamId,
        'no_stream',
      );
    });

    it('given any stream state, when appending with any, then it always appends', async () => {
      const streamId = uniqueStream('any');
      expect(
        (await store().appendToStream(streamId, [newEvent()], { expectedRevision: 'any' })).nextRevision,
      ).toBe(0);
      expect(
        (await store().appendToStream(streamId, newEvents(2), { expectedRevision: 'any' })).nextRevision,
      ).toBe(2);
    });
  });

  describe('racing appends', () => {
    it('given a stream at revision 0, when two appends race expecting 0, then exactly one wins (10 rounds)', async () => {
      for (let round = 0; round < 10; round += 1) {
        const streamId = uniqueStream('race');
        await fillStream(store(), streamId, 1);
        const contenders = [newEvent({ contender: 'a' }), newEvent({ contender: 'b' })];
        const outcomes = await Promise.allSettled(
          contenders.map((event) => store().appendToStream(streamId, [event], { expectedRevision: 0 })),
        );
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
        const stored = await store().readStream(streamId);
        expect(stored.map((event) => event.revision)).toEqual([0, 1]);
        expect(contenders.map((event) => event.id)).toContain(stored[1]?.id);
      }
    });

    it('given no stream, when five appends race with no_stream, then exactly one creates it', async () => {
      const streamId = uniqueStream('race-create');
      const outcomes = await Promise.allSettled(
        newEvents(5).map((event) =>
          store().appendToStream(streamId, [event], { expectedRevision: 'no_stream' }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect(await store().readStream(streamId)).toHaveLength(1);
    });

    it('given one stream, when 20 appends with any run at once, then all land on distinct consecutive revisions', async () => {
      const streamId = uniqueStream('race-any');
      const results = await Promise.all(
        newEvents(20).map((event) => store().appendToStream(streamId, [event], { expectedRevision: 'any' })),
      );
      expect(results.map((result) => result.nextRevision).sort((a, b) => a - b)).toEqual([
        ...Array(20).keys(),
      ]);
      expect((await store().readStream(streamId)).map((event) => event.revision)).toEqual([
        ...Array(20).keys(),
      ]);
    });
  });

  describe('idempotent retry', () => {
    const expectations: Array<[ExpectedRevision, number]> = [
      ['no_stream', 0],
      [1, 2],
      ['stream_exists', 2],
      ['any', 2],
    ];
    for (const [expectedRevision, existing] of expectations) {
      it(`given an append expecting ${expectedRevision} succeeded, when it is retried with the same ids, then the same result comes back and one copy is stored`, async () => {
        const streamId = uniqueStream('retry');
        if (existing > 0) await fillStream(store(), streamId, existing);
        const events = newEvents(3);
        const first = await store().appendToStream(streamId, events, { expectedRevision });
        const retried = await store().appendToStream(streamId, events, { expectedRevision });
        expect(retried).toEqual(first);
        const stored = await store().readStream(streamId);
        expect(stored).toHaveLength(existing + 3);
        expect(new Set(stored.map((event) => event.id)).size).toBe(existing + 3);
      });
    }

    it('given the stream moved on after an append, when that append is retried, then it still answers with the original result', async () => {
      const streamId = uniqueStream('retry-later');
      const events = newEvents(2);
      const first = await store().appendToStream(streamId, events, { expectedRevision: 'no_stream' });
      await store().appendToStream(streamId, [newEvent()], { expectedRevision: 1 });
      expect(await store().appendToStream(streamId, events, { expectedRevision: 'no_stream' })).toEqual(
        first,
      );
      expect(await store().readStream(streamId)).toHaveLength(3);
    });

    it('given two identical appends sent at once, then both answer alike and one copy is stored', async () => {
      const streamId = uniqueStream('retry-race');
      const events = newEvents(2);
      const [a, b] = await Promise.all([
        store().appendToStream(streamId, events, { expectedRevision: 'no_stream' }),
        store().appendToStream(streamId, events, { expectedRevision: 'no_stream' }),
      ]);
      expect(a).toEqual(b);
      expect(await store().readStream(streamId)).toHaveLength(2);
    });
  });
}

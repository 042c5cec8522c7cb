import { describe, expect, it } from 'vitest';
import { InvalidReadError } from '../errors.ts';
import type { EventStore } from '../port.ts';
import { fillStream, headOrStart, inStreams, newEvent, newEvents, uniqueStream } from './fixtures.ts';

export function describeReadContract(store: () => EventStore): void {
  describe('reading a stream', () => {
    it('given two events appended, when the stream is read, then they come back in order with data and metadata', async () => {
      const streamId = uniqueStream('read');
      const events = [
        newEvent({ title: 'first', nested: { n: 1 } }),
        newEvent({ title: 'second', list: [1, 'x'] }),
      ];
      const result = await store().appendToStream(streamId, events, { expectedRevision: 'no_stream' });
      expect(result.nextRevision).toBe(1);
      const stored = await store().readStream(streamId);
      expect(stored.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }))).toEqual(events);
      expect(stored.map((event) => [event.streamId, event.revision])).toEqual([
        [streamId, 0],
        [streamId, 1],
      ]);
      expect(stored[1]?.position).toBe(result.position);
      for (const event of stored) expect(Number.isNaN(Date.parse(event.recordedAt))).toBe(false);
    });

    it('given five events, when read forwards from revision 2 with limit 2, then revisions 2 and 3 come back', async () => {
      const streamId = uniqueStream('read-from');
      await fillStream(store(), streamId, 5);
      const page = await store().readStream(streamId, { from: 2, limit: 2 });
      expect(page.map((event) => event.revision)).toEqual([2, 3]);
    });

    it('given five events, when read backwards, then the newest come first, from and limit included', async () => {
      const streamId = uniqueStream('read-back');
      await fillStream(store(), streamId, 5);
      const all = await store().readStream(streamId, { direction: 'backwards' });
      expect(all.map((event) => event.revision)).toEqual([4, 3, 2, 1, 0]);
      const page = await store().readStream(streamId, { direction: 'backwards', from: 3, limit: 2 });
      expect(page.map((event) => event.revision)).toEqual([3, 2]);
    });

    it('given no such stream, when it is read, then the result is empty', async () => {
      expect(await store().readStream(uniqueStream('missing'))).toEqual([]);
      expect(await store().readStream(uniqueStream('missing'), { direction: 'backwards' })).toEqual([]);
    });
  });

  describe('reading all', () => {
    it('given appends to two streams, when all is read after the prior head, then they come in append order with rising positions', async () => {
      const before = await headOrStart(store());
      const [a, b] = [uniqueStream('all-a'), uniqueStream('all-b')];
      const results = [
        await store().appendToStream(a, newEvents(2), { expectedRevision: 'no_stream' }),
        await store().appendToStream(b, newEvents(1), { expectedRevision: 'no_stream' }),
        await store().appendToStream(a, newEvents(1), { expectedRevision: 1 }),
      ];
      const read = (await store().readAll({ after: before })).filter(inStreams(a, b));
      expect(read.map((event) => [event.streamId, event.revision])).toEqual([
        [a, 0],
        [a, 1],
        [b, 0],
        [a, 2],
      ]);
      for (let index = 1; index < read.length; index += 1) {
        expect(store().comparePositions(read[index - 1]!.position, read[index]!.position)).toBeLessThan(0);
      }
      expect([read[1]?.position, read[2]?.position, read[3]?.position]).toEqual(
        results.map((r) => r.position),
      );
    });

    it('given events after a position, when all is read page by page with limit 1, then each page continues after the last', async () => {
      const before = await headOrStart(store());
      const streamId = uniqueStream('all-pages');
      await fillStream(store(), streamId, 3);
      const seen: number[] = [];
      let after = before;
      while (seen.length < 3) {
        const page = await store().readAll({ after, limit: 1 });
        expect(page).toHaveLength(1);
        after = page[0]!.position;
        if (page[0]!.streamId === streamId) seen.push(page[0]!.revision);
      }
      expect(seen).toEqual([0, 1, 2]);
    });

    it('given an append, when the head is asked for, then it is at or after that append', async () => {
      const streamId = uniqueStream('head');
      const result = await store().appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' });
      const head = await store().headPosition();
      expect(head).not.toBeNull();
      expect(store().comparePositions(head!, result.position)).toBeGreaterThanOrEqual(0);
      const after = await store().readAll({ after: head! });
      expect(after.filter(inStreams(streamId))).toEqual([]);
    });

    it('given two positions, when compared, then the order is total and antisymmetric', async () => {
      const streamId = uniqueStream('compare');
      const first = await store().appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' });
      const second = await store().appendToStream(streamId, [newEvent()], { expectedRevision: 0 });
      const compare = store().comparePositions;
      expect(compare(first.position, first.position)).toBe(0);
      expect(compare(first.position, second.position)).toBeLessThan(0);
      expect(compare(second.position, first.position)).toBeGreaterThan(0);
    });

    it('given a malformed position or limit, when reading, then a typed error is raised', async () => {
      await expect(store().readAll({ after: 'not-a-position' })).rejects.toBeInstanceOf(InvalidReadError);
      await expect(store().readAll({ limit: -1 })).rejects.toBeInstanceOf(InvalidReadError);
      await expect(store().readStream(uniqueStream('bad'), { from: -1 })).rejects.toBeInstanceOf(
        InvalidReadError,
      );
      expect(() => store().comparePositions('x', 'y')).toThrow(InvalidReadError);
      const subscribeToGarbage = async () => {
        for await (const _ of store().subscribeToAll({ after: 'garbage' })) break;
      };
      await expect(subscribeToGarbage()).rejects.toBeInstanceOf(InvalidReadError);
    });
  });
}

import { describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../port.ts';
import {
  fillStream,
  headOrStart,
  inStreams,
  newEvents,
  PulledSubscription,
  uniqueStream,
  withDeadline,
} from './fixtures.ts';

export function describeSubscriptionContract(store: () => EventStore): void {
  describe('subscribeToAll', () => {
    it('given stored events, when subscribing after an earlier position, then it catches up and then delivers new appends live', async () => {
      const before = await headOrStart(store());
      const streamId = uniqueStream('subscribe');
      await fillStream(store(), streamId, 3);
      const subscription = new PulledSubscription(store(), { after: before });
      try {
        const caughtUp = await subscription.take(3, inStreams(streamId));
        expect(caughtUp.map((event) => event.revision)).toEqual([0, 1, 2]);
        const live = subscription.take(2, inStreams(streamId));
        const appended = await store().appendToStream(streamId, newEvents(2), { expectedRevision: 2 });
        const delivered = await live;
        expect(delivered.map((event) => event.revision)).toEqual([3, 4]);
        expect(delivered[1]?.position).toBe(appended.position);
      } finally {
        await subscription.stop();
      }
    });

    it('given a position, when subscribing after it, then the event at that position is not delivered again', async () => {
      const streamId = uniqueStream('subscribe-after');
      await fillStream(store(), streamId, 3);
      const [, second] = await store().readStream(streamId);
      const subscription = new PulledSubscription(store(), { after: second!.position });
      try {
        const [next] = await subscription.take(1, inStreams(streamId));
        expect(next?.revision).toBe(2);
      } finally {
        await subscription.stop();
      }
    });

    it('given a subscription waiting for new events, when its signal aborts, then the iteration ends promptly', async () => {
      const controller = new AbortController();
      const delivered: RecordedEvent[] = [];
      const streamId = uniqueStream('abort');
      const consuming = (async () => {
        for await (const event of store().subscribeToAll({
          after: await headOrStart(store()),
          signal: controller.signal,
        })) {
          if (event.streamId === streamId) delivered.push(event);
        }
      })();
      await fillStream(store(), streamId, 1);
      await waitUntil(() => delivered.length === 1);
      const abortedAt = Date.now();
      controller.abort();
      await withDeadline(consuming, Date.now() + 2_000, 'subscription to end after abort');
      expect(Date.now() - abortedAt).toBeLessThan(2_000);
      await store().appendToStream(streamId, newEvents(1), { expectedRevision: 0 });
      expect(delivered).toHaveLength(1);
    });

    it('given an already aborted signal, when subscribing, then nothing is delivered', async () => {
      await fillStream(store(), uniqueStream('pre-aborted'), 1);
      const delivered: RecordedEvent[] = [];
      for await (const event of store().subscribeToAll({ signal: AbortSignal.abort() }))
        delivered.push(event);
      expect(delivered).toEqual([]);
    });

    it('given a consumer that breaks out of the loop, then the subscription stops without error', async () => {
      const streamId = uniqueStream('break');
      const before = await headOrStart(store());
      await fillStream(store(), streamId, 3);
      let count = 0;
      for await (const event of store().subscribeToAll({ after: before })) {
        if (event.streamId === streamId) count += 1;
        if (count === 2) break;
      }
      expect(count).toBe(2);
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import type { EventStore } from '@taskflow/platform/eventstore';

/**
 * An event store whose appends can be held at a gate until `count` of them have arrived, then
 * released together. Two requests that both reach the gate have both loaded and decided on the
 * same revision, so a test of "racing" commands really races instead of hoping the event loop
 * interleaves them. The gate opens by itself after `timeoutMs` so a broken test cannot hang;
 * `timedOut` then says the race did not happen.
 */
export interface AppendGate {
  store: EventStore;
  /** Holds the next appends until `count` are waiting. */
  hold(count: number, timeoutMs?: number): { opened: Promise<{ timedOut: boolean }> };
}

export function gateAppends(inner: EventStore): AppendGate {
  let gate: { count: number; waiting: (() => void)[]; open: (timedOut: boolean) => void } | null = null;

  const store: EventStore = {
    appendToStream: async (streamId, events, options) => {
      const current = gate;
      if (current) {
        await new Promise<void>((resolve) => {
          current.waiting.push(resolve);
          if (current.waiting.length >= current.count) current.open(false);
        });
      }
      return inner.appendToStream(streamId, events, options);
    },
    readStream: (streamId, options) => inner.readStream(streamId, options),
    readAll: (options) => inner.readAll(options),
    subscribeToAll: (options) => inner.subscribeToAll(options),
    comparePositions: (a, b) => inner.comparePositions(a, b),
    headPosition: () => inner.headPosition(),
    close: () => inner.close(),
  };

  return {
    store,
    hold(count, timeoutMs = 5_000) {
      let report: (value: { timedOut: boolean }) => void = () => {};
      const opened = new Promise<{ timedOut: boolean }>((resolve) => {
        report = resolve;
      });
      const current = {
        count,
        waiting: [] as (() => void)[],
        open: (timedOut: boolean) => {
          clearTimeout(timer);
          if (gate === current) gate = null;
          for (const release of current.waiting) release();
          report({ timedOut });
        },
      };
      const timer = setTimeout(() => current.open(true), timeoutMs);
      gate = current;
      return { opened };
    },
  };
}

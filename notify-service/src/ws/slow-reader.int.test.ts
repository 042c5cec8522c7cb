import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { assigned, memberAdded, registered, world } from '../testing/events.ts';
import { type NotifyServer, startNotifyServer } from '../testing/instance.ts';
import { createTestReadSide, type TestReadSide } from '../testing/read-side.ts';
import { connect } from '../testing/ws-client.ts';
import { pushHandler } from './push-handler.ts';

const BOUND = 256 * 1024;
const COUNT = 10_000;

/** The client's TCP socket, so the test can stop reading from it like a stalled phone would. */
const tcpOf = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket;

describe('a reader that stops reading', () => {
  let server: NotifyServer;
  let readSide: TestReadSide;

  beforeAll(async () => {
    readSide = createTestReadSide();
    server = await startNotifyServer({
      readSide,
      hub: { limits: { maxBufferedBytes: BOUND, closeGraceMs: 20_000 } },
    });
  });
  afterAll(() => server.close());

  it(`given a client that stops reading, when ${COUNT} notifications are pushed, then its queue stays under the bound, it is closed with 1013, and a resume delivers everything it missed once`, async () => {
    const w = world();
    const bob = randomUUID();
    readSide.apply(...w.events, registered(bob, 'Bob'), memberAdded(w, bob));
    const slow = await connect(server.url, { token: server.tokenFor(bob) });
    tcpOf(slow.ws).pause();

    const handler = pushHandler(server.hub);
    const events: RecordedEvent[] = [];
    let maxBuffered = 0;
    for (let i = 0; i < COUNT; i++) {
      const event = assigned(w, bob, `task ${i} ${'·'.repeat(100)}`);
      events.push(event);
      readSide.apply(event);
      await handler.handle(event, { heartbeat: async () => {} });
      if (i % 50 === 0) {
        maxBuffered = Math.max(maxBuffered, server.hub.stats().bufferedBytes);
      }
    }

    expect(server.hub.connectionsOf(bob)).toHaveLength(0);
    expect(maxBuffered).toBeLessThanOrEqual(BOUND);

    tcpOf(slow.ws).resume();
    const { code } = await slow.closed;
    expect(code).toBe(1013);
    const seen = slow.notifications();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(COUNT);

    const again = await connect(server.url, { token: server.tokenFor(bob) });
    again.send({ type: 'resume', after: seen.at(-1)!.position });
    const rest = await again.waitForNotifications(COUNT - seen.length, 30_000);
    const all = [...seen, ...rest].map((n) => n.id);
    expect(all).toHaveLength(COUNT);
    expect(new Set(all).size).toBe(COUNT);
    expect(rest.at(-1)?.cause.eventId).toBe(events.at(-1)?.id);
    again.close();
  });
});

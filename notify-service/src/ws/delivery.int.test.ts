import { randomUUID } from 'node:crypto';
import { notificationsFor } from '@taskflow/contracts';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assigned, memberAdded, memberRemoved, registered, world } from '../testing/events.ts';
import { type NotifyServer, startNotifyServer } from '../testing/instance.ts';
import { createTestReadSide, type TestReadSide } from '../testing/read-side.ts';
import { connect } from '../testing/ws-client.ts';
import { pushHandler } from './push-handler.ts';

describe('live push and resume over a real socket', () => {
  let server: NotifyServer;
  let readSide: TestReadSide;
  const push = async (...events: RecordedEvent[]) => {
    for (const event of events) await pushHandler(server.hub).handle(event, { heartbeat: async () => {} });
  };
  /** What the read side and the live feed both see, as in production. */
  const happen = async (...events: RecordedEvent[]) => {
    readSide.apply(...events);
    await push(...events);
  };

  beforeAll(async () => {
    readSide = createTestReadSide();
    server = await startNotifyServer({
      readSide,
      hub: { membershipTtlMs: 60_000, limits: { catchUpWaitMs: 300 } },
    });
  });
  afterAll(() => server.close());

  function member(w: ReturnType<typeof world>) {
    const id = randomUUID();
    readSide.apply(...w.events, registered(id, 'Bob'), memberAdded(w, id));
    return id;
  }

  it('given the assignee and a bystander connected, when a task is assigned, then only the assignee gets the notification, with its deterministic id', async () => {
    const w = world();
    const bob = member(w);
    const carol = member(w);
    const bobSocket = await connect(server.url, { token: server.tokenFor(bob) });
    const carolSocket = await connect(server.url, { token: server.tokenFor(carol) });
    const event = assigned(w, bob, 'Ship <it>');
    await happen(event);
    const [received] = await bobSocket.waitForNotifications(1);
    expect(received).toEqual(notificationsFor(event)[0]?.notification);
    expect(received?.message).toBe('Olivia assigned you “Ship <it>”');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(carolSocket.notifications()).toEqual([]);
    bobSocket.close();
    carolSocket.close();
  });

  it('given a user with two sockets, when one notification is pushed twice (a redelivery), then each socket gets it once', async () => {
    const w = world();
    const bob = member(w);
    const sockets = [
      await connect(server.url, { token: server.tokenFor(bob) }),
      await connect(server.url, { token: server.tokenFor(bob) }),
    ];
    const event = assigned(w, bob);
    await happen(event, event);
    await happen(assigned(w, bob));
    for (const socket of sockets) {
      const got = await socket.waitForNotifications(2);
      expect(new Set(got.map((n) => n.id)).size).toBe(2);
      socket.close();
    }
  });

  it('given a member removed from the project, when a notification of that project is pushed, then the socket does not get it; another project still flows', async () => {
    const w = world();
    const other = world('Otto');
    const bob = member(w);
    readSide.apply(...other.events, memberAdded(other, bob));
    const socket = await connect(server.url, { token: server.tokenFor(bob) });
    await happen(assigned(w, bob, 'before'));
    await socket.waitForNotifications(1);
    await happen(memberRemoved(w, bob));
    await happen(assigned(w, bob, 'after removal'), assigned(other, bob, 'other project'));
    const got = await socket.waitForNotifications(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socket.notifications().map((n) => n.message)).toEqual([
      'Olivia assigned you “before”',
      'Otto assigned you “other project”',
    ]);
    expect(got).toHaveLength(2);
    socket.close();
  });

  it('given five notifications the client missed, when it resumes after the second, then it gets the last three in position order, then live ones, none twice', async () => {
    const w = world();
    const bob = member(w);
    const missed = Array.from({ length: 5 }, (_, i) => assigned(w, bob, `task ${i}`));
    readSide.apply(...missed);
    const socket = await connect(server.url, { token: server.tokenFor(bob) });
    socket.send({ type: 'resume', after: missed[1]!.position });
    await socket.waitForNotifications(3);
    const live = assigned(w, bob, 'live');
    await happen(live, missed[4]!);
    const got = await socket.waitForNotifications(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socket.notifications().map((n) => n.message)).toEqual([
      'Olivia assigned you “task 2”',
      'Olivia assigned you “task 3”',
      'Olivia assigned you “task 4”',
      'Olivia assigned you “live”',
    ]);
    expect(got.map((n) => n.position)).toEqual([...got.map((n) => n.position)].sort());
    socket.close();
  });

  it('given a resume in progress and a read side that lags, when live notifications arrive meanwhile, then they follow the caught-up ones (and what the read side had not yet projected) once, in order', async () => {
    const w = world();
    const bob = member(w);
    const old = Array.from({ length: 1200 }, (_, i) => assigned(w, bob, `old ${i}`));
    readSide.apply(...old);
    const socket = await connect(server.url, { token: server.tokenFor(bob) });
    // Missed while disconnected, and not yet in the read side when the resume starts.
    const gap = assigned(w, bob, 'gap');
    const fresh = [assigned(w, bob, 'fresh 1'), assigned(w, bob, 'fresh 2')];
    readSide.apply(gap);
    readSide.lagAt = old.at(-1)!.position;
    readSide.pageDelayMs = 50;
    const pagesBefore = readSide.calls.notificationsAfter;
    socket.send({ type: 'resume', after: old[0]!.position });
    await expect.poll(() => readSide.calls.notificationsAfter).toBeGreaterThan(pagesBefore);
    readSide.apply(...fresh);
    await push(...fresh);
    await expect.poll(() => readSide.calls.notificationsAfter).toBeGreaterThan(pagesBefore + 3);
    readSide.lagAt = null;
    readSide.pageDelayMs = 0;
    const got = await socket.waitForNotifications(1202);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socket.notifications()).toHaveLength(1202);
    expect(new Set(got.map((n) => n.id)).size).toBe(1202);
    expect(got.slice(-3).map((n) => n.message)).toEqual([
      'Olivia assigned you “gap”',
      'Olivia assigned you “fresh 1”',
      'Olivia assigned you “fresh 2”',
    ]);
    socket.close();
  });

  it('given the read side fails, when the client resumes, then it gets a resume_failed error frame and live notifications still flow', async () => {
    const w = world();
    const bob = member(w);
    const socket = await connect(server.url, { token: server.tokenFor(bob) });
    await happen(assigned(w, bob, 'warm the membership cache'));
    await socket.waitForNotifications(1);
    readSide.failing = true;
    try {
      socket.send({ type: 'resume', after: '00000000000000000001-00000000000000000000' });
      await socket.waitForFrame((f) => f.type === 'error' && f.code === 'resume_failed');
      await push(assigned(w, bob, 'still live'));
      await socket.waitForNotifications(2);
    } finally {
      readSide.failing = false;
    }
    socket.close();
  });
});

import { randomUUID } from 'node:crypto';
import { generateSigningKeys, signAccessToken } from '@taskflow/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyServer, startNotifyServer, TOKENS } from '../testing/instance.ts';
import { createTestReadSide } from '../testing/read-side.ts';
import { connect, refusedStatus } from '../testing/ws-client.ts';

describe('GET /ws/notifications: the upgrade and the socket rules (real ws clients)', () => {
  let server: NotifyServer;
  const userId = randomUUID();

  beforeAll(async () => {
    server = await startNotifyServer({
      readSide: createTestReadSide(),
      hub: { maxSocketsPerUser: 2, pingIntervalMs: 150 },
      allowedOrigins: ['http://app.example.com'],
    });
  });
  afterAll(() => server.close());

  it('given no token, when a client upgrades, then it is refused with 401 before any 101', async () => {
    expect(await refusedStatus(server.url)).toBe(401);
  });

  it('given a token signed by another key, when a client upgrades, then 401', async () => {
    const foreign = signAccessToken(
      { userId, name: 'Eve', email: 'e@example.com' },
      generateSigningKeys().privateKey,
      {
        ...TOKENS,
        ttlSeconds: 60,
      },
    );
    expect(await refusedStatus(server.url, { token: foreign })).toBe(401);
    expect(await refusedStatus(server.url, { token: 'not.a.jwt' })).toBe(401);
  });

  it('given a valid token from a foreign Origin, when a browser upgrades, then 403; from an allowed Origin, 101', async () => {
    const token = server.tokenFor(userId);
    expect(await refusedStatus(server.url, { token, origin: 'https://evil.example.net' })).toBe(403);
    expect(await refusedStatus(server.url, { token, origin: 'http://app.example.com' })).toBe(101);
  });

  it('given the token as subprotocol "bearer, <token>", when upgrading, then 101 and the server answers "bearer", never the token', async () => {
    const socket = await connect(server.url, { token: server.tokenFor(userId), via: 'protocol' });
    expect(socket.protocol).toBe('bearer');
    socket.close();
    await socket.closed;
  });

  it('given a valid token, when a plain GET arrives without an upgrade, then 426 Upgrade Required', async () => {
    const response = await fetch(`${server.url}/ws/notifications?access_token=${server.tokenFor(userId)}`);
    expect(response.status).toBe(426);
    expect(response.headers.get('upgrade')).toBe('websocket');
  });

  it('given two open sockets (the cap), when the user opens a third, then 429; after one closes, a new one is accepted', async () => {
    const token = server.tokenFor(randomUUID());
    const first = await connect(server.url, { token });
    const second = await connect(server.url, { token });
    expect(await refusedStatus(server.url, { token })).toBe(429);
    first.close();
    await first.closed;
    await expect.poll(() => refusedStatus(server.url, { token })).toBe(101);
    second.close();
  });

  it('given an open socket, when the client sends a 65 KiB frame, then the server closes it with 1009', async () => {
    const socket = await connect(server.url, { token: server.tokenFor(randomUUID()) });
    socket.send(JSON.stringify({ type: 'resume', after: 'x'.repeat(65 * 1024) }));
    expect((await socket.closed).code).toBe(1009);
  });

  it('given an open socket, when the client sends an unknown frame, then an invalid_frame error comes back and the socket stays usable', async () => {
    const socket = await connect(server.url, { token: server.tokenFor(randomUUID()) });
    socket.send({ type: 'subscribe', to: 'everything' });
    socket.send('not json');
    await expect
      .poll(() => socket.frames.filter((f) => f.type === 'error' && f.code === 'invalid_frame').length)
      .toBe(2);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.close();
  });

  it('given an open socket, when the client floods 300 frames at once, then at most the burst is answered and the socket is closed with 1008', async () => {
    const socket = await connect(server.url, { token: server.tokenFor(randomUUID()) });
    for (let i = 0; i < 300; i++) socket.send('{}');
    const { code } = await socket.closed;
    expect(code).toBe(1008);
    expect(socket.frames.length).toBeGreaterThan(0);
    expect(socket.frames.length).toBeLessThanOrEqual(22);
  });

  it('given a client that never answers pings, when two ping periods pass, then it is terminated; one that answers stays', async () => {
    const silent = await connect(server.url, { token: server.tokenFor(randomUUID()), autoPong: false });
    const healthy = await connect(server.url, { token: server.tokenFor(randomUUID()) });
    const { code } = await silent.closed;
    expect(code).toBe(1006);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    healthy.close();
  });
});

describe('shutdown', () => {
  it('given open sockets, when the server closes, then every socket gets 1001', async () => {
    const server = await startNotifyServer({ readSide: createTestReadSide() });
    const sockets = await Promise.all(
      [randomUUID(), randomUUID()].map((id) => connect(server.url, { token: server.tokenFor(id) })),
    );
    await server.close();
    const codes = await Promise.all(sockets.map(async (socket) => (await socket.closed).code));
    expect(codes).toEqual([1001, 1001]);
  });
});

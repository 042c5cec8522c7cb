/**
 * The notify side of the benchmark, in a process of its own so its RSS is its own: the real
 * plugin and hub on Fastify, a read side where everyone is a member, commands over IPC.
 * Run with --expose-gc so memory is measured after a collection.
 */
import { randomUUID } from 'node:crypto';
import type { Notification } from '@taskflow/contracts';
import {
  authPlugin,
  createHttpServer,
  createLogger,
  generateSigningKeys,
  signAccessToken,
} from '@taskflow/platform';
import { buildNotifyService } from '../src/app.ts';
import type { ReadSide } from '../src/read-side/port.ts';
import { createNotificationHub } from '../src/ws/hub.ts';
import type { ServerCommand, ServerReply } from './protocol.ts';

const send = (reply: ServerReply) => process.send?.(reply);
const TOKENS = { issuer: 'taskflow', audience: 'taskflow-api' };
const keys = generateSigningKeys();
const logger = createLogger('notify-bench', 'warn');
const everyoneIsMember: ReadSide = {
  userContact: async () => null,
  notificationsAfter: async () => [],
  isMember: async () => true,
  dueReminders: async () => [],
};
const hub = createNotificationHub({
  readSide: everyoneIsMember,
  logger,
  maxSocketsPerUser: 10,
  membershipTtlMs: 3_600_000,
});
const app = await createHttpServer({ logger, title: 'notify bench' });
await app.register(authPlugin, {
  ...TOKENS,
  publicKey: keys.publicKey,
  serviceToken: randomUUID().repeat(2),
});
await app.register(buildNotifyService, {
  hub,
  scanner: { scan: async () => ({ scanned: 0, reminded: 0 }) },
  allowedOrigins: ['*'],
});
await app.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
const address = app.server.address();
send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });

const projectId = randomUUID();
let sequence = 0;
function notification(): Notification {
  sequence += 1;
  return {
    id: randomUUID(),
    type: 'task.assigned',
    taskId: randomUUID(),
    projectId,
    message: `Olivia assigned you “benchmark task ${sequence}”`,
    isRead: false,
    // The client measures latency from here: both processes read the same clock.
    createdAt: new Date().toISOString(),
    position: `00000000000000000001-${String(sequence).padStart(20, '0')}`,
    cause: { eventId: randomUUID(), eventType: 'TaskAssigned' },
  };
}

async function fanout(users: string[], perTick: number, seconds: number) {
  const started = performance.now();
  let pushed = 0;
  // Offered load follows the clock: each 10 ms tick pushes what is due by now, so a late tick
  // catches up instead of lowering the rate.
  for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
    const due = Math.floor(((performance.now() - started) / 10) * perTick) - pushed;
    for (let i = 0; i < due; i++) await hub.push(users[pushed++ % users.length]!, notification());
    const next = started + (tick + 1) * 10;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  send({ type: 'fanout-done', pushed, seconds: (performance.now() - started) / 1000 });
}

process.on('message', (message: ServerCommand) => {
  switch (message.cmd) {
    case 'memory':
      globalThis.gc?.();
      send({ type: 'memory', ...process.memoryUsage(), sockets: hub.stats().sockets });
      return;
    case 'tokens':
      send({
        type: 'tokens',
        tokens: message.users.map((userId) =>
          signAccessToken({ userId, name: 'Bench', email: 'bench@example.com' }, keys.privateKey, {
            ...TOKENS,
            ttlSeconds: 3600,
          }),
        ),
      });
      return;
    case 'fanout':
      void fanout(message.users, message.perTick, message.seconds);
      return;
    case 'stop':
      void app.close().then(() => process.exit(0));
  }
});

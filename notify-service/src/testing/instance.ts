import {
  authPlugin,
  createHttpServer,
  createLogger,
  generateSigningKeys,
  type KeyPairPem,
  signAccessToken,
} from '@taskflow/platform';
import type { FastifyInstance } from 'fastify';
import { buildNotifyService } from '../app.ts';
import type { ReadSide } from '../read-side/port.ts';
import type { DeadlineScanner } from '../reminders/scanner.ts';
import { createNotificationHub, type HubOptions, type NotificationHub } from '../ws/hub.ts';

export const TOKENS = { issuer: 'taskflow', audience: 'taskflow-api' };
export const SERVICE_TOKEN = 'notify-test-service-token-0123456789abcdef';
export const OPERATOR_TOKEN = 'notify-test-operator-token-0123456789abcdef';

export interface NotifyServer {
  app: FastifyInstance;
  url: string;
  hub: NotificationHub;
  keys: KeyPairPem;
  tokenFor(userId: string, name?: string): string;
  close(): Promise<void>;
}

/** notify's plugin on a real Fastify server listening on a free port, with platform's auth. */
export async function startNotifyServer(options: {
  readSide: ReadSide;
  keys?: KeyPairPem;
  hub?: Partial<Omit<HubOptions, 'readSide' | 'logger'>>;
  scanner?: DeadlineScanner;
  allowedOrigins?: string[];
}): Promise<NotifyServer> {
  const keys = options.keys ?? generateSigningKeys();
  const logger = createLogger('notify-test', 'silent');
  const hub = createNotificationHub({ readSide: options.readSide, logger, ...options.hub });
  const app = await createHttpServer({ logger, title: 'notify test' });
  await app.register(authPlugin, {
    ...TOKENS,
    publicKey: keys.publicKey,
    serviceToken: SERVICE_TOKEN,
    operatorToken: OPERATOR_TOKEN,
  });
  const scanner = options.scanner ?? { scan: async () => ({ scanned: 0, reminded: 0 }) };
  await app.register(buildNotifyService, {
    hub,
    scanner,
    allowedOrigins: options.allowedOrigins ?? ['http://app.example.com'],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app: app as unknown as FastifyInstance,
    url: `http://127.0.0.1:${port}`,
    hub,
    keys,
    tokenFor: (userId, name = 'User') =>
      signAccessToken({ userId, name, email: `${userId}@example.com` }, keys.privateKey, {
        ...TOKENS,
        ttlSeconds: 600,
      }),
    close: () => app.close(),
  };
}

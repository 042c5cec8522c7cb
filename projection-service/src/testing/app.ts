import {
  type App,
  authPlugin,
  createHttpServer,
  generateSigningKeys,
  signAccessToken,
} from '@taskflow/platform';
import { buildProjectionService } from '../plugin.ts';
import type { Harness } from './harness.ts';
import type { TestUser } from './scenario.ts';

export const SERVICE_TOKEN = 'test-service-token-0123456789';
const SETTINGS = { issuer: 'taskflow', audience: 'taskflow-api' };

export interface TestApp {
  app: App;
  /** A real ES256 access token for the user, as command-service would sign it. */
  tokenFor(user: TestUser): string;
  /** GET with the user's token (or the service token) and optional extra headers. */
  get(
    url: string,
    as: TestUser | 'service' | null,
    headers?: Record<string, string>,
  ): Promise<{ statusCode: number; headers: Record<string, unknown>; json: () => unknown; body: string }>;
}

/** The plugin as main.ts mounts it: auth on the root, then the projection routes. */
export async function createTestApp(
  h: Harness,
  options: { minPositionWaitMs?: number } = {},
): Promise<TestApp> {
  const keys = generateSigningKeys();
  const app = await createHttpServer({ logger: h.logger, title: 'projection-service test' });
  await app.register(authPlugin, { publicKey: keys.publicKey, serviceToken: SERVICE_TOKEN, ...SETTINGS });
  await app.register(buildProjectionService, {
    sql: h.sql,
    eventStore: h.eventStore,
    logger: h.logger,
    ...(options.minPositionWaitMs === undefined ? {} : { minPositionWaitMs: options.minPositionWaitMs }),
  });
  await app.ready();
  const tokenFor = (user: TestUser) =>
    signAccessToken({ userId: user.id, name: user.name, email: user.email }, keys.privateKey, {
      ...SETTINGS,
      ttlSeconds: 600,
    });
  return {
    app,
    tokenFor,
    get(url, as, headers = {}) {
      const authorization =
        as === null ? {} : { authorization: `Bearer ${as === 'service' ? SERVICE_TOKEN : tokenFor(as)}` };
      return app.inject({ method: 'GET', url, headers: { ...authorization, ...headers } });
    },
  };
}

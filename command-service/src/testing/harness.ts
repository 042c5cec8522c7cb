import { randomUUID } from 'node:crypto';
import { authPlugin, createHttpServer, createLogger, generateSigningKeys } from '@taskflow/platform';
import { createPostgresEventStore, type EventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient, runMigrations, type SqlClient } from '@taskflow/platform/sql';
import { createTestDatabase, type TestDatabase } from '@taskflow/platform/testing';
import type { FastifyInstance } from 'fastify';
import { buildCommandService, type CommandServiceDeps } from '../app.ts';
import { createArgon2Hasher } from '../auth/passwords.ts';
import { COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations } from '../schema.ts';

export const SERVICE_TOKEN = 'test-service-token-0123456789abcdef0123456789';
export const TOKEN_SETTINGS = { issuer: 'taskflow', audience: 'taskflow-api' };

/** Argon2id still, with small costs: tests register many users; the bench measures the real cost. */
export const FAST_HASHER = createArgon2Hasher({
  algorithm: 2,
  memoryCost: 1024,
  timeCost: 1,
  parallelism: 1,
});

export interface CommandHarness {
  app: FastifyInstance;
  sql: SqlClient;
  store: EventStore;
  keys: { privateKey: string; publicKey: string };
  close(): Promise<void>;
}

/** command-service on a fresh database of the real PostgreSQL `./taskflow test` started. */
export async function startCommandService(
  overrides: Partial<CommandServiceDeps> = {},
  options: { wrapStore?: (store: EventStore) => EventStore } = {},
): Promise<CommandHarness> {
  const database: TestDatabase = await createTestDatabase('command');
  const sql = createPgSqlClient({ connectionString: database.url, maxConnections: 20 });
  await runMigrations(sql, COMMAND_MIGRATION_NAMESPACE, commandServiceMigrations);
  // The inbox route checks a notification against the projection's table; tests create it bare.
  await sql.exec(`CREATE SCHEMA IF NOT EXISTS read;
    CREATE TABLE IF NOT EXISTS read.notifications (id uuid PRIMARY KEY, recipient_id uuid NOT NULL, position text NOT NULL)`);
  const store = await createPostgresEventStore(sql);
  const keys = generateSigningKeys();
  const app = await createHttpServer({ logger: createLogger('test', 'silent'), title: 'test' });
  await app.register(authPlugin, {
    ...TOKEN_SETTINGS,
    publicKey: keys.publicKey,
    serviceToken: SERVICE_TOKEN,
  });
  await app.register(buildCommandService, {
    sql,
    eventStore: options.wrapStore ? options.wrapStore(store) : store,
    hasher: FAST_HASHER,
    tokens: { ...TOKEN_SETTINGS, privateKey: keys.privateKey, ttlSeconds: 900 },
    ...overrides,
  });
  await app.ready();
  return {
    app: app as unknown as FastifyInstance,
    sql,
    store,
    keys,
    close: async () => {
      await app.close();
      await store.close();
      await sql.close();
      await database.drop();
    },
  };
}

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

export async function registerAndLogin(app: FastifyInstance, name = 'User'): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct horse battery staple';
  const registered = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { name, email, password },
  });
  if (registered.statusCode !== 201)
    throw new Error(`register failed: ${registered.statusCode} ${registered.body}`);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const tokens = login.json();
  return {
    id: registered.json().id,
    name,
    email,
    password,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    auth: { authorization: `Bearer ${tokens.accessToken}` },
  };
}

/** Every event in the store, for asserting what a request appended (or that it appended nothing). */
export async function allEvents(store: EventStore) {
  return store.readAll({ limit: 100_000 });
}

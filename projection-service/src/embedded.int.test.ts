import { randomUUID } from 'node:crypto';
import { DEFAULT_PREFERENCES, makeEvent, projectStream, userStream } from '@taskflow/contracts';
import {
  authPlugin,
  createHttpServer,
  createLogger,
  generateSigningKeys,
  signAccessToken,
} from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { openPgliteSqlClient } from '@taskflow/platform/sql';
import { describe, expect, it } from 'vitest';
import { buildProjectionService } from './plugin.ts';
import { startProjector } from './projector/runner.ts';

const meta = (actor: string) => ({
  actor,
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
});

describe('embedded mode: PGlite holds the event store and the read models in one process', () => {
  it('given events appended to PGlite, when the projector runs beside the query plugin, then a query with X-Min-Position sees them', async () => {
    const sql = await openPgliteSqlClient();
    const eventStore = await createPostgresEventStore(sql, { pollIntervalMs: 50 });
    const logger = createLogger('embedded-test', 'silent');
    const keys = generateSigningKeys();
    const app = await createHttpServer({ logger, title: 'embedded' });
    await app.register(authPlugin, {
      publicKey: keys.publicKey,
      issuer: 'taskflow',
      audience: 'taskflow-api',
    });
    await app.register(buildProjectionService, { sql, eventStore, logger });
    await app.ready();
    const projector = await startProjector({ sql, eventStore, logger });
    try {
      const userId = randomUUID();
      const projectId = randomUUID();
      await eventStore.appendToStream(
        userStream(userId),
        [
          {
            id: randomUUID(),
            ...makeEvent('UserRegistered', {
              userId,
              name: 'Ada',
              email: 'ada@example.com',
              preferences: DEFAULT_PREFERENCES,
            }),
            metadata: meta(userId),
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      const { position } = await eventStore.appendToStream(
        projectStream(projectId),
        [
          {
            id: randomUUID(),
            ...makeEvent('ProjectCreated', {
              projectId,
              name: 'Embedded',
              description: '',
              createdBy: userId,
            }),
            metadata: meta(userId),
          },
          {
            id: randomUUID(),
            ...makeEvent('MemberAdded', { projectId, userId, role: 'owner' }),
            metadata: meta(userId),
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      const token = signAccessToken({ userId, name: 'Ada', email: 'ada@example.com' }, keys.privateKey, {
        issuer: 'taskflow',
        audience: 'taskflow-api',
        ttlSeconds: 60,
      });
      const response = await app.inject({
        method: 'GET',
        url: `/api/projects/${projectId}`,
        headers: { authorization: `Bearer ${token}`, 'x-min-position': position },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        id: projectId,
        name: 'Embedded',
        description: '',
        members: [{ userId, name: 'Ada', role: 'owner' }],
      });
    } finally {
      await projector.stop();
      await app.close();
      await eventStore.close();
      await sql.close();
    }
  });
});

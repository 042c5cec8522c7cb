import type { FastifyInstance } from 'fastify';
import {
  type CommandHarness,
  registerAndLogin,
  SERVICE_TOKEN,
  startCommandService,
  type TestUser,
} from '../../../command-service/src/testing/harness.ts';

/**
 * The real command-service (its own harness, on a fresh database of the real PostgreSQL),
 * listening on a free port, so notify reaches it over HTTP like in production.
 */
export interface RunningCommandService {
  harness: CommandHarness;
  url: string;
  serviceToken: string;
  /** The position of the last command this helper sent (what a forwarder must reach). */
  lastPosition(): string | null;
  user(name: string): Promise<TestUser>;
  /** A project owned by `owner` with `members` added as members. */
  project(owner: TestUser, members: TestUser[]): Promise<string>;
  task(
    owner: TestUser,
    projectId: string,
    fields: { assigneeId?: string; deadline?: string; title?: string },
  ): Promise<string>;
  updateTask(actor: TestUser, taskId: string, changes: Record<string, unknown>): Promise<void>;
  removeMember(owner: TestUser, projectId: string, userId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startRealCommandService(): Promise<RunningCommandService> {
  const harness = await startCommandService();
  const app = harness.app as FastifyInstance;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let last: string | null = null;
  const ok = (response: { statusCode: number; body: string }, expected: number) => {
    if (response.statusCode !== expected) throw new Error(`HTTP ${response.statusCode}: ${response.body}`);
    const body = JSON.parse(response.body) as { id: string; position?: string };
    if (body.position) last = body.position;
    return body;
  };
  return {
    harness,
    url: `http://127.0.0.1:${port}`,
    serviceToken: SERVICE_TOKEN,
    lastPosition: () => last,
    user: (name) => registerAndLogin(app, name),
    async project(owner, members) {
      const project = ok(
        await app.inject({
          method: 'POST',
          url: '/api/projects',
          headers: owner.auth,
          payload: { name: 'Launch' },
        }),
        201,
      );
      for (const member of members) {
        ok(
          await app.inject({
            method: 'POST',
            url: `/api/projects/${project.id}/members`,
            headers: owner.auth,
            payload: { userId: member.id, role: 'member' },
          }),
          201,
        );
      }
      return project.id;
    },
    async task(owner, projectId, fields) {
      const payload = { projectId, title: fields.title ?? 'Write the report', ...fields };
      return ok(await app.inject({ method: 'POST', url: '/api/tasks', headers: owner.auth, payload }), 201)
        .id;
    },
    async updateTask(actor, taskId, changes) {
      ok(
        await app.inject({
          method: 'PATCH',
          url: `/api/tasks/${taskId}`,
          headers: actor.auth,
          payload: changes,
        }),
        200,
      );
    },
    async removeMember(owner, projectId, userId) {
      const response = await app.inject({
        method: 'DELETE',
        url: `/api/projects/${projectId}/members/${userId}`,
        headers: owner.auth,
      });
      if (response.statusCode !== 204) throw new Error(`HTTP ${response.statusCode}: ${response.body}`);
    },
    close: () => harness.close(),
  };
}

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestUser } from './harness.ts';

/** Asserts an RFC 9457 answer with this status and returns its body. */
export function expectProblem(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(response.body).not.toMatch(/\bat .+\.ts:\d+/); // never a stack trace
  return body as {
    status: number;
    title: string;
    detail?: string;
    errors?: { path: string; message: string }[];
  };
}

export interface Accepted {
  id: string;
  revision: number;
  position: string;
  etag: string;
}

function accepted(response: LightMyRequestResponse, status: number, what: string): Accepted {
  if (response.statusCode !== status) throw new Error(`${what}: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return { ...body, etag: String(response.headers.etag) };
}

export async function createProject(
  app: FastifyInstance,
  owner: TestUser,
  name = 'Project',
): Promise<Accepted> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: owner.auth,
    payload: { name },
  });
  return accepted(response, 201, 'create project');
}

export async function addMember(
  app: FastifyInstance,
  actor: TestUser,
  projectId: string,
  member: { id: string },
  role: 'owner' | 'manager' | 'member',
): Promise<Accepted> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/projects/${projectId}/members`,
    headers: actor.auth,
    payload: { userId: member.id, role },
  });
  return accepted(response, 201, 'add member');
}

export async function createTask(
  app: FastifyInstance,
  actor: TestUser,
  body: { projectId: string; title?: string } & Record<string, unknown>,
): Promise<Accepted> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/tasks',
    headers: actor.auth,
    payload: { title: 'A task', ...body },
  });
  return accepted(response, 201, 'create task');
}

export function patchTask(
  app: FastifyInstance,
  actor: TestUser,
  taskId: string,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'PATCH',
    url: `/api/tasks/${taskId}`,
    headers: { ...actor.auth, ...headers },
    payload,
  });
}

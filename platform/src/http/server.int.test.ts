import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logging/index.ts';
import { requireDatabaseUrl } from '../testing/index.ts';
import { ConflictError } from './errors.ts';
import { healthRoutes } from './health.ts';
import { type App, createHttpServer } from './server.ts';

describe('the shared HTTP server (real PostgreSQL behind /readyz)', () => {
  let app: App;
  let pool: pg.Pool;
  const programmerErrors: unknown[] = [];

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: requireDatabaseUrl(), max: 2 });
    app = await createHttpServer({
      logger: createLogger('test', 'silent'),
      title: 'test',
      bodyLimit: 1024,
      onProgrammerError: (error) => programmerErrors.push(error),
    });
    await app.register(healthRoutes, {
      checks: [
        { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
        { name: 'nowhere', check: async () => new Promise(() => {}) },
      ],
      timeoutMs: 200,
    });
    app.post(
      '/api/things',
      {
        schema: {
          body: z.object({ title: z.string().min(1) }).strict(),
          response: { 201: z.object({ id: z.string() }) },
        },
      },
      async (_request, reply) => reply.code(201).send({ id: 'x' }),
    );
    app.get('/api/ip', async (request) => ({ ip: request.ip }));
    app.get('/api/conflict', async () => {
      throw new ConflictError('already there');
    });
    app.get('/api/bug', async () => {
      throw new TypeError('undefined is not a function');
    });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  it('GET /healthz answers 200 without asking dependencies', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
  });

  it('GET /readyz reports each dependency and 503 when one does not answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.checks).toEqual([
      { name: 'postgres', ok: true },
      { name: 'nowhere', ok: false, error: 'no answer within 200 ms' },
    ]);
  });

  it('an unknown field is a 400 problem naming the field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/things',
      payload: { title: 'a', colour: 'red' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'body.colour' })]);
  });

  it('a missing field is a 400 problem naming the field', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/things', payload: {} });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'body.title' })]);
  });

  it('a body over the limit is 413, a wrong content type 415', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/things',
      payload: { title: 'x'.repeat(2000) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
    const text = await app.inject({
      method: 'POST',
      url: '/api/things',
      payload: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.statusCode).toBe(415);
  });

  it('a typed domain error keeps its status; an unexpected one is a bare 500 and reported', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/conflict' })).statusCode).toBe(409);
    const bug = await app.inject({ method: 'GET', url: '/api/bug' });
    expect(bug.statusCode).toBe(500);
    expect(bug.body).not.toContain('undefined is not a function');
    expect(programmerErrors).toHaveLength(1);
  });

  it('passes a well-formed X-Request-Id through and replaces a malformed one', async () => {
    const given = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const bad = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\nc' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI 3.1 document listing the routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/things');
  });
  it('believes X-Forwarded-For from a loopback peer (the gateway), so per-address limits see the client', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/ip',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(response.json()).toEqual({ ip: '203.0.113.7' });
    const direct = await app.inject({
      method: 'GET',
      url: '/api/ip',
      remoteAddress: '198.51.100.2',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(direct.json()).toEqual({ ip: '198.51.100.2' });
  });
});

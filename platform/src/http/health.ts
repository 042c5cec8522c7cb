import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A dependency the process needs to do its work; readiness asks each one. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface HealthOptions {
  checks: ReadinessCheck[];
  /** How long one check may take before it counts as failed. */
  timeoutMs?: number;
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz says the process lives (no dependency is asked, so a slow database never gets a live
 * process restarted); /readyz says whether every dependency answers right now.
 */
export const healthRoutes = fp<HealthOptions>(
  async (app: FastifyInstance, options) => {
    const timeoutMs = options.timeoutMs ?? 2000;
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const results = await Promise.all(
        options.checks.map(async ({ name, check }) => {
          try {
            await withTimeout(check(), timeoutMs);
            return { name, ok: true as const };
          } catch (error) {
            return {
              name,
              ok: false as const,
              error: error instanceof Error ? error.message : String(error),
            };
          }
        }),
      );
      const ready = results.every((result) => result.ok);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
    });
  },
  { name: 'taskflow-health' },
);

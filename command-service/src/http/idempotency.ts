import { createHash } from 'node:crypto';
import { ConflictError, UnprocessableError, ValidationError } from '@taskflow/platform';
import type { SqlClient } from '@taskflow/platform/sql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * `Idempotency-Key`: the first response to a key is stored and replayed for every repeat with
 * the same body; a repeat with another body is 422. The key is reserved before the command runs,
 * so two concurrent repeats never both run (the second gets 409 while the first is in flight).
 * The command's ids are derived from the key (see `commandIdentity`), so even a crash between
 * append and storing the response re-runs into the same events, which the store deduplicates.
 */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const STALE_RESERVATION_MS = 60_000;
const IN_FLIGHT = 0;

const RETENTION = '24 hours';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { key: string; scope: string } | null;
  }
  interface FastifyContextConfig {
    /** false: the route's responses hold secrets (tokens) and are never stored or replayed. */
    idempotent?: boolean;
  }
}

interface StoredRow {
  request_hash: string;
  status_code: number;
  headers: Record<string, string>;
  body: unknown;
  created_at: Date | string;
}

const scopeOf = (request: FastifyRequest) => (request.user ? `user:${request.user.userId}` : 'anonymous');

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

export const idempotencyPlugin = fp<{ sql: SqlClient }>(
  async (app: FastifyInstance, { sql }) => {
    app.decorateRequest('idempotency', null);

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers['idempotency-key'];
      if (header === undefined || request.method === 'GET' || request.method === 'HEAD') return;
      if (request.routeOptions.config.idempotent === false) return;
      if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
        throw new ValidationError('Idempotency-Key must be 1-255 visible ASCII characters', {
          errors: [{ path: 'headers.idempotency-key', message: 'invalid' }],
        });
      }
      const scope = scopeOf(request);
      const hash = requestHash(request);
      // A key is remembered for a day, long enough for any client retry; then it may be reused.
      await sql.query(
        `DELETE FROM command.idempotency WHERE user_key = $1 AND idempotency_key = $2
            AND created_at < now() - interval '${RETENTION}'`,
        [scope, header],
      );
      const reserved = await sql.query(
        `INSERT INTO command.idempotency (user_key, idempotency_key, request_hash, status_code, headers, body)
         VALUES ($1, $2, $3, ${IN_FLIGHT}, '{}', 'null') ON CONFLICT DO NOTHING`,
        [scope, header, hash],
      );
      if (reserved.rowCount === 1) {
        request.idempotency = { key: header, scope };
        return;
      }
      const { rows } = await sql.query<StoredRow>(
        `SELECT request_hash, status_code, headers, body, created_at FROM command.idempotency
          WHERE user_key = $1 AND idempotency_key = $2`,
        [scope, header],
      );
      const stored = rows[0];
      if (!stored) throw new ConflictError('Idempotency-Key was just released; retry');
      if (stored.request_hash !== hash) {
        throw new UnprocessableError('Idempotency-Key was already used with a different request');
      }
      if (stored.status_code === IN_FLIGHT) {
        const age = Date.now() - new Date(stored.created_at).getTime();
        if (age < STALE_RESERVATION_MS)
          throw new ConflictError('A request with this Idempotency-Key is in progress');
        request.idempotency = { key: header, scope };
        return;
      }
      return reply
        .code(stored.status_code)
        .headers({ ...stored.headers, 'idempotent-replayed': 'true' })
        .send(stored.body);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const idempotency = request.idempotency;
      if (!idempotency) return payload;
      if (reply.statusCode >= 200 && reply.statusCode < 300) {
        const headers: Record<string, string> = {};
        for (const name of ['location', 'etag', 'content-type']) {
          const value = reply.getHeader(name);
          if (typeof value === 'string') headers[name] = value;
        }
        await sql.query(
          `UPDATE command.idempotency SET status_code = $3, headers = $4, body = $5
            WHERE user_key = $1 AND idempotency_key = $2`,
          [
            idempotency.scope,
            idempotency.key,
            reply.statusCode,
            JSON.stringify(headers),
            typeof payload === 'string' && payload.length > 0 ? payload : 'null',
          ],
        );
      } else {
        // A refused request changed nothing: release the key so a corrected retry can use it.
        await sql.query('DELETE FROM command.idempotency WHERE user_key = $1 AND idempotency_key = $2', [
          idempotency.scope,
          idempotency.key,
        ]);
      }
      return payload;
    });
  },
  { name: 'taskflow-idempotency', dependencies: ['taskflow-auth'] },
);

/**
 * Ids for one command: derived from the idempotency key when there is one (so a re-run after a
 * crash produces the same entity and event ids), random otherwise.
 */
export function commandSeed(request: FastifyRequest): string | null {
  return request.idempotency ? `${request.idempotency.scope}\n${request.idempotency.key}` : null;
}

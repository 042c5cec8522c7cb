import { createPublicKey } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from '../http/errors.ts';
import {
  type AccessTokenClaims,
  bearerToken,
  secretsMatch,
  type TokenSettings,
  verifyAccessToken,
} from './tokens.ts';

export interface AuthOptions extends TokenSettings {
  publicKey: string;
  /** Shared secret internal callers (other services) present as `Bearer <token>`. */
  serviceToken?: string;
  /** Shared secret operators present for operator-only routes. */
  operatorToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by `requireUser`. */
    user: AccessTokenClaims;
  }
  interface FastifyInstance {
    requireUser: (request: FastifyRequest) => Promise<void>;
    requireService: (request: FastifyRequest) => Promise<void>;
    requireOperatorOrService: (request: FastifyRequest) => Promise<void>;
    verifyToken: (token: string) => AccessTokenClaims;
  }
}

/** Authentication hooks shared by every service; routes opt in with `onRequest: app.requireUser`. */
export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, options) => {
    // Parsed once: re-reading the PEM on every request cost ~6% of a command's CPU.
    const publicKey = createPublicKey(options.publicKey);
    const verifyToken = (token: string) => verifyAccessToken(token, publicKey, options);
    const presented = (request: FastifyRequest) => bearerToken(request.headers.authorization);
    const matches = (token: string | null, secret: string | undefined) =>
      token !== null && secret !== undefined && secret.length > 0 && secretsMatch(token, secret);

    app.decorateRequest('user', null as unknown as AccessTokenClaims);
    app.decorate('verifyToken', verifyToken);
    app.decorate('requireUser', async (request: FastifyRequest) => {
      const token = presented(request);
      if (!token) throw new UnauthorizedError('missing bearer token');
      request.user = verifyToken(token);
    });
    app.decorate('requireService', async (request: FastifyRequest) => {
      const token = presented(request);
      if (!token) throw new UnauthorizedError('missing service token');
      if (!matches(token, options.serviceToken)) throw new ForbiddenError('service identity required');
    });
    app.decorate('requireOperatorOrService', async (request: FastifyRequest) => {
      const token = presented(request);
      if (!token) throw new UnauthorizedError('missing operator or service token');
      if (!matches(token, options.operatorToken) && !matches(token, options.serviceToken)) {
        throw new ForbiddenError('operator or service identity required');
      }
    });
  },
  { name: 'taskflow-auth' },
);

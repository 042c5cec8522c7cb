import { createPrivateKey } from 'node:crypto';
import {
  emailReservationStream,
  LoginBody,
  LogoutBody,
  makeEvent,
  normaliseEmail,
  RefreshBody,
  RegisterBody,
  RegisteredUser,
  TokenPair,
  userStream,
} from '@taskflow/contracts';
import { ConflictError, signAccessToken, UnauthorizedError } from '@taskflow/platform';
import { WrongExpectedRevisionError } from '@taskflow/platform/eventstore';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FeatureDeps } from '../app.ts';
import { type CommandContext, entityIdFor, runCommand, toNewEvents } from '../command-runner.ts';
import { commandContextFor } from '../http/context.ts';
import * as userDecider from '../users/decider.ts';
import { findCredentialsByEmail, findCredentialsById, saveCredentials } from './credentials.ts';
import { issueRefreshToken, revokeRefreshToken, rotateRefreshToken } from './refresh-tokens.ts';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE } from './throttle.ts';

const tags = ['auth'];
const ABANDONED_RESERVATION_MS = 60_000;

/** Register, login, refresh, logout: the only routes reachable without an access token. */
export async function authRoutes(root: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { sql, eventStore, hasher, tokens, clock } = deps;
  const throttle = createLoginThrottle(deps.loginThrottle ?? DEFAULT_LOGIN_THROTTLE);
  // Verified against when the email is unknown, so both failures take the same time.
  const decoyHash = await hasher.hash('decoy password that never matches');
  const signingKey = createPrivateKey(tokens.privateKey);

  const tokenPair = async (userId: string, name: string, email: string, refreshToken: string) => ({
    accessToken: signAccessToken({ userId, name, email }, signingKey, tokens),
    refreshToken,
    tokenType: 'Bearer' as const,
    expiresIn: tokens.ttlSeconds,
  });

  /**
   * Claims the email with a `no_stream` append on its reservation stream. A reservation whose
   * user never got registered (a crash in between) is finished by a later attempt, once it is
   * old enough that nobody is still working on it.
   */
  async function reserveEmail(email: string, userId: string, context: CommandContext): Promise<string> {
    const stream = emailReservationStream(email);
    const reservation = toNewEvents([makeEvent('EmailReserved', { email, userId })], context, stream, 0);
    try {
      await eventStore.appendToStream(stream, reservation, { expectedRevision: 'no_stream' });
      return userId;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    const [existing] = await eventStore.readStream(stream, { limit: 1 });
    const owner = existing?.data.userId;
    if (typeof owner !== 'string') throw new ConflictError('That email is already registered');
    const registered = await eventStore.readStream(userStream(owner), { limit: 1 });
    const age = clock().getTime() - new Date(existing!.recordedAt).getTime();
    if (registered.length > 0 || age < ABANDONED_RESERVATION_MS) {
      throw new ConflictError('That email is already registered');
    }
    return owner;
  }

  app.post(
    '/api/auth/register',
    { schema: { tags, body: RegisterBody, response: { 201: RegisteredUser } } },
    async (request, reply) => {
      const context = commandContextFor(request, clock());
      const email = normaliseEmail(request.body.email);
      const passwordHash = await hasher.hash(request.body.password);
      const userId = await reserveEmail(email, entityIdFor(context.commandId, 'user'), context);
      await saveCredentials(sql, {
        userId,
        email,
        emailNormalised: email,
        name: request.body.name,
        passwordHash,
      });
      await runCommand({
        store: eventStore,
        streamId: userStream(userId),
        decider: userDecider,
        command: {
          type: 'RegisterUser',
          userId,
          name: request.body.name,
          email,
          now: context.now,
        },
        context: { ...context, actor: userId },
      });
      return reply
        .code(201)
        .header('location', '/api/users/me')
        .send({ id: userId, name: request.body.name, email });
    },
  );

  app.post(
    '/api/auth/login',
    { config: { idempotent: false }, schema: { tags, body: LoginBody, response: { 200: TokenPair } } },
    async (request) => {
      const email = normaliseEmail(request.body.email);
      await throttle.admit(email, request.ip);
      const credentials = await findCredentialsByEmail(sql, email);
      const matches = await hasher.verify(credentials?.passwordHash ?? decoyHash, request.body.password);
      if (!credentials || !matches) {
        await throttle.failed(email);
        throw new UnauthorizedError('Wrong email or password');
      }
      await throttle.succeeded(email);
      const refreshToken = await issueRefreshToken(sql, credentials.userId, clock());
      return tokenPair(credentials.userId, credentials.name, credentials.email, refreshToken);
    },
  );

  app.post(
    '/api/auth/refresh',
    { config: { idempotent: false }, schema: { tags, body: RefreshBody, response: { 200: TokenPair } } },
    async (request) => {
      const { userId, refreshToken } = await rotateRefreshToken(sql, request.body.refreshToken, clock());
      const credentials = await findCredentialsById(sql, userId);
      if (!credentials) throw new UnauthorizedError('invalid refresh token');
      return tokenPair(userId, credentials.name, credentials.email, refreshToken);
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { idempotent: false }, schema: { tags, body: LogoutBody, response: { 204: z.null() } } },
    async (request, reply) => {
      await revokeRefreshToken(sql, request.body.refreshToken, clock());
      return reply.code(204).send(null);
    },
  );
}

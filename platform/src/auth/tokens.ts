import { createHash, generateKeyPairSync, type KeyObject, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { UnauthorizedError } from '../http/errors.ts';

/**
 * Access tokens are ES256 JWTs: command-service signs with the private key, every service
 * verifies with the public key, and the algorithm is pinned on both sides, so `alg: none`,
 * HS256-with-the-public-key and any other algorithm are refused before the signature is looked at.
 */
export const ACCESS_TOKEN_ALGORITHM = 'ES256' as const;
export const ACCESS_TOKEN_TYPE = 'access';
const CLOCK_TOLERANCE_SECONDS = 5;

export interface TokenSettings {
  issuer: string;
  audience: string;
}

export interface AccessTokenClaims {
  userId: string;
  name: string;
  email: string;
}

const accessPayload = z.object({
  sub: z.uuid(),
  name: z.string(),
  email: z.string(),
  typ: z.literal(ACCESS_TOKEN_TYPE),
  iat: z.number(),
  exp: z.number(),
});

export interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

export function generateSigningKeys(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function signAccessToken(
  claims: AccessTokenClaims,
  privateKey: string | KeyObject,
  settings: TokenSettings & { ttlSeconds: number },
): string {
  return jwt.sign({ name: claims.name, email: claims.email, typ: ACCESS_TOKEN_TYPE }, privateKey, {
    algorithm: ACCESS_TOKEN_ALGORITHM,
    subject: claims.userId,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: settings.ttlSeconds,
  });
}

/** Returns the caller's identity or throws a 401; every service calls this one function. */
export function verifyAccessToken(
  token: string,
  publicKey: string | KeyObject,
  settings: TokenSettings,
): AccessTokenClaims {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, publicKey, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
  } catch (error) {
    const reason = error instanceof jwt.TokenExpiredError ? 'expired token' : 'invalid token';
    throw new UnauthorizedError(reason);
  }
  const payload = accessPayload.safeParse(decoded);
  if (!payload.success) throw new UnauthorizedError('invalid token');
  return { userId: payload.data.sub, name: payload.data.name, email: payload.data.email };
}

/** Constant-time comparison of shared secrets (operator and service tokens). */
export function secretsMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  return match?.[1] ?? null;
}

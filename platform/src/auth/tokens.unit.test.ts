import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../http/errors.ts';
import {
  bearerToken,
  generateSigningKeys,
  secretsMatch,
  signAccessToken,
  verifyAccessToken,
} from './tokens.ts';

const keys = generateSigningKeys();
const settings = { issuer: 'taskflow', audience: 'taskflow-api' };
const claims = { userId: randomUUID(), name: 'Ada', email: 'ada@example.com' };
const valid = () => signAccessToken(claims, keys.privateKey, { ...settings, ttlSeconds: 900 });
const refused = (token: string) => () => verifyAccessToken(token, keys.publicKey, settings);

describe('access tokens', () => {
  it('given a token we signed, when verified, then the claims come back', () => {
    expect(verifyAccessToken(valid(), keys.publicKey, settings)).toEqual(claims);
  });

  it('given alg none, then 401', () => {
    const unsigned = jwt.sign({ ...claims, sub: claims.userId, typ: 'access' }, '', {
      algorithm: 'none',
      issuer: settings.issuer,
      audience: settings.audience,
    });
    expect(refused(unsigned)).toThrow(UnauthorizedError);
  });

  it('given HS256 signed with the public key (algorithm confusion), then 401', () => {
    const forged = jwt.sign({ name: 'x', email: 'x', typ: 'access' }, keys.publicKey, {
      algorithm: 'HS256',
      subject: claims.userId,
      issuer: settings.issuer,
      audience: settings.audience,
    });
    expect(refused(forged)).toThrow(UnauthorizedError);
  });

  it('given another key pair, a wrong audience or a wrong issuer, then 401', () => {
    const other = generateSigningKeys();
    expect(refused(signAccessToken(claims, other.privateKey, { ...settings, ttlSeconds: 900 }))).toThrow(
      UnauthorizedError,
    );
    expect(
      refused(signAccessToken(claims, keys.privateKey, { ...settings, audience: 'x', ttlSeconds: 900 })),
    ).toThrow(UnauthorizedError);
    expect(
      refused(signAccessToken(claims, keys.privateKey, { ...settings, issuer: 'x', ttlSeconds: 900 })),
    ).toThrow(UnauthorizedError);
  });

  it('given an expired token beyond the clock tolerance, then 401 saying expired', () => {
    const expired = signAccessToken(claims, keys.privateKey, { ...settings, ttlSeconds: -60 });
    expect(refused(expired)).toThrow('expired token');
  });

  it('given a tampered payload, then 401', () => {
    const [header, , signature] = valid().split('.');
    const payload = Buffer.from(JSON.stringify({ sub: randomUUID(), typ: 'access' })).toString('base64url');
    expect(refused(`${header}.${payload}.${signature}`)).toThrow(UnauthorizedError);
  });

  it('given a correctly signed token of another type (not access), then 401', () => {
    const refreshLike = jwt.sign({ name: 'x', email: 'x', typ: 'refresh' }, keys.privateKey, {
      algorithm: 'ES256',
      subject: claims.userId,
      issuer: settings.issuer,
      audience: settings.audience,
    });
    expect(refused(refreshLike)).toThrow(UnauthorizedError);
  });
});

describe('bearer header and shared secrets', () => {
  it('extracts a bearer token and refuses other schemes', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('compares secrets whatever their lengths', () => {
    expect(secretsMatch('s3cret', 's3cret')).toBe(true);
    expect(secretsMatch('s3cret', 's3cret-longer')).toBe(false);
  });
});

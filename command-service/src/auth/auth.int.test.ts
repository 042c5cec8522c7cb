import { randomUUID } from 'node:crypto';
import { emailReservationStream, userStream } from '@taskflow/contracts';
import { generateSigningKeys, signAccessToken } from '@taskflow/platform';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedDuring, storedEvents, streamEvents } from '../testing/events.ts';
import {
  type CommandHarness,
  registerAndLogin,
  startCommandService,
  type TestUser,
  TOKEN_SETTINGS,
} from '../testing/harness.ts';
import { expectProblem } from '../testing/http.ts';

const PASSWORD = 'a perfectly fine passphrase';
const THROTTLE = { perEmail: 3, perAddress: 50, windowSeconds: 60 };
const QUIET = { email: { taskAssigned: true, statusChanged: false, deadlineApproaching: true } };

describe('auth and users through HTTP (real PostgreSQL)', () => {
  let h: CommandHarness;
  /** Every secret this file hands out, to prove none of them reached an event. */
  const secrets = new Set<string>([PASSWORD, 'correct horse battery staple']);

  const register = (payload: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: '/api/auth/register', payload });
  const login = (email: string, password: string, remoteAddress?: string) =>
    h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      ...(remoteAddress ? { remoteAddress } : {}),
    });
  const refresh = (refreshToken: string) =>
    h.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
  const putPreferences = (authorization: string, payload: Record<string, unknown> = QUIET) =>
    h.app.inject({ method: 'PUT', url: '/api/users/me/preferences', headers: { authorization }, payload });
  const uniqueEmail = (local: string) => `${local}.${randomUUID().slice(0, 8)}@Example.COM`;

  async function newUser(local = 'someone'): Promise<{ email: string; id: string }> {
    const email = uniqueEmail(local);
    const response = await register({ name: local, email, password: PASSWORD });
    expect(response.statusCode, response.body).toBe(201);
    return { email, id: response.json().id };
  }

  async function loginTokens(email: string) {
    const response = await login(email, PASSWORD);
    expect(response.statusCode, response.body).toBe(200);
    const tokens = response.json();
    secrets.add(tokens.refreshToken);
    return tokens as { accessToken: string; refreshToken: string };
  }

  beforeAll(async () => {
    h = await startCommandService({ loginThrottle: THROTTLE });
  });
  afterAll(async () => h?.close());

  describe('register', () => {
    it('given a new email in mixed case, when registering, then 201 with the normalised email and a user stream', async () => {
      const email = uniqueEmail('Grace.Hopper');
      const { result: response, events } = await appendedDuring(h.sql, () =>
        register({ name: 'Grace Hopper', email, password: PASSWORD }),
      );
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      expect(body).toEqual({ id: expect.any(String), name: 'Grace Hopper', email: email.toLowerCase() });
      expect(events.map((event) => [event.streamId, event.type])).toEqual([
        [emailReservationStream(email), 'EmailReserved'],
        [userStream(body.id), 'UserRegistered'],
      ]);
      expect(events[1]?.data).toMatchObject({ userId: body.id, email: email.toLowerCase() });
    });

    it('given a taken email, when registering it again in another case, then 409 and nothing appended', async () => {
      const { email } = await newUser('taken');
      const { result: response, events } = await appendedDuring(h.sql, () =>
        register({ name: 'Impostor', email: email.toUpperCase(), password: PASSWORD }),
      );
      expectProblem(response, 409);
      expect(events).toEqual([]);
    });

    it('given two concurrent registrations of one email, then exactly one 201 and one user', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all([
        register({ name: 'First', email, password: PASSWORD }),
        register({ name: 'Second', email: email.toLowerCase(), password: PASSWORD }),
      ]);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409]);
      const registered = (await storedEvents(h.sql)).filter(
        (event) => event.type === 'UserRegistered' && event.data.email === email.toLowerCase(),
      );
      expect(registered).toHaveLength(1);
    });

    it.each([
      ['an unknown field', { isAdmin: true }, 'body.isAdmin'],
      ['a malformed email', { email: 'not-an-email' }, 'body.email'],
      ['no name', { name: undefined }, 'body.name'],
      ['a password one character too short', { password: 'x'.repeat(7) }, 'body.password'],
    ])(
      'given %s, when registering, then 400 problem+json naming the field and nothing appended',
      async (_, override, path) => {
        const payload = { name: 'Val', email: uniqueEmail('val'), password: PASSWORD, ...override };
        const { result: response, events } = await appendedDuring(h.sql, () => register(payload));
        const problem = expectProblem(response, 400);
        expect(problem.errors?.map((error) => error.path)).toEqual([path]);
        expect(events).toEqual([]);
      },
    );
  });

  describe('login', () => {
    it('given a registered user, when logging in with any case of the email, then 200 with a token pair', async () => {
      const { email, id } = await newUser('login');
      const response = await login(email.toUpperCase(), PASSWORD);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
      expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(h.app.verifyToken(body.accessToken)).toMatchObject({ userId: id, email: email.toLowerCase() });
      expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/); // opaque, not a JWT
      secrets.add(body.refreshToken);
    });

    it('given a wrong password and an unknown email, then the same 401 answer for both', async () => {
      const { email } = await newUser('same');
      const wrongPassword = await login(email, 'not the password');
      const unknownEmail = await login(uniqueEmail('nobody'), PASSWORD);
      const a = expectProblem(wrongPassword, 401);
      const b = expectProblem(unknownEmail, 401);
      expect(a).toEqual(b);
      expect(wrongPassword.headers['www-authenticate']).toBe(unknownEmail.headers['www-authenticate']);
    });

    it('given too many failed logins for one email, then 429 with Retry-After, even with the right password', async () => {
      const { email } = await newUser('brute');
      for (let attempt = 0; attempt < THROTTLE.perEmail; attempt++) {
        expect((await login(email, `guess ${attempt}`)).statusCode).toBe(401);
      }
      const throttled = await login(email, PASSWORD);
      expectProblem(throttled, 429);
      const retryAfter = Number(throttled.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(THROTTLE.windowSeconds);
    });

    it('given failures below the limit, when the right password comes, then the count starts again', async () => {
      const { email } = await newUser('forgetful');
      for (let round = 0; round < 2; round++) {
        for (let attempt = 0; attempt < THROTTLE.perEmail - 1; attempt++) {
          expect((await login(email, 'typo')).statusCode).toBe(401);
        }
        expect((await login(email, PASSWORD)).statusCode).toBe(200);
      }
    });

    it('given one client address spraying many emails, then 429 once its budget is spent', async () => {
      const address = '198.51.100.23';
      for (let attempt = 0; attempt < THROTTLE.perAddress; attempt++) {
        expect((await login(uniqueEmail('spray'), PASSWORD, address)).statusCode).toBe(401);
      }
      const throttled = await login(uniqueEmail('spray'), PASSWORD, address);
      expectProblem(throttled, 429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another address is not punished for it.
      expect((await login(uniqueEmail('spray'), PASSWORD, '198.51.100.24')).statusCode).toBe(401);
    });
  });

  describe('refresh and logout', () => {
    it('given a refresh token, when used, then a new pair; reusing the old one is 401 and revokes the new one too', async () => {
      const { email, id } = await newUser('rotate');
      const first = await loginTokens(email);
      const rotated = await refresh(first.refreshToken);
      expect(rotated.statusCode, rotated.body).toBe(200);
      const second = rotated.json();
      secrets.add(second.refreshToken);
      expect(second).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(h.app.verifyToken(second.accessToken).userId).toBe(id);

      expectProblem(await refresh(first.refreshToken), 401);
      expectProblem(await refresh(second.refreshToken), 401);
    });

    it('given two concurrent refreshes with one token, then exactly one 200 and the family is revoked after', async () => {
      const { email } = await newUser('twice');
      const { refreshToken } = await loginTokens(email);
      const responses = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 401]);
      const winner = responses.find((response) => response.statusCode === 200)!.json();
      secrets.add(winner.refreshToken);
      expectProblem(await refresh(winner.refreshToken), 401);
    });

    it('given another login of the same user, when one family is revoked, then the other still works', async () => {
      const { email } = await newUser('devices');
      const laptop = await loginTokens(email);
      const phone = await loginTokens(email);
      const rotated = await refresh(laptop.refreshToken);
      expect(rotated.statusCode).toBe(200);
      expectProblem(await refresh(laptop.refreshToken), 401); // reuse: laptop family revoked
      const phoneRefresh = await refresh(phone.refreshToken);
      expect(phoneRefresh.statusCode, phoneRefresh.body).toBe(200);
      secrets.add(phoneRefresh.json().refreshToken);
    });

    it('given a logout, when its refresh token is used, then 401', async () => {
      const { email } = await newUser('leaving');
      const { refreshToken } = await loginTokens(email);
      const logout = await h.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        payload: { refreshToken },
      });
      expect(logout.statusCode).toBe(204);
      expect(logout.body).toBe('');
      expectProblem(await refresh(refreshToken), 401);
    });

    it('given an unknown refresh token, then refresh is 401 and logout still 204', async () => {
      expectProblem(await refresh('not-a-token-we-issued'), 401);
      const logout = await h.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        payload: { refreshToken: 'not-a-token-we-issued' },
      });
      expect(logout.statusCode).toBe(204);
    });
  });

  describe('access tokens on a protected route', () => {
    let ada: TestUser;
    beforeAll(async () => {
      ada = await registerAndLogin(h.app, 'Ada');
      secrets.add(ada.refreshToken);
    });

    const claims = () => ({ userId: ada.id, name: ada.name, email: ada.email });
    const forged: [string, () => string][] = [
      ['a refresh token presented as access token', () => ada.refreshToken],
      [
        'a token signed with another key',
        () =>
          signAccessToken(claims(), generateSigningKeys().privateKey, { ...TOKEN_SETTINGS, ttlSeconds: 900 }),
      ],
      [
        'an unsigned token (alg none)',
        () =>
          jwt.sign({ name: ada.name, email: ada.email, typ: 'access' }, '', {
            algorithm: 'none',
            subject: ada.id,
            ...TOKEN_SETTINGS,
          }),
      ],
      [
        'an HS256 token keyed with the public key',
        () =>
          jwt.sign({ name: ada.name, email: ada.email, typ: 'access' }, h.keys.publicKey, {
            algorithm: 'HS256',
            subject: ada.id,
            ...TOKEN_SETTINGS,
          }),
      ],
      [
        'a token for another audience',
        () =>
          signAccessToken(claims(), h.keys.privateKey, {
            ...TOKEN_SETTINGS,
            audience: 'elsewhere',
            ttlSeconds: 900,
          }),
      ],
      [
        'a token from another issuer',
        () =>
          signAccessToken(claims(), h.keys.privateKey, {
            ...TOKEN_SETTINGS,
            issuer: 'mallory',
            ttlSeconds: 900,
          }),
      ],
      [
        'an expired token',
        () => signAccessToken(claims(), h.keys.privateKey, { ...TOKEN_SETTINGS, ttlSeconds: -60 }),
      ],
      [
        'a token whose payload was swapped',
        () => {
          const [header, , signature] = ada.accessToken.split('.');
          const payload = Buffer.from(
            JSON.stringify({
              sub: randomUUID(),
              name: 'x',
              email: 'x',
              typ: 'access',
              iat: 1,
              exp: 4_000_000_000,
            }),
          ).toString('base64url');
          return `${header}.${payload}.${signature}`;
        },
      ],
    ];

    it('given a valid access token, then the route answers 200 (so the refusals below are about the token)', async () => {
      const response = await putPreferences(ada.auth.authorization, {
        email: { taskAssigned: true, statusChanged: true, deadlineApproaching: true },
      });
      expect(response.statusCode, response.body).toBe(200);
    });

    it.each(forged)('given %s, then 401 and nothing appended', async (_, token) => {
      const { result: response, events } = await appendedDuring(h.sql, () =>
        putPreferences(`Bearer ${token()}`),
      );
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(events).toEqual([]);
    });

    it('given no Authorization header or another scheme, then 401', async () => {
      expectProblem(
        await h.app.inject({ method: 'PUT', url: '/api/users/me/preferences', payload: QUIET }),
        401,
      );
      expectProblem(await putPreferences(`Basic ${Buffer.from('ada:pw').toString('base64')}`), 401);
    });
  });

  describe('preferences', () => {
    it('given new preferences, when PUT, then 200 with the next revision; the same PUT again appends nothing', async () => {
      const grace = await registerAndLogin(h.app, 'Grace');
      secrets.add(grace.refreshToken);
      const changed = await appendedDuring(h.sql, () => putPreferences(grace.auth.authorization));
      expect(changed.result.statusCode, changed.result.body).toBe(200);
      expect(changed.result.json()).toEqual({ id: grace.id, revision: 2, position: expect.any(String) });
      expect(changed.result.headers.etag).toBe('"2"');
      expect(changed.events.map((event) => [event.streamId, event.type, event.data])).toEqual([
        [userStream(grace.id), 'UserPreferencesChanged', { userId: grace.id, preferences: QUIET }],
      ]);

      const again = await appendedDuring(h.sql, () => putPreferences(grace.auth.authorization));
      expect(again.result.statusCode).toBe(200);
      expect(again.result.json()).toEqual(changed.result.json());
      expect(again.events).toEqual([]);
      expect(await streamEvents(h.sql, userStream(grace.id))).toHaveLength(2);
    });

    it('given a partial or unknown preference, then 400 naming it', async () => {
      const grace = await registerAndLogin(h.app, 'Grace');
      secrets.add(grace.refreshToken);
      const unknown = await putPreferences(grace.auth.authorization, {
        email: { ...QUIET.email, sms: true },
      });
      expect(expectProblem(unknown, 400).errors?.map((error) => error.path)).toEqual(['body.email.sms']);
      const partial = await putPreferences(grace.auth.authorization, { email: { taskAssigned: false } });
      expect(
        expectProblem(partial, 400)
          .errors?.map((error) => error.path)
          .sort(),
      ).toEqual(['body.email.deadlineApproaching', 'body.email.statusChanged']);
    });
  });

  it('given everything above, then no event anywhere holds a password, a hash or a refresh token', async () => {
    const events = await storedEvents(h.sql);
    expect(events.length).toBeGreaterThan(10);
    const serialised = events.map((event) => JSON.stringify(event));
    expect(secrets.size).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(serialised.filter((text) => text.includes(secret))).toEqual([]);
    }
    expect(serialised.filter((text) => /\$argon2|password|hash/i.test(text))).toEqual([]);
    // The hashes do exist, where they belong.
    const { rows } = await h.sql.query<{ password_hash: string }>(
      'SELECT password_hash FROM command.credentials',
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });
});

import { describe, expect, it } from 'vitest';
import { accessTokenOf, chooseProtocol, originAllowed, redactedUrl } from './handshake.ts';
import { SentIds } from './sent-ids.ts';
import { createFrameThrottle } from './throttle.ts';

describe('the upgrade rules', () => {
  it('given the token in the query or as the subprotocol pair, when read, then that token; otherwise null', () => {
    expect(accessTokenOf({ access_token: 'a.b.c' }, undefined)).toBe('a.b.c');
    expect(accessTokenOf({}, 'bearer, x.y.z')).toBe('x.y.z');
    expect(accessTokenOf({}, ['bearer', 'x.y.z'])).toBe('x.y.z');
    expect(accessTokenOf({}, 'bearer')).toBeNull();
    expect(accessTokenOf({ access_token: '' }, 'chat, v2')).toBeNull();
    expect(accessTokenOf(null, undefined)).toBeNull();
  });

  it('given offered subprotocols, when choosing, then "bearer" only when offered (never the token)', () => {
    expect(chooseProtocol(new Set(['bearer', 'x.y.z']))).toBe('bearer');
    expect(chooseProtocol(new Set(['chat']))).toBe(false);
  });

  it('given an Origin, when checked against the allowlist, then exact origins pass, foreign and "null" are refused, absent passes', () => {
    const allow = ['https://app.example.com', 'http://localhost:8080/'];
    expect(originAllowed('https://app.example.com', allow)).toBe(true);
    expect(originAllowed('http://localhost:8080', allow)).toBe(true);
    expect(originAllowed('https://app.example.com.evil.net', allow)).toBe(false);
    expect(originAllowed('http://app.example.com', allow)).toBe(false);
    expect(originAllowed('null', allow)).toBe(false);
    expect(originAllowed(undefined, allow)).toBe(true);
    expect(originAllowed('https://anything.example', ['*'])).toBe(true);
  });

  it('given a URL with the token, when logged, then the token is redacted', () => {
    expect(redactedUrl('/ws/notifications?x=1&access_token=secret.jwt&y=2')).toBe(
      '/ws/notifications?x=1&access_token=[redacted]&y=2',
    );
  });
});

describe('per-socket bookkeeping', () => {
  it('given a burst of 3 at 2 per second, when 5 frames come at once, then 3 pass; after half a second one more', () => {
    let now = 0;
    const throttle = createFrameThrottle({ burst: 3, perSecond: 2 }, () => now);
    expect(Array.from({ length: 5 }, () => throttle.take())).toEqual([true, true, true, false, false]);
    now = 500;
    expect([throttle.take(), throttle.take()]).toEqual([true, false]);
  });

  it('given a bound of 3 ids, when a fourth is added, then the oldest is forgotten', () => {
    const ids = new SentIds(3);
    for (const id of ['a', 'b', 'c', 'b', 'd']) ids.add(id);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    expect(ids.size).toBe(3);
  });
});

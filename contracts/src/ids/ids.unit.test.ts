import { describe, expect, it } from 'vitest';
import {
  emailReservationStream,
  inboxStream,
  normaliseEmail,
  parseStreamId,
  projectStream,
  taskStream,
  userStream,
} from './index.ts';

const ID = '11111111-1111-4111-8111-111111111111';

describe('stream ids', () => {
  it('names each aggregate stream by its prefix', () => {
    expect([taskStream(ID), projectStream(ID), userStream(ID), inboxStream(ID)]).toEqual([
      `task-${ID}`,
      `project-${ID}`,
      `user-${ID}`,
      `inbox-${ID}`,
    ]);
  });

  it('reserves an email under its normalised form, so case variants collide', () => {
    expect(emailReservationStream(' Alice@Example.COM ')).toBe(emailReservationStream('alice@example.com'));
    expect(emailReservationStream('alice@example.com')).toBe('email-alice@example.com');
  });

  it('reads a stream id back into kind and id', () => {
    expect(parseStreamId(taskStream(ID))).toEqual({ kind: 'task', id: ID });
    expect(parseStreamId('email-a@b.c')).toEqual({ kind: 'email', id: 'a@b.c' });
    expect(parseStreamId('task-')).toBeNull();
    expect(parseStreamId('$projections')).toBeNull();
  });
});

describe('normaliseEmail', () => {
  it('trims, lower-cases and composes accents', () => {
    expect(normaliseEmail('  José@Example.com ')).toBe('josé@example.com');
    expect(normaliseEmail('Jose\u0301@example.com')).toBe(normaliseEmail('Jos\u00e9@example.com'));
  });
});

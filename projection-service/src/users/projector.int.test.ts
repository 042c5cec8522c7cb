import { makeEvent, userStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario } from '../testing/scenario.ts';

describe('users projector (real PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h.close());

  it('given a user registered who then changed preferences twice, when projected, then the directory holds the latest preferences and no secret', async () => {
    const alice = await scenario(h).user('Alice');
    const off = { email: { taskAssigned: false, statusChanged: true, deadlineApproaching: true } };
    const none = { email: { taskAssigned: false, statusChanged: false, deadlineApproaching: false } };
    await h.append(userStream(alice.id), [
      makeEvent('UserPreferencesChanged', { userId: alice.id, preferences: off }),
      makeEvent('UserPreferencesChanged', { userId: alice.id, preferences: none }),
    ]);
    await h.catchUp();

    const { rows } = await h.sql.query('SELECT * FROM read.users WHERE id = $1', [alice.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Alice', email: alice.email, preferences: none });
    expect(Object.keys(rows[0]!).sort()).toEqual([
      'email',
      'id',
      'name',
      'preferences',
      'registered_at',
      'revision',
    ]);
  });

  it('given an older preferences event redelivered after a newer one, when applied, then the newer preferences stay', async () => {
    const bob = await scenario(h).user('Bob');
    const first = { email: { taskAssigned: false, statusChanged: false, deadlineApproaching: false } };
    await h.append(userStream(bob.id), [
      makeEvent('UserPreferencesChanged', { userId: bob.id, preferences: first }),
    ]);
    await h.catchUp();
    await h.sql.query('UPDATE read.checkpoints SET position = NULL');
    await h.sql.query(
      `UPDATE read.users SET preferences = '{"email":{"taskAssigned":true,"statusChanged":true,"deadlineApproaching":true}}', revision = 5 WHERE id = $1`,
      [bob.id],
    );
    await h.catchUp();
    const { rows } = await h.sql.query<{ preferences: unknown }>(
      'SELECT preferences FROM read.users WHERE id = $1',
      [bob.id],
    );
    expect(rows[0]?.preferences).toEqual({
      email: { taskAssigned: true, statusChanged: true, deadlineApproaching: true },
    });
  });
});

import { makeEvent, projectStream } from '@taskflow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelDdl } from '../schema.ts';
import { dumpReadModels } from '../testing/dump.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { scenario, type TestUser } from '../testing/scenario.ts';

describe('projects projector (real PostgreSQL)', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  beforeAll(async () => {
    h = await createHarness();
    alice = await scenario(h).user('Alice');
    bob = await scenario(h).user('Bob');
    carol = await scenario(h).user('Carol');
  });
  afterAll(async () => h.close());

  const members = async (projectId: string) =>
    (
      await h.sql.query(
        'SELECT user_id, role FROM read.memberships WHERE project_id = $1 ORDER BY role, user_id',
        [projectId],
      )
    ).rows;

  it('given a project created with members added, re-roled and removed, when projected, then the project row and memberships follow', async () => {
    const given = scenario(h);
    const projectId = await given.project(alice, 'Launch', 'Ship it');
    await given.addMember(projectId, bob, 'member', alice);
    await given.addMember(projectId, carol, 'member', alice);
    await h.append(
      projectStream(projectId),
      [
        makeEvent('MemberRoleChanged', { projectId, userId: bob.id, from: 'member', to: 'manager' }),
        makeEvent('MemberRemoved', { projectId, userId: carol.id, role: 'member' }),
      ],
      { actor: alice.id },
    );

    await h.catchUp();

    const { rows } = await h.sql.query(
      'SELECT name, description, created_by, revision::int AS revision FROM read.projects WHERE id = $1',
      [projectId],
    );
    expect(rows).toEqual([{ name: 'Launch', description: 'Ship it', created_by: alice.id, revision: 5 }]);
    expect(await members(projectId)).toEqual([
      { user_id: bob.id, role: 'manager' },
      { user_id: alice.id, role: 'owner' },
    ]);
  });

  it('given member events already applied, when the same project events are applied again, then memberships do not change', async () => {
    const given = scenario(h);
    const projectId = await given.project(alice);
    await given.addMember(projectId, bob, 'member', alice);
    await h.append(projectStream(projectId), [
      makeEvent('MemberRemoved', { projectId, userId: bob.id, role: 'member' }),
    ]);
    await h.catchUp();
    // Redeliver: the checkpoint goes back to the start, so MemberAdded(bob) arrives again.
    await h.sql.query('UPDATE read.checkpoints SET position = NULL');
    await h.catchUp();
    expect(await members(projectId)).toEqual([{ user_id: alice.id, role: 'owner' }]);
  });

  it('given members added, re-roled, removed and added back within one batch, when projected in one batch, then the rows equal those projected an event at a time', async () => {
    const given = scenario(h);
    const projectId = await given.project(alice);
    const stream = projectStream(projectId);
    await h.append(
      stream,
      [
        makeEvent('MemberAdded', { projectId, userId: bob.id, role: 'member' }),
        makeEvent('MemberRoleChanged', { projectId, userId: bob.id, from: 'member', to: 'manager' }),
        makeEvent('MemberRemoved', { projectId, userId: bob.id, role: 'manager' }),
        makeEvent('MemberAdded', { projectId, userId: bob.id, role: 'member' }),
        makeEvent('MemberAdded', { projectId, userId: carol.id, role: 'member' }),
        makeEvent('MemberAdded', { projectId, userId: carol.id, role: 'manager' }),
        // A role change for someone not (or no longer) a member changes nothing.
        makeEvent('MemberRemoved', { projectId, userId: carol.id, role: 'manager' }),
        makeEvent('MemberRoleChanged', { projectId, userId: carol.id, from: 'member', to: 'owner' }),
      ],
      { actor: alice.id, occurredAt: new Date(Date.now() + 60_000).toISOString() },
    );
    const projected = async (schema: string, maxBatchSize: number) => {
      await h.sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; ${readModelDdl(schema)}`);
      await h.catchUp({ schema, migrate: false, maxBatchSize });
      return dumpReadModels(h.sql, schema);
    };
    const single = await projected('read_single', 1);
    expect(await projected('read_whole', 10_000)).toEqual(single);
    const rows = single.memberships!.map((row) => JSON.parse(row) as Record<string, unknown>);
    expect(rows.filter((row) => row.project_id === projectId).map((row) => [row.user_id, row.role])).toEqual(
      expect.arrayContaining([
        [alice.id, 'owner'],
        [bob.id, 'member'],
      ]),
    );
    expect(rows.filter((row) => row.project_id === projectId)).toHaveLength(2);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteSqlClient } from '../sql/index.ts';
import { describeEventStoreContract } from './contract/index.ts';
import { createPostgresEventStore } from './postgres/store.ts';

// On disk, as `./taskflow start` runs it, rather than in memory.
describeEventStoreContract('PGlite (embedded)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'taskflow-pglite-'));
  const sql = await openPgliteSqlClient(dataDir);
  const store = await createPostgresEventStore(sql);
  return {
    store,
    dispose: async () => {
      await store.close();
      await sql.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

import { createPgSqlClient } from '../sql/index.ts';
import { createTestDatabase } from '../testing/index.ts';
import { describeEventStoreContract } from './contract/index.ts';
import { createPostgresEventStore } from './postgres/store.ts';

describeEventStoreContract('PostgreSQL (pg)', async () => {
  const database = await createTestDatabase('eventstore_contract');
  const sql = createPgSqlClient({ connectionString: database.url });
  const store = await createPostgresEventStore(sql);
  return {
    store,
    dispose: async () => {
      await store.close();
      await sql.close();
      await database.drop();
    },
  };
});

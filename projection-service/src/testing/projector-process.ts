// A projector in a process of its own, for tests that kill it with SIGKILL at any instant.
// Prints "checkpoint <position>" after every batch.
import { createLogger } from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { startProjector } from '../projector/runner.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
const sql = createPgSqlClient({ connectionString: url, maxConnections: 2 });
const eventStore = await createPostgresEventStore(sql, { migrate: false, pollIntervalMs: 50 });
const projector = await startProjector({
  sql,
  eventStore,
  logger: createLogger('projector-process', 'silent'),
  maxBatchSize: Number(process.env.MAX_BATCH ?? 50),
  migrate: false,
  beforeCommit: async (events) => {
    process.stdout.write(`batch ${events.length}\n`);
  },
});
process.stdout.write('started\n');
await projector.done;

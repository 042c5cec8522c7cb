// Bench helper: the live projector as main.ts runs it (default batch size and polling, woken
// by the event store's NOTIFY), in a process of its own. Prints "ready" once subscribed.
import { createLogger } from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { startProjector } from '../src/projector/runner.ts';

const sql = createPgSqlClient({ connectionString: process.env.DATABASE_URL!, maxConnections: 4 });
const eventStore = await createPostgresEventStore(sql, { migrate: false });
const projector = await startProjector({ sql, eventStore, logger: createLogger('bench-projector', 'warn') });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void projector
    .stop()
    .then(() => eventStore.close())
    .then(() => sql.close())
    .then(() => process.exit(0));
});

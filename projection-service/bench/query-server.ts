// Bench helper: the query API (projection-service's plugin, as main.ts mounts it) on
// 127.0.0.1 and a free port, which it prints once listening. DATABASE_URL, JWT_PUBLIC_KEY.
import { authPlugin, createHttpServer, createLogger } from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { buildProjectionService } from '../src/plugin.ts';

const logger = createLogger('bench-query-server', 'warn');
const sql = createPgSqlClient({ connectionString: process.env.DATABASE_URL!, maxConnections: 20 });
const eventStore = await createPostgresEventStore(sql, { migrate: false });
const app = await createHttpServer({ logger, title: 'bench' });
await app.register(authPlugin, {
  publicKey: process.env.JWT_PUBLIC_KEY!,
  issuer: 'taskflow',
  audience: 'taskflow-api',
});
await app.register(buildProjectionService, { sql, eventStore, logger });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${typeof address === 'object' && address ? address.port : address}\n`);
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => eventStore.close())
    .then(() => sql.close())
    .then(() => process.exit(0));
});

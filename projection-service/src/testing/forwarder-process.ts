// The Kafka forwarder in a process of its own, for tests that SIGKILL it mid-flight.
// Prints "sent <n>" after every acknowledged batch.
import { createLogger } from '@taskflow/platform';
import { createPostgresEventStore } from '@taskflow/platform/eventstore';
import { createKafka } from '@taskflow/platform/kafka';
import { createPgSqlClient } from '@taskflow/platform/sql';
import { startForwarder } from '../forwarder/forwarder.ts';

const url = process.env.DATABASE_URL;
const brokers = process.env.KAFKA_BROKERS;
if (!url || !brokers) throw new Error('DATABASE_URL and KAFKA_BROKERS must be set');
const sql = createPgSqlClient({ connectionString: url, maxConnections: 2 });
const eventStore = await createPostgresEventStore(sql, { migrate: false, pollIntervalMs: 50 });
const logger = createLogger('forwarder-process', 'silent');
const forwarder = await startForwarder({
  sql,
  eventStore,
  logger,
  kafka: createKafka({ brokers: brokers.split(','), clientId: 'forwarder-process', logger }),
  topic: process.env.TOPIC,
  name: process.env.FORWARDER_NAME,
  maxBatchSize: 200,
});
setInterval(() => process.stdout.write(`sent ${forwarder.stats().published}\n`), 20);
await forwarder.done;

import { describe, it } from 'vitest';
import { describeEventStoreContract } from './contract/index.ts';
import { createEsdbEventStore } from './index.ts';

const esdbUrl = process.env.ESDB_URL;

if (esdbUrl) {
  describeEventStoreContract(`EventStoreDB (${new URL(esdbUrl).host})`, async () => {
    const store = await createEsdbEventStore(esdbUrl);
    return { store, dispose: () => store.close() };
  });
} else {
  const reason =
    'EventStoreDB contract skipped: ESDB_URL is not set (e.g. ESDB_URL=esdb://localhost:2113?tls=false)';
  // The default reporter does not name skipped tests of a fully skipped file; say it plainly.
  console.warn(reason);
  describe('EventStore contract: EventStoreDB', () => {
    it.skip(reason, () => {});
  });
}

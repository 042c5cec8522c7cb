import { afterAll, beforeAll, describe } from 'vitest';
import type { EventStore } from '../port.ts';
import { describeAppendContract } from './appends.ts';
import type { EventStoreContractSubject } from './fixtures.ts';
import { describeInvalidInputContract } from './invalid.ts';
import { describeReadContract } from './reads.ts';
import { describeSubscriptionContract } from './subscriptions.ts';

export type { EventStoreContractSubject } from './fixtures.ts';

/**
 * The one behavioural contract every EventStore adapter must pass. `open` is called once for
 * the suite; tests use streams of their own, so a shared or non-empty store is fine.
 */
export function describeEventStoreContract(
  name: string,
  open: () => Promise<EventStoreContractSubject>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreContractSubject | undefined;
    const store = (): EventStore => {
      if (!subject) throw new Error('the store did not open (see beforeAll)');
      return subject.store;
    };
    beforeAll(async () => {
      subject = await open();
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    describeReadContract(store);
    describeAppendContract(store);
    describeInvalidInputContract(store);
    describeSubscriptionContract(store);
  });
}

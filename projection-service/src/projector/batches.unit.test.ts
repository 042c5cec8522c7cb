import type { RecordedEvent } from '@taskflow/platform/eventstore';
import { describe, expect, it } from 'vitest';
import { BatchReader } from './batches.ts';

const event = (n: number) => ({ id: String(n) }) as RecordedEvent;

/** A source that yields `ready` events at once, then one more after `lateMs`, then ends. */
async function* source(ready: number, lateMs: number) {
  for (let i = 0; i < ready; i++) yield event(i);
  await new Promise((resolve) => setTimeout(resolve, lateMs));
  yield event(ready);
}

describe('BatchReader', () => {
  it('given more events ready than the batch size, then batches are full until the ready ones run out', async () => {
    const reader = new BatchReader(source(25, 20), 10);
    const sizes: number[] = [];
    for (let batch = await reader.next(); batch; batch = await reader.next()) sizes.push(batch.length);
    expect(sizes).toEqual([10, 10, 5, 1]);
  });

  it('given an event that is not ready yet, then the batch ends with what is there and the late event opens the next', async () => {
    const reader = new BatchReader(source(3, 30), 100);
    const first = await reader.next();
    expect(first?.map((e) => e.id)).toEqual(['0', '1', '2']);
    const second = await reader.next();
    expect(second?.map((e) => e.id)).toEqual(['3']);
    expect(await reader.next()).toBeNull();
    await reader.close();
  });
});

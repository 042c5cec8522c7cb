import { describe, expect, it } from 'vitest';
import { planReminders } from './plan.ts';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * 60_000).toISOString();
const TASK = '11111111-1111-4111-8111-111111111111';

describe('planReminders', () => {
  it('given a deadline 30 minutes away, when planned, then only the 1 h window (the 24 h one is superseded)', () => {
    expect(planReminders([{ taskId: TASK, deadline: at(30) }], NOW, ['24h', '1h'])).toEqual([
      { taskId: TASK, deadline: at(30), window: '1h' },
    ]);
  });

  it('given a deadline 20 hours away, when planned, then the 24 h window (late, but still due)', () => {
    expect(planReminders([{ taskId: TASK, deadline: at(20 * 60) }], NOW, ['24h', '1h'])).toEqual([
      { taskId: TASK, deadline: at(20 * 60), window: '24h' },
    ]);
  });

  it('given a deadline that passed or is 2 days away, when planned, then nothing', () => {
    expect(planReminders([{ taskId: TASK, deadline: at(-1) }], NOW, ['24h', '1h'])).toEqual([]);
    expect(planReminders([{ taskId: TASK, deadline: at(48 * 60) }], NOW, ['24h', '1h'])).toEqual([]);
  });

  it('given the 1 h window disabled, when a deadline is 30 minutes away, then nothing (and 24 h stays superseded)', () => {
    expect(planReminders([{ taskId: TASK, deadline: at(30) }], NOW, ['24h'])).toEqual([]);
  });

  it('given the read side names a window that is not due, when planned, then it is dropped; duplicates collapse to one', () => {
    const deadline = at(30);
    expect(
      planReminders(
        [
          { taskId: TASK, deadline, window: '24h' },
          { taskId: TASK, deadline, window: '1h' },
          { taskId: TASK, deadline },
        ],
        NOW,
        ['24h', '1h'],
      ),
    ).toEqual([{ taskId: TASK, deadline, window: '1h' }]);
  });
});

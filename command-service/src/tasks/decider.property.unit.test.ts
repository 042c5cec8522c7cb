import {
  canTransition,
  parseEvent,
  REMINDER_WINDOWS,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type TaskEvent,
  type UpdateTaskBody,
} from '@taskflow/contracts';
import { fold } from '@taskflow/contracts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../domain-errors.ts';
import { DEADLINE, type Person, people, project, samsTask, TASK, update } from './decider.fixtures.ts';
import { type TaskCommand, type TaskState, taskDecider } from './decider.ts';

const OTHER_DEADLINE = '2030-01-05T09:00:00.000Z';
const person = fc.constantFrom<Person>('olivia', 'max', 'mia', 'sam', 'nora', 'xavier');
const changes: fc.Arbitrary<UpdateTaskBody> = fc.record(
  {
    title: fc.constantFrom('Fix login', 'Fix sign-in'),
    description: fc.constantFrom('', 'It fails on Safari'),
    priority: fc.constantFrom(...TASK_PRIORITIES),
    deadline: fc.constantFrom(null, DEADLINE, OTHER_DEADLINE),
    status: fc.constantFrom(...TASK_STATUSES),
    assigneeId: fc.constantFrom(null, people.sam.userId, people.nora.userId, people.xavier.userId),
  },
  { requiredKeys: [] },
);
const reminder: fc.Arbitrary<TaskCommand> = fc
  .record({
    window: fc.constantFrom(...REMINDER_WINDOWS),
    deadline: fc.constantFrom(DEADLINE, OTHER_DEADLINE),
    minutesBefore: fc.integer({ min: -60, max: 26 * 60 }),
  })
  .map(({ window, deadline, minutesBefore }) => ({
    type: 'RemindDeadline',
    taskId: TASK,
    window,
    deadline,
    now: new Date(Date.parse(deadline) - minutesBefore * 60_000).toISOString(),
  }));
const command = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(person, changes).map(([actor, body]) => update(actor, body)) },
  { weight: 1, arbitrary: reminder },
);

function existing(state: TaskState) {
  if (!state.exists) throw new Error('the task vanished');
  return state;
}

describe('any sequence of task commands', () => {
  it('folds to a task the decider still handles consistently', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        let history: TaskEvent[] = [...samsTask];
        for (const next of commands) {
          const before = existing(fold(taskDecider, history));
          let events: TaskEvent[];
          try {
            events = taskDecider.decide(next, before);
          } catch (error) {
            expect(isDomainError(error)).toBe(true);
            continue;
          }
          for (const event of events) {
            // What the decider emits is what the contract accepts, so consumers can always read it.
            expect(parseEvent(event.type, event.schemaVersion, event.data)).toEqual({ ok: true, event });
            if (event.type === 'TaskStatusChanged') {
              expect(canTransition(event.data.from, event.data.to)).toBe(true);
            }
          }
          history = [...history, ...events];
          const after = existing(fold(taskDecider, history));
          if (after.assigneeId !== null) expect(project.members.has(after.assigneeId)).toBe(true);
          // Deciding the same command again on its own result changes nothing: retries are safe.
          const repeat = next.type === 'UpdateTask' ? { ...next, actor: people.olivia } : next;
          expect(taskDecider.decide(repeat, after)).toEqual([]);
        }
        const final = existing(fold(taskDecider, history));
        const { title, description, priority, deadline, status, assigneeId } = final;
        const noOp = update('olivia', { title, description, priority, deadline, status, assigneeId });
        expect(taskDecider.decide(noOp, final)).toEqual([]);
      }),
    );
  });
});

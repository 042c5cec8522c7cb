import { expect } from 'vitest';

export { SAMPLE_EVENT_DATA } from './sample-events.ts';

/**
 * Given/When/Then for deciders: `given(decider, history).when(command).thenEvents([...])`.
 * For tests only (it imports vitest), so it is reachable as `@taskflow/contracts/testing`
 * and not from the package root.
 */
export interface DeciderUnderTest<Command, State, Event> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

export function fold<State, Event>(
  decider: Pick<DeciderUnderTest<unknown, State, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}

type ErrorClass = abstract new (...args: never[]) => Error;

export function given<Command, State, Event>(
  decider: DeciderUnderTest<Command, State, Event>,
  history: readonly Event[] = [],
) {
  return {
    when(command: Command) {
      const run = () => decider.decide(command, fold(decider, history));
      return {
        thenEvents(expected: readonly Event[]): void {
          expect(run()).toEqual(expected);
        },
        thenNothing(): void {
          expect(run()).toEqual([]);
        },
        /** The error's class and, when given, fields it must carry (e.g. `{ reason: 'last_owner' }`). */
        thenError(errorClass: ErrorClass, fields: Record<string, unknown> = {}): void {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          expect(thrown).toMatchObject(fields);
        },
        /** The events, for assertions the other forms cannot express. */
        events(): Event[] {
          return run();
        },
      };
    },
  };
}

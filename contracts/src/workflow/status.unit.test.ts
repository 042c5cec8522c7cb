import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from '../primitives/index.ts';
import { canTransition, describeForbiddenTransition, isClosedStatus, STATUS_TRANSITIONS } from './status.ts';

function reachableFrom(start: TaskStatus): Set<TaskStatus> {
  const seen = new Set<TaskStatus>([start]);
  const queue = [start];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const to of STATUS_TRANSITIONS[next]) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

describe('status workflow', () => {
  it.each([
    ['todo', 'in_progress'],
    ['todo', 'done'],
    ['in_progress', 'blocked'],
    ['blocked', 'in_progress'],
    ['done', 'todo'],
    ['done', 'in_progress'],
    ['cancelled', 'todo'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    ['blocked', 'done'],
    ['done', 'cancelled'],
    ['done', 'blocked'],
    ['cancelled', 'done'],
    ['cancelled', 'in_progress'],
  ] as const)('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('never calls staying put a transition', () => {
    fc.assert(fc.property(fc.constantFrom(...TASK_STATUSES), (status) => !canTransition(status, status)));
  });

  it('lets every status reach every other, so no task is ever stuck', () => {
    for (const status of TASK_STATUSES) {
      expect([...reachableFrom(status)].sort()).toEqual([...TASK_STATUSES].sort());
    }
  });

  it('closes only done and cancelled work', () => {
    expect(TASK_STATUSES.filter(isClosedStatus)).toEqual(['done', 'cancelled']);
  });

  it('explains a refused move with the moves that are allowed', () => {
    expect(describeForbiddenTransition('cancelled', 'done')).toBe(
      'A task cannot move from cancelled to done; from cancelled it can move to: todo',
    );
  });
});

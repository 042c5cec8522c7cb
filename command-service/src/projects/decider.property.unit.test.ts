import type { ProjectEvent, ProjectRole } from '@taskflow/contracts';
import { fold } from '@taskflow/contracts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainConflictError, isDomainError } from '../domain-errors.ts';
import { add, change, created, type Person, remove } from './decider.fixtures.ts';
import { projectDecider } from './decider.ts';

describe('any sequence of membership commands', () => {
  const person = fc.constantFrom<Person>('alice', 'bob', 'carol', 'dave');
  const role = fc.constantFrom<ProjectRole>('owner', 'manager', 'member');
  const command = fc.oneof(
    fc.tuple(person, person, role).map(([actor, who, r]) => add(actor, who, r)),
    fc.tuple(person, person, role).map(([actor, who, r]) => change(actor, who, r)),
    fc.tuple(person, person).map(([actor, who]) => remove(actor, who)),
  );

  it('keeps at least one owner, refuses only with domain errors, and repeats idempotently or not at all', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        let history: ProjectEvent[] = [...created];
        for (const next of commands) {
          let events: ProjectEvent[];
          try {
            events = projectDecider.decide(next, fold(projectDecider, history));
          } catch (error) {
            expect(isDomainError(error)).toBe(true);
            continue;
          }
          history = [...history, ...events];
          const state = fold(projectDecider, history);
          if (!state.exists) throw new Error('project vanished');
          expect([...state.members.values()]).toContain('owner');
          // Repeated by an owner (the actor may have just given up the right), it changes nothing.
          const owner = [...state.members].find(([, role]) => role === 'owner')?.[0];
          const asOwner = { ...next, actor: { userId: owner!, name: 'Owner' } };
          if (next.type === 'ChangeMemberRole') expect(projectDecider.decide(asOwner, state)).toEqual([]);
          if (next.type === 'AddMember')
            expect(() => projectDecider.decide(next, state)).toThrow(DomainConflictError);
        }
      }),
    );
  });
});

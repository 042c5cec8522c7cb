import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newEvent } from './contract/fixtures.ts';
import { InvalidAppendError, InvalidReadError } from './errors.ts';
import { validateAppend, validateStreamRead } from './validation.ts';

describe('append validation', () => {
  it('given text that merely spells a backslash and u0000, when validated, then it is accepted', () => {
    const event = newEvent({ text: String.raw`C:\u0000 is a path, not a NUL` });
    expect(validateAppend('s-1', [event], 'any')).toHaveLength(1);
  });

  it('given a paired surrogate (an emoji), when validated, then it is accepted', () => {
    expect(validateAppend('s-1', [newEvent({ text: 'ship it 🚀' })], 0)).toHaveLength(1);
  });

  it('given ids that differ only in case, when validated, then they count as the same id', () => {
    const id = randomUUID();
    const events = [
      { ...newEvent(), id },
      { ...newEvent(), id: id.toUpperCase() },
    ];
    expect(() => validateAppend('s-1', events, 'any')).toThrow(InvalidAppendError);
  });

  it('given data that cannot become JSON, when validated, then InvalidAppendError names the event', () => {
    expect(() => validateAppend('s-1', [newEvent({ big: 1n })], 'any')).toThrow(
      /event 0: data is not serialisable/,
    );
  });

  it('given an empty stream id, when validated, then InvalidAppendError', () => {
    expect(() => validateAppend('', [newEvent()], 'any')).toThrow(InvalidAppendError);
  });
});

describe('stream read validation', () => {
  it('given an unknown direction, then InvalidReadError', () => {
    expect(() => validateStreamRead({ direction: 'sideways' as never })).toThrow(InvalidReadError);
  });
});

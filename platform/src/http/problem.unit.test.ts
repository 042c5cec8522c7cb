import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, TooManyRequestsError, ValidationError } from './errors.ts';
import { toProblem } from './problem.ts';

describe('toProblem', () => {
  it('given a typed domain error, then its status, title and detail are kept', () => {
    const { problem } = toProblem(new ConflictError('task moved on'), '/api/tasks/1');
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'task moved on',
      instance: '/api/tasks/1',
    });
  });

  it('given a validation error with fields, then errors[] names each field', () => {
    const error = new ValidationError('bad', { errors: [{ path: 'body.title', message: 'Required' }] });
    expect(toProblem(error).problem.errors).toEqual([{ path: 'body.title', message: 'Required' }]);
  });

  it('given a zod error with unknown keys, then each unknown key is named', () => {
    const result = z.object({ title: z.string() }).strict().safeParse({ title: 'x', colour: 'red' });
    expect(result.success).toBe(false);
    const { problem } = toProblem(result.error);
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'colour' })]);
  });

  it('given a throttle error, then Retry-After is set', () => {
    expect(toProblem(new TooManyRequestsError('slow down', 2.2)).headers['retry-after']).toBe('3');
  });

  it('given an unexpected error, then a bare 500 without its message or stack', () => {
    const { problem } = toProblem(new TypeError('secret internals at line 3'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('secret internals');
  });
});

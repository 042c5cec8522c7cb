import { describe, expect, it } from 'vitest';
import { formatDuration } from './messages.ts';

describe('formatDuration', () => {
  it.each([
    [0, '1 minute'],
    [60_000, '1 minute'],
    [25 * 60_000, '25 minutes'],
    [60 * 60_000, '1 hour'],
    [150 * 60_000, '3 hours'],
    [23 * 3_600_000, '23 hours'],
  ])('%i ms reads as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

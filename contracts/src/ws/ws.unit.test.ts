import { describe, expect, it } from 'vitest';
import { parseClientFrame, ServerFrame } from './index.ts';

describe('WebSocket frames', () => {
  it('reads a resume frame', () => {
    expect(parseClientFrame('{"type":"resume","after":"1042"}')).toEqual({ type: 'resume', after: '1042' });
  });

  it.each([
    'not json',
    '{"type":"resume"}',
    '{"type":"resume","after":"1","extra":1}',
    '{"type":"subscribe"}',
    '[]',
  ])('refuses %s', (raw) => {
    expect(parseClientFrame(raw)).toBeNull();
  });

  it('describes an error frame with a code clients can switch on', () => {
    expect(ServerFrame.safeParse({ type: 'error', code: 'invalid_frame', message: 'bad' }).success).toBe(
      true,
    );
    expect(ServerFrame.safeParse({ type: 'error', code: 'oops', message: 'bad' }).success).toBe(false);
  });
});

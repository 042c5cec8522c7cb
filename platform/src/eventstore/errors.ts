import type { ExpectedRevision } from './port.ts';

/** The stream was not at the revision the writer expected; nothing was appended. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The append itself was malformed (empty, oversized, bad expectation); nothing was appended. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

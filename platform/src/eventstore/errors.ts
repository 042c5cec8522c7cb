import type { ExpectedRevision } from './port.ts';

/** The stream was not at the revision the writer expected; nothing was appended. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly actual: number | 'no_stream';

  constructor(streamId: string, expected: ExpectedRevision, actual: number | 'no_stream') {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The append itself was malformed (empty, oversized, bad expectation); nothing was appended. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

/** A read was malformed (a position this store did not issue, a negative limit); nothing was read. */
export class InvalidReadError extends Error {
  override readonly name = 'InvalidReadError';
}

import type { Actor } from '@taskflow/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandOutcome } from '../command-runner.ts';

/**
 * Public revisions count events (a new task is revision 1, its ETag `"1"`); the store's are
 * 0-based. Converting here, once, keeps the two from leaking into each other.
 */
export const publicRevision = (storeRevision: number) => storeRevision + 1;
export const storeRevision = (publicRevisionValue: number) => publicRevisionValue - 1;

export function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user.userId, name: request.user.name };
}

/** `{ id, revision, position }` with the ETag every command answers. */
export function accepted(reply: FastifyReply, id: string, outcome: CommandOutcome<unknown>) {
  const revision = publicRevision(outcome.revision);
  reply.header('etag', `"${revision}"`);
  return { id, revision, position: outcome.position ?? '' };
}

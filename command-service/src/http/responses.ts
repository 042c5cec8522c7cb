import { type Actor, publicRevision } from '@taskflow/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandOutcome } from '../command-runner.ts';

export function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user.userId, name: request.user.name };
}

/** `{ id, revision, position }` with the ETag every command answers. */
export function accepted(reply: FastifyReply, id: string, outcome: CommandOutcome<unknown>) {
  const revision = publicRevision(outcome.revision);
  reply.header('etag', `"${revision}"`);
  return { id, revision, position: outcome.position ?? '' };
}

import type { FastifyRequest } from 'fastify';
import { type CommandContext, commandIdFor } from '../command-runner.ts';
import { commandSeed } from './idempotency.ts';

const CORRELATION = /^[A-Za-z0-9._:-]{1,128}$/;

/** The metadata of the events one HTTP command appends. */
export function commandContextFor(request: FastifyRequest, now: Date): CommandContext {
  const given = request.headers['x-correlation-id'];
  return {
    commandId: commandIdFor(commandSeed(request)),
    actor: request.user?.userId ?? null,
    correlationId: typeof given === 'string' && CORRELATION.test(given) ? given : request.id,
    causationId: null,
    now: now.toISOString(),
  };
}

/** `If-Match: "3"` (or W/"3") → the store revision it names; absent → undefined; malformed never matches. */
export function expectedRevisionFrom(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(String(header).trim());
  return match ? Number(match[1]) - 1 : Number.NaN;
}

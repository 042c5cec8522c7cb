import { randomUUID } from 'node:crypto';
import { type DomainEvent, parseStoredEvent } from '@taskflow/contracts';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError } from '@taskflow/platform';
import {
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '@taskflow/platform/eventstore';
import { v5 as uuidV5 } from 'uuid';

/** The three pure functions of an aggregate (see DESIGN.md, "Write side"). */
export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** Who asked and why; becomes every appended event's metadata. */
export interface CommandContext {
  commandId: string;
  actor: string | null;
  correlationId: string;
  causationId: string | null;
  now: string;
}

export interface CommandOutcome<State> {
  streamId: string;
  /** The stream's last revision after the command; -1 when the stream still does not exist. */
  revision: number;
  position: string | null;
  state: State;
  appended: number;
}

const COMMAND_ID_NAMESPACE = '6f1d2c3e-8b7a-4f05-9c1e-2a4b6d8f0e13';
const MAX_ATTEMPTS = 5;

/** A command's id: derived from its idempotency seed when there is one, so a re-run is recognisable. */
export function commandIdFor(seed: string | null): string {
  return seed === null ? randomUUID() : uuidV5(seed, COMMAND_ID_NAMESPACE);
}

/** An id for a new entity the command creates: stable across re-runs of the same command. */
export function entityIdFor(commandId: string, label: string): string {
  return uuidV5(`${commandId}:${label}`, COMMAND_ID_NAMESPACE);
}

interface Loaded<State> {
  state: State;
  revision: number;
  lastPosition: string | null;
  alreadyRan: { revision: number; position: string } | null;
}

export async function loadAggregate<Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  commandId?: string,
): Promise<Loaded<State>> {
  const recorded = await store.readStream(streamId);
  let state = decider.initialState;
  let alreadyRan: Loaded<State>['alreadyRan'] = null;
  for (const event of recorded) {
    const parsed = parseStoredEvent(event);
    // The write side must understand every event of its own streams; anything else is a bug.
    if (!parsed.ok)
      throw new Error(`cannot fold ${event.type} at ${streamId}@${event.revision}: ${parsed.reason}`);
    state = decider.evolve(state, parsed.event as Event);
    if (commandId !== undefined && event.metadata.commandId === commandId) {
      alreadyRan = { revision: event.revision, position: event.position };
    }
  }
  const last = recorded.at(-1);
  return { state, revision: last?.revision ?? -1, lastPosition: last?.position ?? null, alreadyRan };
}

export function toNewEvents(
  events: DomainEvent[],
  context: CommandContext,
  streamId: string,
  fromRevision: number,
): NewEvent[] {
  return events.map((event, index) => ({
    // Deterministic per (command, stream, revision): a transport retry of the same append dedupes.
    id: uuidV5(`${context.commandId}:${streamId}:${fromRevision + index}`, COMMAND_ID_NAMESPACE),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      actor: context.actor,
      commandId: context.commandId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      occurredAt: context.now,
      schemaVersion: event.schemaVersion,
    },
  }));
}

/**
 * Load → decide → append with the revision the decision was made on. Without `If-Match`, a
 * concurrent change makes us reload and decide again (the decider sees the other change, so
 * nothing is silently overwritten); with `If-Match`, a mismatch is 412. A command that already
 * ran (same command id in the stream) returns its first outcome and appends nothing.
 */
export async function runCommand<Command, Event extends DomainEvent, State>(options: {
  store: EventStore;
  streamId: string;
  decider: Decider<Command, Event, State>;
  /** The command, or a function building it from the current state (it may load what it needs). */
  command: Command | ((state: State) => Command | Promise<Command>);
  context: CommandContext;
  expectedRevision?: number;
}): Promise<CommandOutcome<State>> {
  const { store, streamId, decider, context } = options;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadAggregate(store, streamId, decider, context.commandId);
    if (loaded.alreadyRan) {
      return { streamId, ...loaded.alreadyRan, state: loaded.state, appended: 0 };
    }
    const command =
      typeof options.command === 'function'
        ? await (options.command as (s: State) => Command | Promise<Command>)(loaded.state)
        : options.command;
    if (options.expectedRevision !== undefined && options.expectedRevision !== loaded.revision) {
      // Someone who may not see (404) or change (403) the aggregate learns nothing from a 412,
      // neither that it exists nor its revision: the decider's refusal comes first.
      try {
        decider.decide(command, loaded.state);
      } catch (error) {
        if (error instanceof NotFoundError || error instanceof ForbiddenError) throw error;
      }
      throw new PreconditionFailedError(
        `${streamId} is at revision ${loaded.revision}, not ${options.expectedRevision}`,
      );
    }
    const events = decider.decide(command, loaded.state);
    if (events.length === 0) {
      return {
        streamId,
        revision: loaded.revision,
        position: loaded.lastPosition,
        state: loaded.state,
        appended: 0,
      };
    }
    try {
      const result = await store.appendToStream(
        streamId,
        toNewEvents(events, context, streamId, loaded.revision + 1),
        {
          expectedRevision: loaded.revision === -1 ? 'no_stream' : loaded.revision,
        },
      );
      const state = events.reduce(decider.evolve, loaded.state);
      return {
        streamId,
        revision: result.nextRevision,
        position: result.position,
        state,
        appended: events.length,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (options.expectedRevision !== undefined) {
        throw new PreconditionFailedError(`${streamId} changed concurrently`);
      }
      if (attempt >= MAX_ATTEMPTS) throw new ConflictError(`${streamId} is changing too fast; retry`);
    }
  }
}

export type { RecordedEvent };

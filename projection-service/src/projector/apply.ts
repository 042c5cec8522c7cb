import { parseStoredEvent } from '@taskflow/contracts';
import type { Logger } from '@taskflow/platform';
import type { Position, RecordedEvent } from '@taskflow/platform/eventstore';
import type { SqlClient } from '@taskflow/platform/sql';
import { advanceCheckpoint, lockCheckpoint } from '../checkpoints/store.ts';
import type { ProjectedEvent, Projector } from './types.ts';

/** The projector stopped at this event and will not go past it by itself. */
export class ProjectorHaltedError extends Error {
  override readonly name = 'ProjectorHaltedError';
  readonly eventId: string;
  readonly eventType: string;
  readonly position: Position;

  constructor(event: RecordedEvent, reason: string, options?: { cause?: unknown }) {
    super(
      `projector halted at event ${event.id} (${event.type} v${event.metadata.schemaVersion}, stream ${event.streamId} revision ${event.revision}, position ${event.position}): ${reason}`,
      options,
    );
    this.eventId = event.id;
    this.eventType = event.type;
    this.position = event.position;
  }
}

/** Someone else moved the checkpoint (another runner, a rebuild swap): start over from it. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
  readonly actual: Position | null;

  constructor(expected: Position | null, actual: Position | null) {
    super(`checkpoint is at ${actual ?? 'the start'}, this runner expected ${expected ?? 'the start'}`);
    this.actual = actual;
  }
}

export interface BatchContext {
  sql: SqlClient;
  logger: Logger;
  schema: string;
  checkpointName: string;
  projectors: readonly Projector[];
  beforeCommit?: ((events: readonly RecordedEvent[]) => Promise<void>) | undefined;
}

export interface Classified {
  parsed: ProjectedEvent[];
  skipped: number;
  /** Events to commit; the first invalid event (if any) is not among them. */
  commitable: RecordedEvent[];
  invalid?: { event: RecordedEvent; issues: string[] };
}

/** Parses a batch: unknown types and newer schema versions are skipped (logged, counted). */
export function classify(events: readonly RecordedEvent[], logger: Logger): Classified {
  const parsed: ProjectedEvent[] = [];
  let skipped = 0;
  for (const [index, recorded] of events.entries()) {
    const result = parseStoredEvent(recorded);
    if (result.ok) {
      parsed.push({ event: result.event, recorded });
    } else if (result.reason === 'invalid') {
      return {
        parsed,
        skipped,
        commitable: events.slice(0, index),
        invalid: { event: recorded, issues: result.issues },
      };
    } else {
      skipped += 1;
      logger.warn(
        {
          eventId: recorded.id,
          eventType: recorded.type,
          schemaVersion: recorded.metadata.schemaVersion,
          reason: result.reason,
        },
        'projector skipped an event it cannot read',
      );
    }
  }
  return { parsed, skipped, commitable: [...events] };
}

/**
 * Applies `events` (all after `expected`) and moves the checkpoint to the last of them, in one
 * transaction. Throws CheckpointMovedError when the stored checkpoint is not `expected`, and
 * ProjectorHaltedError at an event whose data does not match its schema, after committing the
 * events before it.
 */
export async function commitBatch(
  context: BatchContext,
  expected: Position | null,
  events: readonly RecordedEvent[],
  /** `classify(events)` when the caller has it already (a replay applies one page in several lanes). */
  classified?: Classified,
): Promise<{ position: Position; applied: number; skipped: number } | null> {
  const { parsed, skipped, commitable, invalid } = classified ?? classify(events, context.logger);
  const last = commitable.at(-1);
  let outcome: { position: Position; applied: number; skipped: number } | null = null;
  if (last) {
    const applied = parsed.length;
    await context.sql.transaction(async (tx) => {
      const stored = await lockCheckpoint(tx, context.schema, context.checkpointName);
      if (stored.position !== expected) throw new CheckpointMovedError(expected, stored.position);
      for (const projector of context.projectors) await projector.apply(parsed, tx, context.schema);
      await context.beforeCommit?.(commitable);
      await advanceCheckpoint(tx, context.schema, context.checkpointName, {
        position: last.position,
        applied,
        skipped,
      });
    });
    outcome = { position: last.position, applied, skipped };
  }
  if (invalid) {
    throw new ProjectorHaltedError(
      invalid.event,
      `its data does not match the ${invalid.event.type} schema: ${invalid.issues.join('; ')}`,
    );
  }
  return outcome;
}

import type { DomainEvent } from '@taskflow/contracts';
import type { RecordedEvent } from '@taskflow/platform/eventstore';
import type { SqlQueryable } from '@taskflow/platform/sql';

/** A recorded event that parsed into its current typed form. */
export interface ProjectedEvent<Event extends DomainEvent = DomainEvent> {
  event: Event;
  recorded: RecordedEvent;
}

/**
 * One read model's writer. It receives every parsed event of a batch in global order, inside
 * the transaction that also advances the checkpoint, and picks the events it cares about. It
 * must be idempotent per event (revision or key guards), though the checkpoint already keeps
 * an event from being applied twice.
 */
export interface Projector {
  name: string;
  apply(events: readonly ProjectedEvent[], tx: SqlQueryable, schema: string): Promise<void>;
}

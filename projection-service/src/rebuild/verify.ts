import type { Logger } from '@taskflow/platform';
import type { EventStore, Position } from '@taskflow/platform/eventstore';
import type { SqlClient, SqlQueryable } from '@taskflow/platform/sql';
import { readCheckpoint } from '../checkpoints/store.ts';
import { migrateReadModels, READ_MODELS_CHECKPOINT, READ_SCHEMA } from '../schema.ts';
import { READ_MODEL_TABLES } from '../testing/dump.ts';
import { diffRows, type RowDifference, type TableChecksum, tableChecksum } from './checksums.ts';
import { REBUILD_LANES } from './lanes.ts';
import { withMaintenanceLock } from './lock.ts';
import { createProgress } from './progress.ts';
import { type ReplayTarget, replayRange } from './replay.ts';
import { dropSchema, layShadowSchema } from './shadow.ts';

export const VERIFY_SCHEMA = 'read_verify';

export interface VerifyDeps {
  sql: SqlClient;
  eventStore: EventStore;
  logger: Logger;
  report?: (line: string) => void;
  pageSize?: number;
  /** Differing rows described per table (default 10); all are counted. */
  rowLimit?: number;
}

export interface TableVerdict {
  table: string;
  live: TableChecksum;
  shadow: TableChecksum;
  equal: boolean;
  differences?: { count: number; rows: RowDifference[] };
}

export interface VerifyResult {
  equal: boolean;
  /** The checkpoint both sides were compared at. */
  position: Position | null;
  /** Events the shadow replayed. */
  events: number;
  tables: TableVerdict[];
  /** When something differs the shadow schema is kept for a closer look. */
  shadowSchema: string | null;
}

/**
 * `projections verify`: replays the log into a shadow schema and compares it table by table
 * with the live read models, at the same checkpoint exactly. The live side is read in one
 * REPEATABLE READ snapshot: its tables and checkpoint row are committed together, so the
 * snapshot shows them as of one checkpoint L while the projector goes on; the shadow is then
 * replayed to exactly L. Most of the replay happens before the snapshot, which is held only
 * for the last stretch and the comparison.
 */
export async function verifyReadModels(deps: VerifyDeps): Promise<VerifyResult> {
  const { sql, eventStore } = deps;
  await migrateReadModels(sql);
  return withMaintenanceLock(sql, async () => {
    const target: ReplayTarget = {
      sql,
      eventStore,
      logger: deps.logger,
      schema: VERIFY_SCHEMA,
      pageSize: deps.pageSize ?? 20_000,
      lanes: REBUILD_LANES,
    };
    const progress = createProgress('verify', deps.report ?? (() => {}));
    await layShadowSchema(sql, VERIFY_SCHEMA); // query-only indexes are not needed to compare rows
    let keep = false;
    try {
      const start = (await readCheckpoint(sql, READ_SCHEMA, READ_MODELS_CHECKPOINT)).position;
      const bulk = await replayRange(target, null, start, (p) =>
        progress.update(p.events, p.position, start),
      );
      const result = await sql.transaction(async (snapshot) => {
        await snapshot.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        await snapshot.query("SET LOCAL TimeZone = 'UTC'");
        const live = (await readCheckpoint(snapshot, READ_SCHEMA, READ_MODELS_CHECKPOINT)).position;
        if (start !== null && (live === null || eventStore.comparePositions(live, start) < 0)) {
          throw new Error(
            `the live checkpoint moved back from ${start} to ${live ?? 'the start'}; run verify again`,
          );
        }
        const tail = await replayRange(target, bulk.position, live, (p) =>
          progress.update(bulk.events + p.events, p.position, live),
        );
        const shadowAt = (await readCheckpoint(sql, VERIFY_SCHEMA, READ_MODELS_CHECKPOINT)).position;
        if (shadowAt !== live)
          throw new Error(`the shadow reached ${shadowAt}, not the live checkpoint ${live}`);
        const tables = await sql.transaction(async (shadow) => {
          await shadow.query("SET LOCAL TimeZone = 'UTC'");
          return compareTables(snapshot, shadow, deps.rowLimit ?? 10);
        });
        return { position: live, events: bulk.events + tail.events, tables };
      });
      const equal = result.tables.every((table) => table.equal);
      keep = !equal;
      return { ...result, equal, shadowSchema: keep ? VERIFY_SCHEMA : null };
    } finally {
      if (!keep) await dropSchema(sql, VERIFY_SCHEMA).catch(() => undefined);
    }
  });
}

async function compareTables(
  live: SqlQueryable,
  shadow: SqlQueryable,
  rowLimit: number,
): Promise<TableVerdict[]> {
  const verdicts: TableVerdict[] = [];
  for (const table of Object.keys(READ_MODEL_TABLES)) {
    const a = await tableChecksum(live, READ_SCHEMA, table);
    const b = await tableChecksum(shadow, VERIFY_SCHEMA, table);
    const equal = a.rows === b.rows && a.checksum === b.checksum;
    const verdict: TableVerdict = { table, live: a, shadow: b, equal };
    if (!equal) {
      verdict.differences = await diffRows(
        { q: live, schema: READ_SCHEMA },
        { q: shadow, schema: VERIFY_SCHEMA },
        table,
        rowLimit,
      );
    }
    verdicts.push(verdict);
  }
  return verdicts;
}

import type { SqlQueryable } from '@taskflow/platform/sql';
import { assertSchemaName } from '../schema.ts';
import { READ_MODEL_TABLES } from '../testing/dump.ts';

export interface TableChecksum {
  rows: number;
  /** md5 over every row's md5 (of its JSON) in key order. */
  checksum: string;
}

export interface RowDifference {
  /** The row's key as a JSON array, e.g. `["6f1c…"]` or `["<project>", "<user>"]`. */
  key: string;
  kind: 'missing_in_live' | 'missing_in_shadow' | 'differs';
  /** For `differs`: each differing column with its live and rebuilt value. */
  columns?: Record<string, { live: unknown; shadow: unknown }>;
}

function keyOf(table: string): string {
  const key = READ_MODEL_TABLES[table];
  if (!key) throw new Error(`not a read-model table: ${table}`);
  return key;
}

export async function tableChecksum(q: SqlQueryable, schema: string, table: string): Promise<TableChecksum> {
  const { rows } = await q.query<{ rows: number; checksum: string }>(
    `SELECT count(*)::int AS rows,
       md5(coalesce(string_agg(md5(row_to_json(t)::text), '' ORDER BY ${keyOf(table)}), '')) AS checksum
     FROM ${assertSchemaName(schema)}.${table} t`,
  );
  return rows[0]!;
}

/** Each row's key and md5, to find which rows make two checksums differ. */
async function rowHashes(q: SqlQueryable, schema: string, table: string): Promise<Map<string, string>> {
  const { rows } = await q.query<{ k: string; h: string }>(
    `SELECT json_build_array(${keyOf(table)})::text AS k, md5(row_to_json(t)::text) AS h
     FROM ${assertSchemaName(schema)}.${table} t`,
  );
  return new Map(rows.map((row) => [row.k, row.h]));
}

async function rowsByKey(
  q: SqlQueryable,
  schema: string,
  table: string,
  keys: string[],
): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await q.query<{ k: string; r: Record<string, unknown> }>(
    `SELECT json_build_array(${keyOf(table)})::text AS k, row_to_json(t) AS r
     FROM ${assertSchemaName(schema)}.${table} t WHERE json_build_array(${keyOf(table)})::text = ANY($1)`,
    [keys],
  );
  return new Map(rows.map((row) => [row.k, row.r]));
}

/**
 * The rows of `table` that differ between the live schema (read through `live`, e.g. a
 * snapshot transaction) and the shadow one: all of them counted, the first `limit` described
 * column by column.
 */
export async function diffRows(
  live: { q: SqlQueryable; schema: string },
  shadow: { q: SqlQueryable; schema: string },
  table: string,
  limit: number,
): Promise<{ count: number; rows: RowDifference[] }> {
  const [liveHashes, shadowHashes] = [
    await rowHashes(live.q, live.schema, table),
    await rowHashes(shadow.q, shadow.schema, table),
  ];
  const differing: RowDifference[] = [];
  for (const [key, hash] of liveHashes) {
    const other = shadowHashes.get(key);
    if (other === undefined) differing.push({ key, kind: 'missing_in_shadow' });
    else if (other !== hash) differing.push({ key, kind: 'differs' });
  }
  for (const key of shadowHashes.keys()) {
    if (!liveHashes.has(key)) differing.push({ key, kind: 'missing_in_live' });
  }
  differing.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const shown = differing.slice(0, limit);
  const changed = shown.filter((row) => row.kind === 'differs').map((row) => row.key);
  if (changed.length > 0) {
    const liveRows = await rowsByKey(live.q, live.schema, table, changed);
    const shadowRows = await rowsByKey(shadow.q, shadow.schema, table, changed);
    for (const row of shown) {
      if (row.kind !== 'differs') continue;
      const a = liveRows.get(row.key) ?? {};
      const b = shadowRows.get(row.key) ?? {};
      row.columns = {};
      for (const column of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (JSON.stringify(a[column]) !== JSON.stringify(b[column])) {
          row.columns[column] = { live: a[column], shadow: b[column] };
        }
      }
    }
  }
  return { count: differing.length, rows: shown };
}

import type { VerifyResult } from '../rebuild/verify.ts';

/** `projections verify`'s answer: one line per table, then every difference it found, then the verdict. */
export function formatVerdict(result: VerifyResult): string {
  const out: string[] = [];
  const header = ['table', 'live rows', 'rebuilt rows', 'live checksum', 'rebuilt checksum', ''];
  const rows = result.tables.map((t) => [
    t.table,
    String(t.live.rows),
    String(t.shadow.rows),
    t.live.checksum,
    t.shadow.checksum,
    t.equal ? 'equal' : 'DIFFERS',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  out.push(
    `compared at checkpoint ${result.position ?? '(nothing projected yet)'}, ${result.events} events replayed`,
  );
  out.push(line(header), ...rows.map(line));
  for (const table of result.tables) {
    if (!table.differences) continue;
    const { count, rows: shown } = table.differences;
    out.push('', `${table.table}: ${count} row${count === 1 ? '' : 's'} differ${count === 1 ? 's' : ''}`);
    for (const row of shown) {
      if (row.kind === 'missing_in_shadow') out.push(`  ${row.key}: only in the live table`);
      else if (row.kind === 'missing_in_live') out.push(`  ${row.key}: missing from the live table`);
      else {
        const columns = Object.entries(row.columns ?? {}).map(
          ([name, v]) => `${name} live ${JSON.stringify(v.live)} rebuilt ${JSON.stringify(v.shadow)}`,
        );
        out.push(`  ${row.key}: ${columns.join('; ')}`);
      }
    }
    if (count > shown.length) out.push(`  … and ${count - shown.length} more`);
  }
  const differing = result.tables.filter((t) => !t.equal).map((t) => t.table);
  out.push(
    '',
    differing.length === 0
      ? 'verify: every read-model table equals a fresh replay of the log'
      : `verify: ${differing.join(', ')} differ${differing.length === 1 ? 's' : ''} from a fresh replay of the log (the rebuild is kept in schema ${result.shadowSchema}; \`./taskflow projections rebuild\` replaces the live tables)`,
  );
  return `${out.join('\n')}\n`;
}

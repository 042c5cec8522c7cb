/** The benchmark's closing table: one row per measure, with its target and whether it was met. */
export function printTable(title: string, rows: Array<[string, string, string, string]>): void {
  const header: [string, string, string, string] = ['measure', 'result', 'target', 'met'];
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

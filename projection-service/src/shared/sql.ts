/** A timestamptz as the API writes times: ISO-8601 UTC, milliseconds, `Z` (as `toISOString`). */
export function isoTime(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

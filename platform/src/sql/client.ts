/**
 * The small SQL interface every PostgreSQL-backed part of TaskFlow codes against, so the same
 * code runs on a `pg` pool (PostgreSQL server) and on PGlite (embedded, in-process).
 */

export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Keep the statement prepared on each connection that runs it, skipping parse and plan on
   * later runs. Only for fixed statement texts used often (a few per module), never for
   * texts built from data: every distinct text stays prepared for the connection's life.
   */
  prepare?: boolean;
}

export interface SqlQueryable {
  /** One statement, `$1`-style parameters. Objects bound to json/jsonb parameters should be JSON text. */
  query<Row extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<SqlResult<Row>>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * Called for each NOTIFY on the channel. `null` means notifications may have been lost (the
 * listening connection was re-established), so the listener should re-check what it waits for.
 */
export type NotificationHandler = (payload: string | null) => void;

export interface SqlClient extends SqlQueryable {
  /** Runs `fn` between BEGIN and COMMIT on one session; rolls back and rethrows when `fn` throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** LISTEN on `channel`; resolves once listening. The returned function stops this handler. */
  listen(channel: string, onNotification: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The SQLSTATE of a database error, when it is one. */
export function sqlErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlErrorCode(error) === '23505';
}

/** Channel names are identifiers in LISTEN, which takes no parameters: allow only plain names. */
export function assertChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new Error(`invalid LISTEN channel name: ${channel}`);
  }
}

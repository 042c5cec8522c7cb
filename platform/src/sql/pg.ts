import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  assertChannelName,
  type NotificationHandler,
  type QueryOptions,
  type SqlClient,
  type SqlQueryable,
  type SqlResult,
} from './client.ts';

export interface PgSqlClientOptions {
  connectionString: string;
  /** Pool size; concurrent writers beyond it queue for a connection. */
  maxConnections?: number;
  /** Connection errors that happen outside any query (idle pool clients, the LISTEN connection). */
  onBackgroundError?: (error: Error) => void;
}

const RECONNECT_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];

export function createPgSqlClient(options: PgSqlClientOptions): SqlClient {
  const onBackgroundError = options.onBackgroundError ?? (() => {});
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 20 });
  // An idle client's error is emitted on the pool; unhandled it would crash the process.
  pool.on('error', onBackgroundError);
  const listener = createListener(options.connectionString, onBackgroundError);

  return {
    query: (text, params, queryOptions) => runQuery(pool, text, params, queryOptions),
    exec: async (script) => {
      await pool.query(script);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const tx: SqlQueryable = {
          query: (text, params, queryOptions) => runQuery(client, text, params, queryOptions),
          exec: async (script) => {
            await client.query(script);
          },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        throw error;
      } finally {
        // A connection that could not even roll back is discarded rather than reused.
        client.release(broken);
      }
    },
    listen: (channel, handler) => listener.listen(channel, handler),
    close: async () => {
      await listener.close();
      await pool.end();
    },
  };
}

const statementNames = new Map<string, string>();

/** `pg` prepares a named statement once per connection and reuses it after. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `tf_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

async function runQuery<Row extends object>(
  target: pg.Pool | pg.PoolClient,
  text: string,
  params?: readonly unknown[],
  options?: QueryOptions,
): Promise<SqlResult<Row>> {
  const values = params as unknown[] | undefined;
  const result = options?.prepare
    ? await target.query<Row>({ name: statementName(text), text, values })
    : await target.query<Row>(text, values);
  return { rows: result.rows, rowCount: result.rowCount ?? 0 };
}

/**
 * LISTEN needs a session of its own that stays open (a pooled connection would be handed to
 * someone else). When it drops, it reconnects with backoff and tells handlers that
 * notifications may have been missed.
 */
function createListener(connectionString: string, onBackgroundError: (error: Error) => void) {
  const handlers = new Map<string, Set<NotificationHandler>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let reconnectAttempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const dispatch = (channel: string, payload: string | null) => {
    for (const handler of handlers.get(channel) ?? []) handler(payload);
  };

  const connect = async (): Promise<pg.Client> => {
    const fresh = new pg.Client({ connectionString });
    fresh.on('notification', (message) => dispatch(message.channel, message.payload ?? ''));
    fresh.on('error', (error) => {
      onBackgroundError(error);
      dropAndReconnect(fresh);
    });
    fresh.on('end', () => dropAndReconnect(fresh));
    await fresh.connect();
    for (const channel of handlers.keys()) await fresh.query(`LISTEN ${channel}`);
    return fresh;
  };

  const ensureConnected = async (): Promise<pg.Client> => {
    if (client) return client;
    connecting ??= connect().then(
      (connected) => {
        client = connected;
        connecting = undefined;
        reconnectAttempt = 0;
        return connected;
      },
      (error: unknown) => {
        connecting = undefined;
        throw error;
      },
    );
    return connecting;
  };

  const dropAndReconnect = (dropped: pg.Client) => {
    if (client !== dropped) return;
    client = undefined;
    dropped.end().catch(() => {});
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer || handlers.size === 0) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)] ?? 5000;
    reconnectAttempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      ensureConnected().then(
        () => {
          for (const channel of handlers.keys()) dispatch(channel, null);
        },
        (error: unknown) => {
          onBackgroundError(error as Error);
          scheduleReconnect();
        },
      );
    }, delay);
    reconnectTimer.unref();
  };

  return {
    async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
      assertChannelName(channel);
      if (closed) throw new Error('SQL client is closed');
      let channelHandlers = handlers.get(channel);
      const isNewChannel = !channelHandlers;
      if (!channelHandlers) {
        channelHandlers = new Set();
        handlers.set(channel, channelHandlers);
      }
      channelHandlers.add(handler);
      try {
        const connected = await ensureConnected();
        if (isNewChannel) await connected.query(`LISTEN ${channel}`);
      } catch (error) {
        channelHandlers.delete(handler);
        if (channelHandlers.size === 0) handlers.delete(channel);
        throw error;
      }
      return async () => {
        channelHandlers.delete(handler);
        if (channelHandlers.size > 0 || handlers.get(channel) !== channelHandlers) return;
        handlers.delete(channel);
        await client?.query(`UNLISTEN ${channel}`).catch(() => {});
      };
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(reconnectTimer);
      handlers.clear();
      const current = client ?? (await connecting?.catch(() => undefined));
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}

import type { Notification } from '@taskflow/contracts';
import type { Logger } from '@taskflow/platform';
import type { WebSocket } from 'ws';
import type { ReadSide } from '../read-side/port.ts';
import { CLOSE, type Connection, type ConnectionLimits, createConnection } from './connection.ts';
import { createMembershipCache, type MembershipCache } from './membership-cache.ts';

export interface HubOptions {
  readSide: Pick<ReadSide, 'notificationsAfter' | 'isMember'>;
  logger: Logger;
  limits?: Partial<ConnectionLimits>;
  maxSocketsPerUser?: number;
  /** Ping period; a socket that has not answered the previous ping by the next is terminated. */
  pingIntervalMs?: number;
  membershipTtlMs?: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxBufferedBytes: 1024 * 1024,
  maxPendingLive: 1_000,
  resumePageSize: 500,
  catchUpWaitMs: 2_000,
  stallMs: 30_000,
  closeGraceMs: 5_000,
  rememberedIds: 2_000,
  frames: { burst: 20, perSecond: 5, maxDropped: 100 },
};

export interface NotificationHub {
  readonly membership: MembershipCache;
  /** Whether one more socket for this user fits under the per-user cap. */
  hasRoomFor(userId: string): boolean;
  attach(socket: WebSocket, userId: string): Connection | null;
  /** Authorises (membership) and hands a live notification to each of the user's sockets here. */
  push(recipientId: string, notification: Notification): Promise<void>;
  /** Every socket gets a close frame with `code`; used on shutdown (1001). */
  closeAll(code: number, reason: string): void;
  stats(): { sockets: number; users: number; bufferedBytes: number };
  connectionsOf(userId: string): readonly Connection[];
  stop(): void;
}

/** The sockets this process holds, by user, and the live push path into them. */
export function createNotificationHub(options: HubOptions): NotificationHub {
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const maxSockets = options.maxSocketsPerUser ?? 10;
  const log = options.logger.child({ component: 'ws-hub' });
  // Arrays, not Sets: most users hold one socket, and an idle socket's bytes count.
  const byUser = new Map<string, Connection[]>();
  let count = 0;
  const membership = createMembershipCache(options.readSide, {
    ttlMs: options.membershipTtlMs ?? 5_000,
    log,
  });
  const authorize = (userId: string, notification: Notification) =>
    membership.isMember(notification.projectId, userId, notification.position);

  const pinger = setInterval(() => {
    for (const connections of [...byUser.values()]) {
      for (const connection of [...connections]) sweep(connection);
    }
  }, options.pingIntervalMs ?? 30_000);
  pinger.unref();

  function sweep(connection: Connection) {
    if (!connection.alive) {
      log.info({ userId: connection.userId }, 'terminating a socket that missed its pong');
      connection.terminate();
      return;
    }
    connection.alive = false;
    connection.ping();
  }

  function detach(connection: Connection) {
    const list = byUser.get(connection.userId);
    const at = list?.indexOf(connection) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    count -= 1;
    if (list.length === 0) byUser.delete(connection.userId);
  }

  return {
    membership,
    hasRoomFor: (userId) => (byUser.get(userId)?.length ?? 0) < maxSockets,
    attach(socket, userId) {
      if ((byUser.get(userId)?.length ?? 0) >= maxSockets) {
        socket.close(CLOSE.policy, 'too many sockets for this user');
        return null;
      }
      const connection = createConnection({
        socket,
        userId,
        limits,
        readSide: options.readSide,
        authorize,
        log,
        onClosed: detach,
      });
      const list = byUser.get(userId);
      if (list) list.push(connection);
      else byUser.set(userId, [connection]);
      count += 1;
      return connection;
    },
    async push(recipientId, notification) {
      const connections = byUser.get(recipientId);
      if (!connections || connections.length === 0) return;
      if (!(await authorize(recipientId, notification))) return;
      for (const connection of [...(byUser.get(recipientId) ?? [])]) connection.deliver(notification);
    },
    closeAll(code, reason) {
      for (const connections of [...byUser.values()]) {
        for (const connection of [...connections]) connection.close(code, reason);
      }
    },
    stats() {
      let bufferedBytes = 0;
      for (const connections of byUser.values())
        for (const c of connections) bufferedBytes += c.bufferedBytes;
      return { sockets: count, users: byUser.size, bufferedBytes };
    },
    connectionsOf: (userId) => [...(byUser.get(userId) ?? [])],
    stop() {
      clearInterval(pinger);
    },
  };
}

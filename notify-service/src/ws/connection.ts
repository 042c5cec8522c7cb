import { randomUUID } from 'node:crypto';
import { type Notification, parseClientFrame, type ServerFrame } from '@taskflow/contracts';
import type { Logger } from '@taskflow/platform';
import type { WebSocket } from 'ws';
import type { ReadSide } from '../read-side/port.ts';
import { errorMessage, sleep } from '../shared/backoff.ts';
import { comparePositions } from '../shared/positions.ts';
import { SentIds } from './sent-ids.ts';
import { createFrameThrottle } from './throttle.ts';

export interface ConnectionLimits {
  /** Bytes queued towards one client (ws' bufferedAmount) beyond which it is closed with 1013. */
  maxBufferedBytes: number;
  /** Live notifications held while a resume catches up; beyond it the socket is closed with 1013. */
  maxPendingLive: number;
  resumePageSize: number;
  /** How long a resume waits for the read side to catch up with live notifications it holds. */
  catchUpWaitMs: number;
  /** How long a resume may wait for a client to read before it counts as stalled (1013). */
  stallMs: number;
  /** After a close frame, how long before the TCP connection is cut regardless. */
  closeGraceMs: number;
  rememberedIds: number;
  frames: { burst: number; perSecond: number; maxDropped: number };
}

export const CLOSE = {
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  tryAgainLater: 1013,
} as const;

export interface ConnectionDeps {
  socket: WebSocket;
  userId: string;
  limits: ConnectionLimits;
  readSide: Pick<ReadSide, 'notificationsAfter'>;
  /** Whether the user may see this notification now (project membership). */
  authorize: (userId: string, notification: Notification) => Promise<boolean>;
  log: Logger;
  onClosed: (connection: Connection) => void;
}

export interface Connection {
  readonly id: string;
  readonly userId: string;
  readonly closed: boolean;
  /** Bytes queued towards the client right now. */
  readonly bufferedBytes: number;
  /** Liveness for the ping sweep: set by a pong or any message, cleared by each ping. */
  alive: boolean;
  /** A live notification, already authorised for this user. Never blocks. */
  deliver(notification: Notification): void;
  close(code: number, reason: string): void;
  terminate(): void;
  /** Settles when the resume in progress (if any) is done; for tests and shutdown. */
  idle(): Promise<void>;
}

/**
 * One socket: the bounded outbound path, resume (read side first, live ones held and merged
 * after, every id sent at most once) and the client's frames (parsed, throttled).
 */
export function createConnection(deps: ConnectionDeps): Connection {
  const { socket, userId, limits, log } = deps;
  const sent = new SentIds(limits.rememberedIds);
  const throttle = createFrameThrottle(limits.frames);
  let pendingLive: Notification[] | null = null;
  let resumes: Promise<void> = Promise.resolve();
  let dropped = 0;
  let closed = false;

  const connection: Connection = {
    id: randomUUID(),
    userId,
    alive: true,
    get closed() {
      return closed;
    },
    get bufferedBytes() {
      return socket.bufferedAmount;
    },
    deliver(notification) {
      if (closed) return;
      if (pendingLive === null) {
        sendNotification(notification);
      } else if (pendingLive.length >= limits.maxPendingLive) {
        overflow('too many live notifications held during a resume');
      } else {
        pendingLive.push(notification);
      }
    },
    close,
    terminate() {
      markClosed();
      socket.terminate();
    },
    idle: () => resumes,
  };

  function markClosed() {
    if (closed) return;
    closed = true;
    pendingLive = null;
    deps.onClosed(connection);
  }

  function close(code: number, reason: string) {
    if (closed) return;
    markClosed();
    socket.close(code, reason);
    const cut = setTimeout(() => socket.terminate(), limits.closeGraceMs);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  }

  function overflow(why: string) {
    log.info({ userId, buffered: socket.bufferedAmount, why }, 'closing a socket that cannot keep up');
    close(CLOSE.tryAgainLater, 'too slow: reconnect and resume');
  }

  function sendFrame(frame: ServerFrame): boolean {
    if (closed) return false;
    const data = JSON.stringify(frame);
    if (socket.bufferedAmount + Buffer.byteLength(data) > limits.maxBufferedBytes) {
      overflow('outbound queue full');
      return false;
    }
    socket.send(data);
    return true;
  }

  function sendNotification(notification: Notification): boolean {
    if (sent.has(notification.id)) return true;
    if (!sendFrame({ type: 'notification', notification })) return false;
    sent.add(notification.id);
    return true;
  }

  /** A resume paces itself: it waits for the client to read rather than overflowing it. */
  async function sendPaced(notification: Notification): Promise<boolean> {
    if (sent.has(notification.id)) return true;
    const size = JSON.stringify(notification).length + 40;
    const since = Date.now();
    while (!closed && socket.bufferedAmount + size > limits.maxBufferedBytes / 2) {
      if (Date.now() - since > limits.stallMs) {
        overflow('client stopped reading during a resume');
        return false;
      }
      await sleep(5);
    }
    return sendNotification(notification);
  }

  /** Sends the read side's page after `cursor`; returns the new cursor and whether there is more. */
  async function catchUpPage(cursor: string): Promise<{ cursor: string; more: boolean } | null> {
    const page = await deps.readSide.notificationsAfter(userId, cursor, limits.resumePageSize);
    let next = cursor;
    for (const notification of page) {
      if (closed) return null;
      if ((await deps.authorize(userId, notification)) && !(await sendPaced(notification))) return null;
      if (comparePositions(notification.position, next) > 0) next = notification.position;
    }
    // A read side may cap its pages below what was asked: only an empty page ends the catch-up.
    return { cursor: next, more: page.length > 0 };
  }

  async function resume(after: string) {
    if (closed) return;
    pendingLive ??= [];
    let cursor = after;
    try {
      for (;;) {
        const step = await catchUpPage(cursor);
        if (!step) return;
        cursor = step.cursor;
        if (!step.more) break;
      }
      // Live notifications the read side has not projected yet: give it a moment to, so
      // anything between the last page and them is not skipped, then merge them in.
      const waitUntil = Date.now() + limits.catchUpWaitMs;
      while (!closed && pendingLive && !coveredBy(cursor, pendingLive) && Date.now() < waitUntil) {
        await sleep(50);
        const step = await catchUpPage(cursor);
        if (!step) return;
        cursor = step.cursor;
      }
    } catch (error) {
      log.warn({ userId, err: error }, 'resume failed');
      sendFrame({ type: 'error', code: 'resume_failed', message: `resume failed: ${errorMessage(error)}` });
    }
    while (!closed && pendingLive && pendingLive.length > 0) {
      const held = pendingLive.splice(0).sort((a, b) => comparePositions(a.position, b.position));
      for (const notification of held) if (!(await sendPaced(notification))) return;
    }
    if (!closed) pendingLive = null;
  }

  function coveredBy(cursor: string, held: Notification[]): boolean {
    return held.every((n) => sent.has(n.id) || comparePositions(n.position, cursor) <= 0);
  }

  function onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) {
    connection.alive = true;
    if (!throttle.take()) {
      dropped += 1;
      if (dropped > limits.frames.maxDropped) close(CLOSE.policy, 'too many frames');
      return;
    }
    dropped = 0;
    const frame = isBinary
      ? null
      : parseClientFrame(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    if (frame === null) {
      sendFrame({
        type: 'error',
        code: 'invalid_frame',
        message: 'expected {"type":"resume","after":"<position>"}',
      });
      return;
    }
    resumes = resumes.then(() => resume(frame.after));
  }

  socket.on('message', onMessage);
  socket.on('pong', () => {
    connection.alive = true;
  });
  socket.on('close', markClosed);
  return connection;
}

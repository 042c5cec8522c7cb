import { type Notification, parseClientFrame, type ServerFrame } from '@taskflow/contracts';
import type { Logger } from '@taskflow/platform';
import type { WebSocket } from 'ws';
import type { ReadSide } from '../read-side/port.ts';
import { errorMessage, sleep } from '../shared/backoff.ts';
import { comparePositions } from '../shared/positions.ts';
import { SentIds } from './sent-ids.ts';
import { createFrameThrottle, type FrameThrottle } from './throttle.ts';

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
  ping(): void;
  /** Settles when the resume in progress (if any) is done; for tests and shutdown. */
  idle(): Promise<void>;
}

export function createConnection(deps: ConnectionDeps): Connection {
  return new SocketConnection(deps);
}

/**
 * One socket: the bounded outbound path, resume (read side first, live ones held and merged
 * after, every id sent at most once) and the client's frames (parsed, throttled). A class with
 * lazily made parts, because tens of thousands of idle sockets each carry one.
 */
class SocketConnection implements Connection {
  readonly userId: string;
  alive = true;
  readonly #deps: ConnectionDeps;
  #sent: SentIds | null = null;
  #throttle: FrameThrottle | null = null;
  #pendingLive: Notification[] | null = null;
  #resumes: Promise<void> | null = null;
  #dropped = 0;
  #closed = false;

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
    this.userId = deps.userId;
    const { socket } = deps;
    socket.on('message', (data: Buffer, isBinary: boolean) => this.#onMessage(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('close', () => this.#markClosed());
  }

  get closed(): boolean {
    return this.#closed;
  }

  get bufferedBytes(): number {
    return this.#deps.socket.bufferedAmount;
  }

  deliver(notification: Notification): void {
    if (this.#closed) return;
    const pending = this.#pendingLive;
    if (pending === null) this.#sendNotification(notification);
    else if (pending.length >= this.#deps.limits.maxPendingLive)
      this.#overflow('too many live notifications held during a resume');
    else pending.push(notification);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#markClosed();
    const { socket } = this.#deps;
    socket.close(code, reason);
    const cut = setTimeout(() => socket.terminate(), this.#deps.limits.closeGraceMs);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  }

  terminate(): void {
    this.#markClosed();
    this.#deps.socket.terminate();
  }

  ping(): void {
    this.#deps.socket.ping();
  }

  idle(): Promise<void> {
    return this.#resumes ?? Promise.resolve();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pendingLive = null;
    this.#deps.onClosed(this);
  }

  #overflow(why: string): void {
    const { log, socket } = this.#deps;
    log.info(
      { userId: this.userId, buffered: socket.bufferedAmount, why },
      'closing a socket that cannot keep up',
    );
    this.close(CLOSE.tryAgainLater, 'too slow: reconnect and resume');
  }

  #sendFrame(frame: ServerFrame): boolean {
    if (this.#closed) return false;
    const data = JSON.stringify(frame);
    const { socket, limits } = this.#deps;
    if (socket.bufferedAmount + Buffer.byteLength(data) > limits.maxBufferedBytes) {
      this.#overflow('outbound queue full');
      return false;
    }
    socket.send(data);
    return true;
  }

  #sendNotification(notification: Notification): boolean {
    this.#sent ??= new SentIds(this.#deps.limits.rememberedIds);
    if (this.#sent.has(notification.id)) return true;
    if (!this.#sendFrame({ type: 'notification', notification })) return false;
    this.#sent.add(notification.id);
    return true;
  }

  /** A resume paces itself: it waits for the client to read rather than overflowing it. */
  async #sendPaced(notification: Notification): Promise<boolean> {
    if (this.#sent?.has(notification.id)) return true;
    const { socket, limits } = this.#deps;
    const size = JSON.stringify(notification).length + 40;
    const since = Date.now();
    while (!this.#closed && socket.bufferedAmount + size > limits.maxBufferedBytes / 2) {
      if (Date.now() - since > limits.stallMs) {
        this.#overflow('client stopped reading during a resume');
        return false;
      }
      await sleep(5);
    }
    return this.#sendNotification(notification);
  }

  /** Sends the read side's page after `cursor`; the new cursor and whether there may be more. */
  async #catchUpPage(cursor: string): Promise<{ cursor: string; more: boolean } | null> {
    const { readSide, authorize, limits } = this.#deps;
    const page = await readSide.notificationsAfter(this.userId, cursor, limits.resumePageSize);
    let next = cursor;
    for (const notification of page) {
      if (this.#closed) return null;
      if ((await authorize(this.userId, notification)) && !(await this.#sendPaced(notification))) return null;
      if (comparePositions(notification.position, next) > 0) next = notification.position;
    }
    // A read side may cap its pages below what was asked: only an empty page ends the catch-up.
    return { cursor: next, more: page.length > 0 };
  }

  async #resume(after: string): Promise<void> {
    if (this.#closed) return;
    this.#pendingLive ??= [];
    let cursor = after;
    try {
      for (;;) {
        const step = await this.#catchUpPage(cursor);
        if (!step) return;
        cursor = step.cursor;
        if (!step.more) break;
      }
      // Live notifications the read side has not projected yet: give it a moment to, so
      // anything between the last page and them is not skipped, then merge them in.
      const waitUntil = Date.now() + this.#deps.limits.catchUpWaitMs;
      while (
        !this.#closed &&
        this.#pendingLive &&
        !this.#coveredBy(cursor, this.#pendingLive) &&
        Date.now() < waitUntil
      ) {
        await sleep(50);
        const step = await this.#catchUpPage(cursor);
        if (!step) return;
        cursor = step.cursor;
      }
    } catch (error) {
      this.#deps.log.warn({ userId: this.userId, err: error }, 'resume failed');
      this.#sendFrame({
        type: 'error',
        code: 'resume_failed',
        message: `resume failed: ${errorMessage(error)}`,
      });
    }
    while (!this.#closed && this.#pendingLive && this.#pendingLive.length > 0) {
      const held = this.#pendingLive.splice(0).sort((a, b) => comparePositions(a.position, b.position));
      for (const notification of held) if (!(await this.#sendPaced(notification))) return;
    }
    if (!this.#closed) this.#pendingLive = null;
  }

  #coveredBy(cursor: string, held: Notification[]): boolean {
    return held.every((n) => this.#sent?.has(n.id) || comparePositions(n.position, cursor) <= 0);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    const { limits } = this.#deps;
    this.#throttle ??= createFrameThrottle(limits.frames);
    if (!this.#throttle.take()) {
      this.#dropped += 1;
      if (this.#dropped > limits.frames.maxDropped) this.close(CLOSE.policy, 'too many frames');
      return;
    }
    this.#dropped = 0;
    const frame = isBinary ? null : parseClientFrame(data.toString('utf8'));
    if (frame === null) {
      this.#sendFrame({
        type: 'error',
        code: 'invalid_frame',
        message: 'expected {"type":"resume","after":"<position>"}',
      });
      return;
    }
    this.#resumes = (this.#resumes ?? Promise.resolve()).then(() => this.#resume(frame.after));
  }
}

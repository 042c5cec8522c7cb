import type { Notification, ServerFrame } from '@taskflow/contracts';
import { WebSocket } from 'ws';

export interface TestSocket {
  ws: WebSocket;
  frames: ServerFrame[];
  /** The protocol the server chose ('' when none). */
  protocol: string;
  notifications(): Notification[];
  waitForNotifications(count: number, timeoutMs?: number): Promise<Notification[]>;
  waitForFrame(predicate: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  close(): void;
}

export interface ConnectOptions {
  token?: string;
  via?: 'query' | 'protocol';
  origin?: string;
  autoPong?: boolean;
}

function target(baseUrl: string, options: ConnectOptions): { url: string; protocols: string[] } {
  const url = new URL('/ws/notifications', baseUrl.replace(/^http/, 'ws'));
  if (options.token && options.via !== 'protocol') url.searchParams.set('access_token', options.token);
  const protocols = options.token && options.via === 'protocol' ? ['bearer', options.token] : [];
  return { url: url.toString(), protocols };
}

/** A real `ws` client on /ws/notifications that records every frame it gets. */
export function connect(baseUrl: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const { url, protocols } = target(baseUrl, options);
  const ws = new WebSocket(url, protocols, {
    ...(options.origin ? { origin: options.origin } : {}),
    autoPong: options.autoPong ?? true,
  });
  const frames: ServerFrame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as ServerFrame));
  const until = async <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const notifications = () =>
    frames.flatMap((frame) => (frame.type === 'notification' ? [frame.notification] : []));
  const socket: TestSocket = {
    ws,
    frames,
    protocol: '',
    notifications,
    waitForNotifications: (count, timeoutMs = 10_000) =>
      until(
        () => (notifications().length >= count ? notifications() : undefined),
        timeoutMs,
        `${count} notifications (have ${notifications().length})`,
      ),
    waitForFrame: (predicate, timeoutMs = 10_000) =>
      until(() => frames.find(predicate), timeoutMs, 'a frame'),
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      socket.protocol = ws.protocol;
      resolve(socket);
    });
    ws.once('unexpected-response', (_request, response) => {
      reject(
        Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode }),
      );
    });
    ws.once('error', reject);
  });
}

/** The HTTP status a refused upgrade answered with. */
export async function refusedStatus(baseUrl: string, options: ConnectOptions = {}): Promise<number> {
  try {
    const socket = await connect(baseUrl, options);
    socket.close();
    return 101;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === undefined) throw error;
    return status;
  }
}

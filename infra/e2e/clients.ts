import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: wire JSON, read like any client reads it and checked with expect()
export type Json = any;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Json;
}

/** A JSON client for the one URL, the way a real client calls it. */
export function apiClient(baseUrl: string) {
  return async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
}
export type Api = ReturnType<typeof apiClient>;

/** A WebSocket client that keeps every frame it receives. */
export class SocketClient {
  readonly frames: Json[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  closed = false;

  constructor(baseUrl: string, token: string) {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws/notifications?access_token=${encodeURIComponent(token)}`;
    this.socket = new WebSocket(url);
    this.socket.on('message', (data) => this.frames.push(JSON.parse(data.toString())));
    this.socket.on('close', () => {
      this.closed = true;
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade refused: ${response.statusCode}`)),
      );
    });
  }

  notifications(type?: string): Json[] {
    return this.frames
      .filter((frame) => frame.type === 'notification')
      .map((frame) => frame.notification)
      .filter((notification) => type === undefined || notification.type === type);
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close(1000);
    await done;
  }
}

export interface CapturedMail {
  to: string[];
  raw: string;
  notificationId: string | null;
}

/** A real SMTP server the system sends to; keeps every message. */
export async function startMailCatcher(): Promise<{
  url: string;
  mails: CapturedMail[];
  stop(): Promise<void>;
}> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = /^X-TaskFlow-Notification-Id:\s*(\S+)/im.exec(raw);
        mails.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
          raw,
          notificationId: header?.[1] ?? null,
        });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

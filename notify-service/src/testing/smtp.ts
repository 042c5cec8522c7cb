import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string>;
  /** The decoded text/plain and text/html parts. */
  text: string;
  html: string;
}

export interface Reply {
  code: number;
  message: string;
}

/**
 * A real SMTP server (the `smtp-server` package) on a free port. `script` answers MAIL FROM
 * per attempt: a Reply fails that attempt with the code, null accepts; `rejectRecipient`
 * answers RCPT TO for one address permanently.
 */
export interface TestSmtp {
  url: string;
  received: ReceivedEmail[];
  attempts: number;
  script: (Reply | null)[];
  rejectRecipients: Map<string, Reply>;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEmail[]>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const smtp: TestSmtp = {
    url: '',
    received: [],
    attempts: 0,
    script: [],
    rejectRecipients: new Map(),
    async waitFor(count, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (smtp.received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} emails, got ${smtp.received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return smtp.received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const fail = (reply: Reply) => Object.assign(new Error(reply.message), { responseCode: reply.code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      smtp.attempts += 1;
      const reply = smtp.script.shift();
      callback(reply ? fail(reply) : null);
    },
    onRcptTo(address, _session, callback) {
      const reply = smtp.rejectRecipients.get(address.address);
      callback(reply ? fail(reply) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        smtp.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          headers: parseHeaders(raw),
          text: partOf(raw, 'text/plain'),
          html: partOf(raw, 'text/html'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  smtp.url = `smtp://127.0.0.1:${address.port}`;
  return smtp;
}

/** A server that accepts connections and never says a word: a stuck SMTP server. */
export async function startSilentSmtp(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function parseHeaders(raw: string): Map<string, string> {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** The decoded body of the first MIME part of `type` (multipart/alternative as nodemailer writes it). */
function partOf(raw: string, type: string): string {
  for (const part of raw.split(/\r\n--[^\r\n]+\r\n/)) {
    const headers = parseHeaders(part);
    if (!headers.get('content-type')?.startsWith(type)) continue;
    const body = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n--[^\r\n]*--\s*$/, '');
    const encoding = headers.get('content-transfer-encoding');
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    return encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body;
  }
  return '';
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/[\u0080-\u00ff]+/g, (bytes) => Buffer.from(bytes, 'latin1').toString('utf8'));
}

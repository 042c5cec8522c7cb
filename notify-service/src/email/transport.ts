import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/** One email as the worker hands it over; every header value is already sanitised. */
export interface OutgoingEmail {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  /** Resolves once the server accepted the message; rejects with nodemailer's error otherwise. */
  send(email: OutgoingEmail): Promise<void>;
  close(): Promise<void>;
  /** For the start-up log: where mail goes. */
  readonly describe: string;
}

export interface SmtpOptions {
  url: string;
  /** Parallel SMTP connections. */
  maxConnections?: number;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/**
 * nodemailer over SMTP_URL, pooled. The timeouts make a stuck server fail the attempt (to be
 * retried later) instead of holding a worker slot forever.
 */
export function createSmtpTransport(options: SmtpOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 4,
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    greetingTimeout: options.connectionTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
  });
  const parsed = new URL(options.url);
  return {
    describe: `smtp://${parsed.host}`,
    async send(email) {
      await transporter.sendMail({ ...email, disableFileAccess: true, disableUrlAccess: true });
    },
    async close() {
      transporter.close();
    },
  };
}

/**
 * The embedded mode's mailbox: each email as an .eml file under `dir` that a person can open
 * with any mail client; the file name starts with the time so `ls` shows them in order.
 */
export function createMailboxTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: dir,
    async send(email) {
      const info = await transporter.sendMail({ ...email, disableFileAccess: true, disableUrlAccess: true });
      await mkdir(dir, { recursive: true });
      const id = email.messageId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await writeFile(join(dir, `${stamp}-${id}.eml`), info.message as Buffer);
    },
    async close() {
      transporter.close();
    },
  };
}

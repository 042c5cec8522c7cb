// A local SMTP catcher for `./taskflow stack`: accepts every message on loopback and keeps it
// as an .eml file a person can open. Not for production; it stands in for a real mail server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';

const port = Number(process.env.SMTP_SINK_PORT ?? 2525);
const mailbox = resolve(process.env.SMTP_SINK_DIR ?? '.taskflow/mailbox');
mkdirSync(mailbox, { recursive: true });
let received = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  size: 1024 * 1024,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received += 1;
      const name = `${Date.now()}-${String(received).padStart(6, '0')}.eml`;
      writeFileSync(join(mailbox, name), Buffer.concat(chunks));
      const to = session.envelope.rcptTo.map((rcpt) => rcpt.address).join(', ');
      process.stdout.write(`mail for ${to} → ${name}\n`);
      callback();
    });
  },
});
server.listen(port, '127.0.0.1', () =>
  process.stdout.write(`SMTP sink on 127.0.0.1:${port}, mailbox ${mailbox}\n`),
);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// `./taskflow stack`: the distributed mode on one machine. PostgreSQL and Kafka are started by
// ./taskflow before this runs (DATABASE_URL, KAFKA_BROKERS); this starts an SMTP sink (unless
// SMTP_URL is set), command-service, projection-service, two notify-service instances and nginx.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOrCreateSecrets } from '../all-in-one/data-dir.ts';
import { renderNginxConfig } from './nginx.ts';
import { mergeOpenApi, type OpenApiDocument } from './openapi.ts';
import { ProcessGroup, waitForHealthy } from './processes.ts';

const root = resolve(import.meta.dirname, '../..');
const dataDir = resolve(process.env.TASKFLOW_DATA_DIR ?? join(root, '.taskflow'));
const state = join(dataDir, 'stack');
const port = Number(process.env.PORT ?? 8080);
const ports = {
  command: Number(process.env.COMMAND_PORT ?? 3001),
  projection: Number(process.env.PROJECTION_PORT ?? 3002),
  notify: [Number(process.env.NOTIFY_PORT ?? 3003), Number(process.env.NOTIFY_PORT_2 ?? 3004)],
  smtp: Number(process.env.SMTP_SINK_PORT ?? 2525),
};

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set (./taskflow stack sets it after starting the local servers)`);
  return value;
}

mkdirSync(join(state, 'tmp'), { recursive: true });
const group = new ProcessGroup(state, (name, code) => {
  process.stdout.write(`[stack] ${name} keeps exiting (last code ${code}); stopping the stack\n`);
  void shutdown(1);
});
let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write('[stack] stopping\n');
  await group.stopAll(['nginx', 'notify-1', 'notify-2', 'projection', 'command', 'smtp-sink']);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  const secrets = loadOrCreateSecrets(state);
  const reaped = group.reapStale();
  if (reaped > 0) process.stdout.write(`[stack] ended ${reaped} process(es) a previous stack left behind\n`);

  const smtpUrl = process.env.SMTP_URL ?? `smtp://127.0.0.1:${ports.smtp}`;
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATABASE_URL: required('DATABASE_URL'),
    KAFKA_BROKERS: required('KAFKA_BROKERS'),
    JWT_PUBLIC_KEY: secrets.keys.publicKey,
    SERVICE_TOKEN: secrets.serviceToken,
    OPERATOR_TOKEN: secrets.operatorToken,
  };
  const node = process.execPath;
  if (!process.env.SMTP_URL) {
    group.start('smtp-sink', node, [join(root, 'infra/smtp-sink/main.ts')], {
      ...common,
      SMTP_SINK_PORT: String(ports.smtp),
      SMTP_SINK_DIR: join(state, 'mailbox'),
    });
  }
  group.start('command', node, [join(root, 'command-service/src/main.ts')], {
    ...common,
    PORT: String(ports.command),
    JWT_PRIVATE_KEY: secrets.keys.privateKey,
  });
  group.start('projection', node, [join(root, 'projection-service/src/main.ts')], {
    ...common,
    PORT: String(ports.projection),
  });
  const services = [`http://127.0.0.1:${ports.command}`, `http://127.0.0.1:${ports.projection}`];
  await Promise.all(services.map((url) => waitForHealthy(`${url}/healthz`)));
  ports.notify.forEach((notifyPort, index) => {
    group.start(`notify-${index + 1}`, node, [join(root, 'notify-service/src/main.ts')], {
      ...common,
      PORT: String(notifyPort),
      INSTANCE_ID: `notify-${index + 1}`,
      SMTP_URL: smtpUrl,
      COMMAND_SERVICE_URL: services[0],
      PROJECTION_SERVICE_URL: services[1],
    });
    services.push(`http://127.0.0.1:${notifyPort}`);
  });
  await Promise.all(services.map((url) => waitForHealthy(`${url}/healthz`)));

  const documents = await Promise.all(
    services.map(async (url) => (await fetch(`${url}/api/openapi.json`)).json() as Promise<OpenApiDocument>),
  );
  const openapiPath = join(state, 'openapi.json');
  writeFileSync(openapiPath, JSON.stringify(mergeOpenApi(documents, 'TaskFlow API')));
  // Workers read the merged document and buffer bodies under the state folder, which belongs
  // to whoever runs the stack: as root they run as root too, as they would for any other user.
  const config = renderNginxConfig({
    user: process.getuid?.() === 0 ? 'user root;' : '',
    port,
    listenHost: '127.0.0.1',
    state,
    openapi: openapiPath,
    command: `127.0.0.1:${ports.command}`,
    projection: `127.0.0.1:${ports.projection}`,
    notify: ports.notify.map((p) => `127.0.0.1:${p}`),
  });
  writeFileSync(join(state, 'nginx.conf'), config);
  group.start(
    'nginx',
    process.env.NGINX_BIN ?? 'nginx',
    ['-p', state, '-c', join(state, 'nginx.conf'), '-g', 'daemon off;'],
    common,
  );
  await waitForHealthy(`http://127.0.0.1:${port}/healthz`);
  writeFileSync(
    join(state, 'stack.env'),
    `TASKFLOW_URL=http://127.0.0.1:${port}\nOPERATOR_TOKEN=${secrets.operatorToken}\n`,
  );
  process.stdout.write(
    `[stack] TaskFlow is serving on http://127.0.0.1:${port} (mail: ${process.env.SMTP_URL ?? join(state, 'mailbox')}); Ctrl-C stops it\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[stack] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});

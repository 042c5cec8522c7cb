// The all-in-one process `./taskflow start` runs: every service's plugin in one Fastify
// instance on embedded defaults. Each service issue plugs its routes in here.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  createHttpServer,
  createLogger,
  envLogLevel,
  envPort,
  healthRoutes,
  loadConfig,
  serve,
} from '@taskflow/platform';
import { z } from 'zod';

const configSchema = z.object({
  PORT: envPort(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  TASKFLOW_DATA_DIR: z.string().min(1).default('.taskflow'),
  LOG_LEVEL: envLogLevel,
});

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const dataDir = resolve(config.TASKFLOW_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const logger = createLogger('taskflow', config.LOG_LEVEL);
  let shutdown: (error: unknown) => void = () => {};
  const app = await createHttpServer({
    logger,
    title: 'TaskFlow API',
    onProgrammerError: (error) => shutdown(error),
  });
  await app.register(healthRoutes, { checks: [] });
  const served = await serve({ app, logger, host: config.HOST, port: config.PORT });
  shutdown = served.shutdown;
  const url = `http://${config.HOST}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : config.PORT}`;
  process.stdout.write(
    [
      `TaskFlow is serving on ${url} (data in ${dataDir})`,
      `  curl ${url}/healthz`,
      `  curl ${url}/api/openapi.json`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `taskflow failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});

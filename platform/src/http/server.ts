import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../logging/index.ts';
import { problemHandler } from './problem.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpServerOptions {
  logger: Logger;
  title: string;
  bodyLimit?: number;
  onProgrammerError?: (error: unknown) => void;
  /**
   * Which peers' X-Forwarded-For to believe for `request.ip` (per-address throttles). Default:
   * loopback, where the gateway runs in the stack; name the proxies' addresses elsewhere.
   */
  trustProxy?: boolean | string | string[];
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>;

/**
 * The Fastify instance every service (and the all-in-one process) starts from: zod validation
 * and serialisation, a request id taken from `X-Request-Id` or made here, one problem+json
 * error handler, and an OpenAPI 3.1 document built from the routes' zod schemas.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? MAX_BODY_BYTES,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? 'loopback',
    // One access line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  // JSON only (API.md: another content type is 415); Fastify would otherwise parse text/plain.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
  await app.register(problemHandler, { onProgrammerError: options.onProgrammerError });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, version: '0.1.0' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app as unknown as App;
}

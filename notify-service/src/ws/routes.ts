import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import websocket from '@fastify/websocket';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '@taskflow/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CLOSE } from './connection.ts';
import { accessTokenOf, chooseProtocol, originAllowed, redactedUrl } from './handshake.ts';
import type { NotificationHub } from './hub.ts';

export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

function terminateOnError(this: WebSocket): void {
  this.terminate();
}

/**
 * @fastify/websocket routes the upgrade through a ServerResponse assigned to the TCP socket;
 * once upgraded it is never used again, but the socket keeps pointing at it (and it at the
 * request with its headers) for the connection's whole life. Detaching frees both.
 */
function releaseUpgradeResponse(tcp: Socket): void {
  const response = (tcp as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  response?.detachSocket(tcp);
}

export interface WsRouteOptions {
  hub: NotificationHub;
  /** Origins a browser may connect from; `*` admits all. Requests without Origin are not browsers. */
  allowedOrigins: readonly string[];
  maxPayloadBytes?: number;
}

/**
 * `GET /ws/notifications`. Everything is decided before the 101: the Origin, the token (query
 * `access_token` or subprotocol `bearer, <token>`) and the per-user socket cap, each refused
 * with its problem+json status. After the upgrade the hub owns the socket.
 */
export async function wsRoutes(app: FastifyInstance, options: WsRouteOptions): Promise<void> {
  const { hub } = options;
  await app.register(websocket, {
    options: {
      maxPayload: options.maxPayloadBytes ?? MAX_CLIENT_FRAME_BYTES,
      handleProtocols: (protocols) => chooseProtocol(protocols),
      perMessageDeflate: false,
    },
    preClose: (done) => {
      hub.closeAll(CLOSE.goingAway, 'server shutting down');
      hub.stop();
      done();
    },
  });

  const guard = async (request: FastifyRequest) => {
    if (!originAllowed(request.headers.origin, options.allowedOrigins)) {
      throw new ForbiddenError('this Origin may not open notification sockets');
    }
    const token = accessTokenOf(request.query, request.headers['sec-websocket-protocol']);
    if (!token)
      throw new UnauthorizedError('access token required (access_token or subprotocol "bearer, <token>")');
    request.user = app.verifyToken(token);
    if (!hub.hasRoomFor(request.user.userId)) {
      throw new TooManyRequestsError('too many open notification sockets for this user', 5);
    }
  };

  app.route({
    method: 'GET',
    url: '/ws/notifications',
    schema: { hide: true },
    onRequest: guard,
    logSerializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: redactedUrl(request.url) }),
    },
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').type('application/problem+json').send({
        type: 'about:blank',
        title: 'Upgrade Required',
        status: 426,
        detail: 'open a WebSocket here',
      }),
    wsHandler: (socket, request) => {
      // @fastify/websocket's error listener closes over the request and reply, keeping them
      // (and the raw request) alive as long as the socket: swap it for one that holds nothing.
      socket.removeAllListeners('error');
      socket.on('error', terminateOnError);
      releaseUpgradeResponse(request.raw.socket);
      hub.attach(socket, request.user.userId);
    },
  });
}

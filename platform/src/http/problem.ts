import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ZodError } from 'zod';
import { AppError, type FieldError } from './errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

export interface ProblemHandlerOptions {
  /** Called after the 500 went out for an error nobody expected, so main can wind the process down. */
  onProgrammerError?: (error: unknown) => void;
}

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function zodFieldErrors(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => ({
      path:
        [prefix, ...issue.path.map(String), key].filter((part) => part !== undefined).join('.') || '(root)',
      message: issue.message,
    }));
  });
}

function fastifyValidationErrors(error: FastifyError): FieldError[] {
  const context = error.validationContext;
  return (error.validation ?? []).flatMap((issue) => {
    const base = [context, ...issue.instancePath.split('/').filter(Boolean)].filter(Boolean);
    const unknownKeys =
      issue.keyword === 'unrecognized_keys' ? (issue.params as { keys?: string[] }).keys : undefined;
    const leaves = unknownKeys && unknownKeys.length > 0 ? unknownKeys : [undefined];
    return leaves.map((key) => ({
      path: [...base, key].filter(Boolean).join('.') || '(root)',
      message: issue.message ?? 'is invalid',
    }));
  });
}

/** Maps any error to RFC 9457 problem+json; never a stack trace on the wire. */
export function toProblem(
  error: unknown,
  instance?: string,
): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof AppError) {
    const problem: Problem = {
      type: 'about:blank',
      title: error.title,
      status: error.status,
      detail: error.message,
    };
    if (error.errors) problem.errors = error.errors;
    if (instance) problem.instance = instance;
    return { problem, headers: error.headers };
  }
  if (error instanceof ZodError) {
    const errors = zodFieldErrors(error);
    const detail = `Invalid input: ${errors.map((e) => e.path).join(', ')}`;
    return {
      problem: { type: 'about:blank', title: TITLES[400]!, status: 400, detail, errors },
      headers: {},
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const errors = fastifyValidationErrors(fastifyError as FastifyError);
    const detail = `Invalid input: ${errors.map((e) => e.path).join(', ')}`;
    return {
      problem: { type: 'about:blank', title: TITLES[400]!, status: 400, detail, errors },
      headers: {},
    };
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const title = TITLES[status] ?? 'Client Error';
    const headers: Record<string, string> = {};
    if (status === 429) headers['retry-after'] = '1';
    return {
      problem: { type: 'about:blank', title, status, detail: fastifyError.message ?? title },
      headers,
    };
  }
  return {
    problem: {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
    },
    headers: {},
  };
}

export function sendProblem(reply: FastifyReply, error: unknown): FastifyReply {
  const { problem, headers } = toProblem(error, reply.request.url);
  return reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** The one error handler: typed errors become problem+json, unexpected ones a bare 500. */
export const problemHandler = fp<ProblemHandlerOptions>(
  async (app: FastifyInstance, options) => {
    app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const { problem } = toProblem(error, request.url);
      if (problem.status >= 500 && !(error instanceof AppError)) {
        request.log.error({ err: error }, 'unexpected error');
        sendProblem(reply, error);
        options.onProgrammerError?.(error);
        return reply;
      }
      if (problem.status >= 500) request.log.warn({ err: error }, problem.detail);
      return sendProblem(reply, error);
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .type(PROBLEM_CONTENT_TYPE)
        .send({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: `No route ${request.method} ${request.url.split('?')[0]}`,
        } satisfies Problem),
    );
  },
  { name: 'taskflow-problem-handler' },
);

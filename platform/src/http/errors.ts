/** One field that failed validation, as problem+json `errors[]` lists it. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Errors the system expects and maps to HTTP: each carries its status and a title. Anything
 * else reaching the error handler is a programmer error (500, and the process winds down).
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(detail: string, options: { errors?: FieldError[]; headers?: Record<string, string> } = {}) {
    super(detail);
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly title = 'Invalid request';
}
export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly title = 'Unauthorized';
  constructor(detail = 'Missing, invalid or expired credentials') {
    super(detail, { headers: { 'www-authenticate': 'Bearer' } });
  }
}
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly title = 'Forbidden';
}
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly title = 'Not Found';
}
export class ConflictError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
}
export class PreconditionFailedError extends AppError {
  readonly status = 412;
  readonly title = 'Precondition Failed';
}
export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable Content';
}
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly title = 'Too Many Requests';
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly title = 'Service Unavailable';
  constructor(detail: string, retryAfterSeconds = 1) {
    super(detail, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

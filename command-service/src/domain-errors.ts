import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '@taskflow/platform';

/**
 * Why a decider refused a command. They extend platform's HTTP errors, so the shared problem
 * handler turns them into the right problem+json status with no mapping in the routes; the
 * `reason` is a stable code for tests and logs, the message is the human `detail`.
 */

/** 404: the thing does not exist, or the actor may not see it (the two are never told apart). */
export type NotFoundReason =
  | 'user_not_found'
  | 'project_not_found'
  | 'member_not_found'
  | 'task_not_found'
  | 'notification_not_found';

/** 403: the actor can see it but may not do this. */
export type ForbiddenReason =
  | 'managers_only'
  | 'owners_only'
  | 'not_task_editor'
  | 'not_task_assignee'
  | 'not_own_account';

/** 409: the aggregate's state does not allow it. */
export type ConflictReason =
  | 'already_exists'
  | 'already_member'
  | 'last_owner'
  | 'email_taken'
  | 'status_transition';

/** 400: the command names something the aggregate cannot accept. */
export type ValidationReason = 'assignee_not_member';

export class DomainNotFoundError extends NotFoundError {
  override readonly name = 'DomainNotFoundError';
  readonly reason: NotFoundReason;
  constructor(reason: NotFoundReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

export class DomainForbiddenError extends ForbiddenError {
  override readonly name = 'DomainForbiddenError';
  readonly reason: ForbiddenReason;
  constructor(reason: ForbiddenReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

export class DomainConflictError extends ConflictError {
  override readonly name = 'DomainConflictError';
  readonly reason: ConflictReason;
  constructor(reason: ConflictReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

export class DomainValidationError extends ValidationError {
  override readonly name = 'DomainValidationError';
  readonly reason: ValidationReason;
  constructor(reason: ValidationReason, detail: string, errors: FieldError[]) {
    super(detail, { errors });
    this.reason = reason;
  }
}

export type DomainError =
  | DomainNotFoundError
  | DomainForbiddenError
  | DomainConflictError
  | DomainValidationError;

export function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof DomainNotFoundError ||
    error instanceof DomainForbiddenError ||
    error instanceof DomainConflictError ||
    error instanceof DomainValidationError
  );
}

/** A `never` check for exhaustive switches: adding a command without handling it fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

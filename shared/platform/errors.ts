/**
 * The errors use-cases throw when a request cannot be done: what went wrong in the domain's terms,
 * never an HTTP status. The HTTP layer maps each kind to its status in one place
 * (`platform/http/errors.ts`); the v1 gateway reads the answer of that mapping. Only these carry a
 * message to the caller: anything else becomes a bare internal error.
 */
export interface ErrorDetail {
  /** The field at fault: `body.x`, `query.y`, `params.z`. */
  path: string;
  message: string;
}

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'upstream_failed'
  | 'unavailable';

export interface DomainErrorOptions {
  details?: ErrorDetail[];
  cause?: unknown;
  /** For `rate_limited` and `unavailable`: when the caller may try again. */
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  readonly details: ErrorDetail[];
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    /** The stable code callers may branch on (`not_found`, `email_failed`...). */
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The input breaks a rule: each detail names the field. */
export class ValidationError extends DomainError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('invalid', 'validation_failed', message, { details });
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('unauthenticated', 'unauthorized', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role does not allow this operation') {
    super('forbidden', 'forbidden', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not_found', 'not_found', message);
  }
}

/** The current state of the data does not allow the change (a duplicate, a stale version...). */
export class ConflictError extends DomainError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('conflict', 'conflict', message, { details });
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', 'too_many_requests', message, { retryAfterSeconds });
  }
}

/** A service peerflow depends on refused or failed the work (the mail service, PeeringDB). */
export class UpstreamError extends DomainError {
  constructor(code: string, message: string, cause?: unknown) {
    super('upstream_failed', code, message, { cause });
  }
}

/** peerflow itself cannot serve the request right now (a dependency down, a job busy). */
export class ServiceUnavailableError extends DomainError {
  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super('unavailable', 'service_unavailable', message, options);
  }
}

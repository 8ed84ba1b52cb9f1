import {
  ConflictError,
  DomainError,
  type ErrorDetail,
  type ErrorKind,
  ServiceUnavailableError,
} from '../errors';
import { storageFaultOf } from '../storage/errors';

/**
 * Errors of the HTTP exchange itself (a body that is not JSON, too large...), and the one place
 * where every error a handler throws gets its status: `httpErrorOf`. The error middleware turns the
 * result into the one JSON error shape; anything it does not know becomes a bare 500.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(400, 'bad_request', message, details);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `Request body exceeds ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message = 'Request body must be application/json') {
    super(415, 'unsupported_media_type', message);
  }
}

const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  upstream_failed: 502,
  unavailable: 503,
};

/**
 * A store's failure no use-case expected, as the domain error it amounts to: the table busy or out
 * of reach is the service unavailable for a moment; a write that lost a race is a conflict.
 */
function domainErrorOfStorage(err: unknown): DomainError | null {
  switch (storageFaultOf(err)) {
    case 'busy':
      return new ServiceUnavailableError('The service is busy; try again shortly', {
        retryAfterSeconds: 1,
        cause: err,
      });
    case 'unreachable':
      return new ServiceUnavailableError('The service could not reach its data in time; try again shortly', {
        retryAfterSeconds: 2,
        cause: err,
      });
    case 'conflict':
      return new ConflictError('The data changed while this request ran; read it again and retry');
    default:
      return null;
  }
}

/** The HTTP answer to an error a handler threw, or null for an error nobody meant to show. */
export function httpErrorOf(thrown: unknown): HttpError | null {
  if (thrown instanceof HttpError) return thrown;
  const err = thrown instanceof DomainError ? thrown : domainErrorOfStorage(thrown);
  if (!err) return null;
  const headers: Record<string, string> = {};
  if (err.kind === 'unauthenticated') headers['www-authenticate'] = 'Bearer';
  if (err.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
  }
  return new HttpError(STATUS_OF[err.kind], err.code, err.message, err.details, headers);
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

export function errorBody(err: HttpError): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details.length > 0 ? { details: err.details } : {}),
    },
  };
}

export const internalErrorBody: ErrorBody = {
  error: { code: 'internal_error', message: 'Internal error' },
};

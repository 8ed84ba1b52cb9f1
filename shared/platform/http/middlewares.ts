import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '../zod';
import { type RouteContract, roleAllows } from './contract';
import { AuthorizerContextSchema, type Caller } from '../auth/caller';
import { config } from '../config';
import { logger, setRequestLogKeys } from '../logger';
import { type ErrorDetail, ForbiddenError, UnauthorizedError, ValidationError } from '../errors';
import {
  BadRequestError,
  errorBody,
  httpErrorOf,
  internalErrorBody,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './errors';

export type HttpRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>;

/** What the middlewares work out about a request before the handler runs. */
export interface ActionState {
  correlationId: string;
  startedAt: number;
  caller?: Caller;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  rawBody?: unknown;
  /**
   * What the call's audit entry names beyond its route: set by the handler's `audit` hook, or by
   * the change a call served inside this one made.
   */
  audit?: AuditNote;
  /** The call this one is served inside (the v1 gateway's v2 calls): its audit goes to that call's entry. */
  outer?: ActionState;
}

/** The parts of an audit entry the route alone does not give. */
export interface AuditNote {
  /** The operation that made the change, when it is not the route's own (a call served inside this one). */
  operation?: string;
  target: string;
  result?: string;
  /** The ids of the items a bulk change touched. */
  ids?: readonly string[];
}

export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { statusCode: status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** Per-request state, keyed by the event object the middlewares and the handler share. */
const states = new WeakMap<object, ActionState>();

export function stateOf(event: APIGatewayProxyEventV2): ActionState {
  let s = states.get(event);
  if (!s) {
    s = { correlationId: '', startedAt: Date.now() };
    states.set(event, s);
  }
  return s;
}

/**
 * Marks `inner` as a call served inside `outer` (in-process, for the same client): the outer call
 * answers the client, so its entry is the audit of both.
 */
export function serveInside(inner: APIGatewayProxyEventV2, outer: APIGatewayProxyEventV2): void {
  stateOf(inner).outer = stateOf(outer);
}

function state(request: { event: APIGatewayProxyEventV2 }): ActionState {
  return stateOf(request.event);
}

/** Outermost: every error becomes the one JSON error shape; 5xx never carry internals. */
export function errorHandler(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const err = request.error;
      const correlationId = state(request).correlationId;
      const trace: Record<string, string> = correlationId ? { 'x-correlation-id': correlationId } : {};
      const answer = httpErrorOf(err);
      if (answer && answer.status < 500) {
        logger.info('request refused', { status: answer.status, code: answer.code, reason: answer.message });
        request.response = jsonResponse(answer.status, errorBody(answer), { ...answer.headers, ...trace });
        return;
      }
      if (answer) {
        logger.error('request failed', { status: answer.status, code: answer.code, reason: answer.message });
        request.response = jsonResponse(answer.status, errorBody(answer), { ...answer.headers, ...trace });
        return;
      }
      logger.error('unhandled error', err as Error);
      request.response = jsonResponse(500, internalErrorBody, trace);
    },
  };
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A correlation id per request (the caller's if it sent a sane one), on every log line and the answer. */
export function requestLogging(
  operationId: string,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const s = state(request);
      const headers = request.event.headers ?? {};
      const offered = headers['x-correlation-id'] ?? headers['x-request-id'];
      s.correlationId =
        offered && CORRELATION_ID.test(offered)
          ? offered
          : request.event.requestContext?.requestId || crypto.randomUUID();
      s.startedAt = Date.now();
      setRequestLogKeys({ correlation_id: s.correlationId, operation: operationId }, request.context);
    },
    after: async (request) => {
      const s = state(request);
      const response = request.response;
      if (response) {
        response.headers = { ...(response.headers ?? {}), 'x-correlation-id': s.correlationId };
        logger.info('request done', {
          status: response.statusCode,
          duration_ms: Date.now() - s.startedAt,
          user_id: s.caller?.userId,
        });
      }
    },
  };
}

/**
 * Parses a JSON body: 413 over the limit, 415 when it is not declared JSON (a body without a
 * Content-Type included: what it holds is the sender's to say, not ours to guess), 400 when it
 * does not parse.
 */
export function jsonBodyParser(
  expectsBody: boolean,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const { event } = request;
      if (event.body === undefined || event.body === null || event.body === '') return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
      if (raw.byteLength > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
      if (!expectsBody) return;
      const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
      if (!/^application\/([a-z0-9.+-]*\+)?json\b/.test(contentType)) {
        throw new UnsupportedMediaTypeError(
          contentType
            ? 'Request body must be application/json'
            : 'Request body must be application/json; say so in its Content-Type',
        );
      }
      try {
        state(request).rawBody = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new BadRequestError('Malformed JSON in request body');
      }
    },
  };
}

/** The caller from the authorizer's context, and the route's role check. */
export function callerAndRole(
  contract: RouteContract,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const s = state(request);
      const ctx = (request.event.requestContext as { authorizer?: { lambda?: unknown } }).authorizer?.lambda;
      if (ctx !== undefined) {
        const parsed = AuthorizerContextSchema.safeParse(ctx);
        if (parsed.success) s.caller = parsed.data;
      }
      if (contract.role === 'public') return;
      // The authorizer stands in front of every protected route; reaching here without a caller
      // means the function was invoked some other way.
      if (!s.caller) throw new UnauthorizedError();
      if (!roleAllows(s.caller.role, contract.role)) {
        logger.warn('role refused', {
          user_id: s.caller.userId,
          role: s.caller.role,
          required: contract.role,
        });
        throw new ForbiddenError(`This operation needs the ${contract.role} role; you have ${s.caller.role}`);
      }
    },
  };
}

export function zodDetails(error: z.core.$ZodError, prefix: string): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)];
    // An unknown key is named by its own path, like any other bad field.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...path, key].join('.'),
        message: `Unrecognized key: "${key}"`,
      }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
}

/**
 * Query parameters the route does not take. A misspelt filter must never widen a list, let alone a
 * delete: whatever the schema would strip is refused instead. Public routes (the explorer page, its
 * files, health) stay lenient towards cache-busting parameters; a schema that takes any key
 * (the v1 gateway's) takes them.
 */
function unknownQueryKeys(contract: RouteContract, query: Record<string, unknown>): ErrorDetail[] {
  if (contract.role === 'public') return [];
  const def = contract.query?._zod.def as
    { shape?: Record<string, unknown>; catchall?: { _zod: { def: { type: string } } } } | undefined;
  if (def?.catchall && def.catchall._zod.def.type !== 'never') return [];
  const known = new Set(Object.keys(def?.shape ?? {}));
  return Object.keys(query)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: `query.${key}`, message: `Unknown query parameter "${key}"` }));
}

/** Validates params, query and body with the route's zod schemas: 422 with every field path. */
export function validation(
  contract: RouteContract,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const s = state(request);
      const details: ErrorDetail[] = [];
      const check = (schema: z.ZodMiniType | undefined, value: unknown, prefix: string) => {
        if (!schema) return undefined;
        const parsed = schema.safeParse(value);
        if (!parsed.success) {
          details.push(...zodDetails(parsed.error, prefix));
          return undefined;
        }
        return parsed.data;
      };
      s.params = check(contract.params, request.event.pathParameters ?? {}, 'params');
      details.push(...unknownQueryKeys(contract, request.event.queryStringParameters ?? {}));
      s.query = check(contract.query, request.event.queryStringParameters ?? {}, 'query');
      if (contract.body) {
        if (s.rawBody === undefined) {
          const absent = contract.body.safeParse(undefined);
          if (absent.success) s.body = absent.data;
          else details.push({ path: 'body', message: 'A JSON request body is required' });
        } else {
          s.body = check(contract.body, s.rawBody, 'body');
        }
      }
      if (details.length > 0) throw new ValidationError('Request does not match the schema', details);
    },
  };
}

/** Tests turn this on: an answer that does not match the route's response schema is a bug. */
export function shouldValidateResponses(): boolean {
  return config().VALIDATE_RESPONSES;
}

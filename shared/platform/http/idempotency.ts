import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ValidationError } from '../errors';
import type { RouteContract } from './contract';
import { type ActionState, stateOf } from './middlewares';

/** The header a client sends to make a retry safe (lowercase, as the header normalizer leaves it). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

// Printable ASCII, no space at either end.
const KEY = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
export const MAX_IDEMPOTENCY_KEY = 255;

/** The caller's Idempotency-Key, undefined without one; a key that is not 1-255 printable characters is a 422. */
export function readIdempotencyKey(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): string | undefined {
  const value = headers?.[IDEMPOTENCY_HEADER];
  if (value === undefined) return undefined;
  if (value.length > MAX_IDEMPOTENCY_KEY || !KEY.test(value)) {
    throw new ValidationError('The Idempotency-Key header is not a valid key', [
      {
        path: `headers.${IDEMPOTENCY_HEADER}`,
        message: `1 to ${MAX_IDEMPOTENCY_KEY} printable ASCII characters, without a space at either end`,
      },
    ]);
  }
  return value;
}

type Answer = APIGatewayProxyStructuredResultV2;
type Run = (event: APIGatewayProxyEventV2, context: Context) => Promise<Answer>;

/** What a keyed call is known by: the key's scope (hashed into the record's key) and the request (its fingerprint). */
export interface KeyedCall {
  route: string;
  user: string;
  key: string;
  request: { params: unknown; query: unknown; body: unknown };
}

/**
 * The body as the request's fingerprint keeps it: without a password (a user's, a session's), so
 * that no hash of one is stored; a retry that changes only the password gets the first answer.
 */
function fingerprintOf(body: unknown): unknown {
  if (body === null || body === undefined) return null;
  if (typeof body !== 'object' || Array.isArray(body) || !('password' in body)) return body;
  const { password: _password, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** Does the work of a keyed call once (`idempotency-runner.ts`, Powertools idempotency). */
export type RunOnce = (
  call: KeyedCall,
  state: ActionState,
  work: () => Promise<Answer>,
  context: Context,
) => Promise<Answer>;

/**
 * A route's work made idempotent for callers that send an Idempotency-Key: the key, scoped to the
 * route and the caller, is claimed before the work runs, and a retry answers the first answer.
 * Calls without a key run as they are. The machinery is handed in by the route's entry file, so
 * that only the functions of idempotent routes carry it.
 */
export function idempotentRun(contract: RouteContract, run: Run, runOnce: RunOnce): Run {
  return async (event, context) => {
    const key = readIdempotencyKey(event.headers);
    if (key === undefined) return run(event, context);
    const s = stateOf(event);
    return runOnce(
      {
        route: contract.operationId,
        user: s.caller?.userId ?? 'anonymous',
        key,
        request: { params: s.params ?? null, query: s.query ?? null, body: fingerprintOf(s.body) },
      },
      s,
      () => run(event, context),
      context,
    );
  };
}

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteHandler } from '../platform/http/define-action';
import { serveInside } from '../platform/http/middlewares';

export interface V2Call {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface V2Answer<T = unknown> {
  status: number;
  json: T;
}

/**
 * Headers of the v1 request a v2 handler does not get: the length of another body, and the
 * Idempotency-Key, which the v1 gateway does not take (the seed's clients send none; see the README).
 */
const DROPPED_HEADERS = new Set(['content-length', 'idempotency-key']);

function fill(path: string, params: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name] ?? '')));
}

/**
 * Calls a v2 route's own handler in-process, as API Gateway would have, with the caller the
 * authorizer established for the v1 request. The v2 handler does all the work: validation, the role
 * check, the domain rules, what its audit entry says. The gateway only maps parameters and shapes
 * answers; the v1 call, which answers the client, writes the one audit entry.
 */
export async function invokeV2<T = unknown>(
  handler: RouteHandler,
  call: V2Call,
  original: APIGatewayProxyEventV2,
  context: Context,
): Promise<V2Answer<T>> {
  const { contract } = handler;
  const params = Object.fromEntries(Object.entries(call.params ?? {}).map(([k, v]) => [k, String(v)]));
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) query[k] = String(v);
  const rawPath = fill(contract.path, params);
  const rawQueryString = new URLSearchParams(query).toString();
  const event: APIGatewayProxyEventV2 = {
    ...original,
    routeKey: `${contract.method} ${contract.path}`,
    rawPath,
    rawQueryString,
    headers: {
      ...Object.fromEntries(
        Object.entries(original.headers ?? {}).filter(([k]) => !DROPPED_HEADERS.has(k.toLowerCase())),
      ),
      'content-type': 'application/json',
    },
    requestContext: {
      ...original.requestContext,
      routeKey: `${contract.method} ${contract.path}`,
      http: { ...original.requestContext.http, method: contract.method, path: rawPath },
    },
    isBase64Encoded: false,
  };
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  else delete event.queryStringParameters;
  if (Object.keys(params).length > 0) event.pathParameters = params;
  else delete event.pathParameters;
  if (call.body !== undefined) event.body = JSON.stringify(call.body);
  else delete event.body;
  serveInside(event, original);
  const out: APIGatewayProxyStructuredResultV2 = await handler(event, context);
  const status = out.statusCode ?? 200;
  return { status, json: (out.body ? JSON.parse(out.body) : null) as T };
}

import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import { provideOpenApiDocument } from '../functions/http/system/get-openapi';
import type { RouteContract } from '../shared/platform/http/contract';
import { buildOpenApi } from '../shared/platform/http/openapi';
import { provideSyncLauncher } from '../shared/peeringdb';
import { runInBackground } from '../shared/app/peeringdb-sync';
import { runDeploymentsHere } from '../shared/app/delivery';
import { deliverEventsHere } from '../shared/app/events-local';
import { pollHere } from '../shared/app/polling';
import { MAX_BODY_BYTES } from '../shared/platform/http/middlewares';

/**
 * Runs the route table the way API Gateway (HTTP API, payload 2.0) does: match the route, call the
 * Lambda REQUEST authorizer for protected routes, then the route's own handler with the authorizer's
 * context. The local server and the integration tests both go through here.
 */
export interface LocalRequest {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  sourceIp?: string;
}

export interface LocalResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface CompiledRoute {
  contract: RouteContract;
  pattern: RegExp;
  names: string[];
}

function compile(contract: RouteContract): CompiledRoute {
  const names: string[] = [];
  const source = contract.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { contract, pattern: new RegExp(`^${source}$`), names };
}

function json(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): LocalResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify({ error: { code, message } }),
  };
}

function lambdaContext(name: string): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, 29_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function createDispatcher(
  routes: readonly RouteContract[],
  opts: { root?: string; authorizer?: string } = {},
) {
  const root = opts.root ?? process.cwd();
  const compiled = routes.map(compile);
  // In Lambda the OpenAPI document ships beside its function; here it is built from these routes.
  provideOpenApiDocument(() => buildOpenApi(routes));
  // With no sync function to invoke, a run started through the API goes on in this process.
  provideSyncLauncher(runInBackground);
  // With no state machine, a deployment runs its workflow in this process too.
  runDeploymentsHere();
  // With no event bus, events go to the webhooks in this process, retries on timers.
  deliverEventsHere();
  // An on-demand poll, likewise.
  pollHere();
  const modules = new Map<string, Promise<Handler>>();

  const load = (file: string): Promise<Handler> => {
    let mod = modules.get(file);
    if (!mod) {
      mod = import(pathToFileURL(resolve(root, file)).href).then((m: { handler?: Handler }) => {
        if (typeof m.handler !== 'function') throw new Error(`${file} exports no handler`);
        return m.handler;
      });
      modules.set(file, mod);
    }
    return mod;
  };
  const authorizerFile = opts.authorizer ?? 'functions/authorizer/authorize.ts';

  return async function dispatch(req: LocalRequest): Promise<LocalResponse> {
    const url = new URL(req.url, 'http://localhost');
    const method = req.method.toUpperCase();
    let rawPath: string;
    try {
      rawPath = decodeURI(url.pathname);
    } catch {
      return json(400, 'bad_request', 'Malformed path');
    }
    let matched: { route: CompiledRoute; params: Record<string, string> } | undefined;
    for (const route of compiled) {
      if (route.contract.method !== method) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      try {
        const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
        matched = { route, params };
      } catch {
        return json(400, 'bad_request', 'Malformed path parameter');
      }
      break;
    }
    if (!matched) return json(404, 'not_found', `No route ${method} ${rawPath}`);
    if (req.body && req.body.byteLength > MAX_BODY_BYTES) {
      return json(413, 'payload_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    }
    const cookies = headers.cookie ? headers.cookie.split(/;\s*/) : undefined;
    delete headers.cookie;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    const { contract } = matched.route;
    const now = new Date();
    const requestId = randomUUID();
    const routeKey = `${contract.method} ${contract.path}`;
    const http = {
      method,
      path: rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: req.sourceIp ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
    };
    const requestContext = {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http,
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    };
    const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : url.search;

    let authorizerContext: Record<string, unknown> | undefined;
    if (contract.role !== 'public') {
      // API Gateway answers 401 itself when the identity source (the Authorization header) is missing.
      if (!headers.authorization)
        return json(401, 'unauthorized', 'Authentication required', { 'www-authenticate': 'Bearer' });
      const authEvent: APIGatewayRequestAuthorizerEventV2 = {
        version: '2.0',
        type: 'REQUEST',
        routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${contract.path}`,
        identitySource: [headers.authorization],
        routeKey,
        rawPath,
        rawQueryString,
        ...(cookies ? { cookies } : {}),
        headers,
        queryStringParameters: query,
        requestContext,
        pathParameters: matched.params,
        stageVariables: {},
      } as APIGatewayRequestAuthorizerEventV2;
      try {
        const authorizer = await load(authorizerFile);
        const result = (await authorizer(authEvent, lambdaContext('authorizer'))) as {
          isAuthorized?: boolean;
          context?: Record<string, unknown>;
        };
        if (!result?.isAuthorized) return json(403, 'forbidden', 'Forbidden');
        authorizerContext = result.context ?? {};
      } catch (err) {
        if ((err as Error).message === 'Unauthorized') {
          return json(401, 'unauthorized', 'Invalid or expired token', { 'www-authenticate': 'Bearer' });
        }
        return json(500, 'internal_error', 'Internal error');
      }
    }

    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey,
      rawPath,
      rawQueryString,
      ...(cookies ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(matched.route.names.length > 0 ? { pathParameters: matched.params } : {}),
      requestContext: {
        ...requestContext,
        ...(authorizerContext ? { authorizer: { lambda: authorizerContext } } : {}),
      } as APIGatewayProxyEventV2['requestContext'],
      ...(req.body && req.body.byteLength > 0 ? { body: req.body.toString('utf8') } : {}),
      isBase64Encoded: false,
    };
    try {
      const handler = await load(contract.handler);
      const out = (await handler(
        event,
        lambdaContext(contract.operationId),
      )) as APIGatewayProxyStructuredResultV2;
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(out.headers ?? {})) outHeaders[k.toLowerCase()] = String(v);
      const body =
        out.body === undefined
          ? ''
          : out.isBase64Encoded
            ? Buffer.from(out.body, 'base64').toString()
            : out.body;
      return { status: out.statusCode ?? 200, headers: outHeaders, body };
    } catch {
      return json(500, 'internal_error', 'Internal error');
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;

import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '../zod';
import { type AnyObjectSchema, isAudited, type RouteContract } from './contract';
import type { Caller } from '../auth/caller';
import { auditRepository } from '../audit/audit-store';
import {
  callerAndRole,
  errorHandler,
  type HttpRequest,
  jsonBodyParser,
  jsonResponse,
  requestLogging,
  shouldValidateResponses,
  stateOf,
  validation,
} from './middlewares';
import { isReply, type Reply } from './reply';
import { idempotentRun, type RunOnce } from './idempotency';

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

export interface ActionInput<P, Q, B, C> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated caller; public routes may get `undefined`. */
  caller: C;
  event: APIGatewayProxyEventV2;
  context: Context;
  /** Names the audit entry's target (and result) when the path alone does not say it. */
  audit: (target: string, result?: string) => void;
  correlationId: string;
}

export type ActionImpl<Contract> =
  Contract extends RouteContract<infer P, infer Q, infer B, infer R>
    ? (
        input: ActionInput<
          Infer<P>,
          Infer<Q>,
          Infer<B>,
          Contract extends { role: 'public' } ? Caller | undefined : Caller
        >,
      ) => Promise<z.input<R> | Reply<z.input<R>>>
    : never;

export type ActionHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A route's handler, carrying its contract: whoever loads the handler has the route's path and schemas too. */
export type RouteHandler = ActionHandler & { readonly contract: RouteContract };

/**
 * Builds a route's Lambda handler: the one middy stack every action shares, around the action's own
 * function. The action sees parsed, typed input and throws typed errors; the error handler is the
 * outermost layer, so it sees every failure, including the other middlewares'.
 */
export function defineAction<
  P extends AnyObjectSchema | undefined,
  Q extends AnyObjectSchema | undefined,
  B extends z.ZodMiniType | undefined,
  R extends z.ZodMiniType,
  C extends RouteContract<P, Q, B, R>,
>(
  contract: C & RouteContract<P, Q, B, R>,
  impl: ActionImpl<C>,
  /** For a route marked `idempotent`: `runOnce` of `idempotency-runner.ts`. */
  idempotency?: RunOnce,
): RouteHandler {
  if (Boolean(contract.idempotent) !== (idempotency !== undefined)) {
    throw new Error(`${contract.operationId}: an idempotent route's handler is given runOnce, and only it`);
  }
  const run = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const s = stateOf(event);
    const input = {
      params: s.params,
      query: s.query,
      body: s.body,
      caller: s.caller,
      event,
      context,
      correlationId: s.correlationId,
      audit: (target: string, result?: string) => {
        s.auditTarget = target;
        if (result !== undefined) s.auditResult = result;
      },
    };
    const out = await (impl as (i: typeof input) => Promise<unknown>)(input);
    const status = isReply(out) ? out.status : (contract.successStatus ?? 200);
    const body = isReply(out) ? out.body : out;
    const headers = isReply(out) ? out.headers : {};
    if (contract.contentType) {
      return {
        statusCode: status,
        headers: { 'content-type': contract.contentType, ...headers },
        body: String(body),
      };
    }
    if (status === 204) return { statusCode: 204, headers };
    if (shouldValidateResponses() && status < 300) {
      const checked = contract.response.safeParse(body);
      if (!checked.success) {
        throw new Error(
          `response of ${contract.operationId} does not match its schema: ${checked.error.message}`,
        );
      }
    }
    return jsonResponse(status, body, headers);
  };

  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
    timeoutEarlyInMillis: 0,
  })
    .use(errorHandler())
    .use(requestLogging(contract.operationId))
    .use(httpHeaderNormalizer())
    .use(jsonBodyParser(contract.body !== undefined))
    .use(callerAndRole(contract))
    .use(validation(contract))
    .use(auditTrail(contract))
    .handler(idempotency ? idempotentRun(contract, run, idempotency) : run) as unknown as ActionHandler;
  // After the whole stack, error handler included, so that every line of this request carries its
  // keys and nothing after it does.
  const served: ActionHandler = async (event, context) => {
    try {
      return await handler(event, context);
    } finally {
      stateOf(event).leaveLogContext?.();
    }
  };
  return Object.assign(served, { contract: contract as RouteContract });
}

/** One Lambda function serving several routes of one path: each request runs its method's handler. */
export type MultiRouteHandler = ActionHandler & { readonly contracts: readonly RouteContract[] };

export function serveByMethod(...handlers: RouteHandler[]): MultiRouteHandler {
  const first = handlers[0];
  if (!first) throw new Error('serveByMethod needs a handler');
  const serve: ActionHandler = (event, context) => {
    const method = event.requestContext?.http?.method?.toUpperCase();
    const chosen = handlers.find((h) => h.contract.method === method) ?? first;
    return chosen(event, context);
  };
  return Object.assign(serve, { contracts: handlers.map((h) => h.contract) });
}

/** Writes the audit entry of a successful mutating call; refused calls change nothing, not even this. */
function auditTrail(contract: RouteContract) {
  return {
    after: async (request: HttpRequest) => {
      if (!isAudited(contract)) return;
      const response = request.response;
      if (!response || (response.statusCode ?? 200) >= 400) return;
      const s = stateOf(request.event);
      const who = s.caller ?? { userId: 'anonymous', email: '' };
      await auditRepository.append({
        id: crypto.randomUUID(),
        time: new Date().toISOString(),
        user_id: who.userId,
        user_email: who.email,
        operation: contract.operationId,
        method: contract.method,
        path: request.event.rawPath,
        target: s.auditTarget ?? request.event.rawPath,
        result: s.auditResult ?? 'success',
        status: response.statusCode ?? 200,
        correlation_id: s.correlationId,
      });
    },
  };
}

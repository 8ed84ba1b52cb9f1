import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '../zod';
import { type AnyObjectSchema, isAudited, type RouteContract } from './contract';
import type { Caller } from '../auth/caller';
import { AUDIT_MAX_IDS, auditRepository } from '../audit/audit-store';
import { inLogScope, logger } from '../logger';
import { internalErrorBody } from './errors';
import {
  callerAndRole,
  errorHandler,
  jsonBodyParser,
  jsonResponse,
  requestLogging,
  shouldValidateResponses,
  stateOf,
  validation,
} from './middlewares';
import { isReply, type Reply } from './reply';
import { idempotentRun, type RunOnce } from './idempotency';
import { cursorBinding, type CursorSealer, takesCursor } from './list-cursors';

/** What an audit entry may say beyond its target and result. */
export interface AuditDetails {
  /** The ids of the items a bulk change touched (a bulk delete: the ids it removed). */
  ids?: readonly string[];
}

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

export interface ActionInput<P, Q, B, C> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated caller; public routes may get `undefined`. */
  caller: C;
  event: APIGatewayProxyEventV2;
  context: Context;
  /**
   * Names the audit entry's target (and result, and the ids a bulk change touched) when the path
   * alone does not say it. On a route not audited by default (a read), calling it makes the call
   * audited.
   */
  audit: (target: string, result?: string, details?: AuditDetails) => void;
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
 * The machinery some routes need and the others must not carry, handed in by the route's entry file
 * so that it is only in the functions of those routes.
 */
export interface ActionMachinery {
  /** For a route marked `idempotent`, and only it: `runOnce` of `idempotency-runner.ts`. */
  runOnce?: RunOnce;
  /** For a list (a route whose query takes `cursor`), and only it: `cursorSealer` of `cursor-sealer.ts`. */
  cursors?: CursorSealer;
}

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
  machinery: ActionMachinery = {},
): RouteHandler {
  const { runOnce, cursors: sealer } = machinery;
  if (Boolean(contract.idempotent) !== (runOnce !== undefined)) {
    throw new Error(`${contract.operationId}: an idempotent route's handler is given runOnce, and only it`);
  }
  const list = takesCursor(contract);
  if (list && !contract.access.cursorKey) {
    throw new Error(`${contract.operationId} takes a cursor: its access must declare cursorKey`);
  }
  if (list !== (sealer !== undefined)) {
    throw new Error(`${contract.operationId}: a list route's handler is given cursorSealer, and only it`);
  }
  const run = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const s = stateOf(event);
    const cursors = sealer ? { sealer, binding: cursorBinding(contract, s) } : undefined;
    const input = {
      params: s.params,
      query: cursors ? await cursors.sealer.opened(s.query, cursors.binding) : s.query,
      body: s.body,
      caller: s.caller,
      event,
      context,
      correlationId: s.correlationId,
      audit: (target: string, result?: string, details?: AuditDetails) => {
        s.audit = {
          target,
          ...(result !== undefined ? { result } : {}),
          ...(details?.ids !== undefined ? { ids: details.ids } : {}),
        };
      },
    };
    const out = await (impl as (i: typeof input) => Promise<unknown>)(input);
    const status = isReply(out) ? out.status : (contract.successStatus ?? 200);
    const answer = isReply(out) ? out.body : out;
    const body = cursors && status < 300 ? await cursors.sealer.sealed(answer, cursors.binding) : answer;
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
    .handler(runOnce ? idempotentRun(contract, run, runOnce) : run) as unknown as ActionHandler;
  // Each request logs in a scope of its own: its lines carry its keys, and no line of other work
  // (another request, a background run) does. The audit is settled after the whole stack, error
  // handler included, when the status the client gets is known.
  const served: ActionHandler = (event, context) =>
    inLogScope({}, async () => settleAudit(contract, event, await handler(event, context)));
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

/**
 * The audit of a call, settled once the client's status is known. A call served inside another
 * (the v1 gateway's v2 calls) writes nothing itself: a change it made becomes the outer call's
 * entry. The outermost call writes one entry when the client got a success; a refused call changes
 * nothing in the table, not even the audit, and leaves an audit record in the log stream instead.
 */
async function settleAudit(
  contract: RouteContract,
  event: APIGatewayProxyEventV2,
  response: APIGatewayProxyStructuredResultV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const s = stateOf(event);
  const status = response.statusCode ?? 200;
  if (!isAudited(contract) && s.audit === undefined) return response;
  const note = s.audit?.target ? s.audit : { ...s.audit, target: event.rawPath };
  if (s.outer) {
    if (status < 400) s.outer.audit = { ...note, operation: contract.operationId };
    return response;
  }
  const who = s.caller ?? { userId: 'anonymous', email: '' };
  const operation = note.operation ?? contract.operationId;
  if (status >= 400) {
    logger.info('audit record', {
      audit: {
        result: status >= 500 ? 'failed' : 'refused',
        status,
        user_id: who.userId,
        operation,
        method: contract.method,
        path: event.rawPath,
        target: note.target,
        correlation_id: s.correlationId,
      },
    });
    return response;
  }
  const ids = note.ids ?? [];
  try {
    await auditRepository.append({
      id: crypto.randomUUID(),
      time: new Date().toISOString(),
      user_id: who.userId,
      user_email: who.email,
      operation,
      method: contract.method,
      path: event.rawPath,
      target: note.target,
      result: note.result ?? 'success',
      status,
      correlation_id: s.correlationId,
      ...(note.ids !== undefined ? { ids: ids.slice(0, AUDIT_MAX_IDS) } : {}),
      ...(ids.length > AUDIT_MAX_IDS ? { ids_omitted: ids.length - AUDIT_MAX_IDS } : {}),
    });
  } catch (err) {
    // The change is made but cannot be accounted for: the client must not take it for a clean success.
    logger.error('audit entry not written', err as Error);
    return jsonResponse(500, internalErrorBody, { 'x-correlation-id': s.correlationId });
  }
  return response;
}

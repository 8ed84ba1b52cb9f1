import type { Caller } from '../auth/caller';
import type { CursorBinding } from '../storage/pagination';
import type { RouteContract } from './contract';

/**
 * Every list route's cursors, at the edge: a list's own cursor (the position its store or use-case
 * writes and reads back) goes out sealed and comes back in opened, so that what reaches the list is
 * a cursor it issued itself, for this caller and these parameters. A list is any route whose query
 * takes `cursor`; a new one is covered without being named here.
 */
export function takesCursor(contract: RouteContract): boolean {
  return contract.query !== undefined && 'cursor' in contract.query.shape;
}

/** What this request's cursors are bound to: the route, the caller, and what shaped the list. */
export function cursorBinding(
  contract: RouteContract,
  request: { params?: unknown; query?: unknown; caller?: Caller | undefined },
): CursorBinding {
  const { cursor: _cursor, limit: _limit, ...filters } = (request.query ?? {}) as Record<string, unknown>;
  return {
    list: contract.operationId,
    caller: request.caller?.userId ?? '',
    parameters: { params: request.params ?? {}, query: filters },
  };
}

/**
 * Seals a list's cursors and opens them again (`cursorSealer` of `cursor-sealer.ts`). It needs the
 * cursor key, which in AWS is read from Secrets Manager: the entry file of a list route hands it to
 * `defineAction`, so that only the functions of lists carry that client.
 */
export interface CursorSealer {
  /** The query with the client's cursor replaced by the list's own (Invalid cursor, 422, when it is not one). */
  opened(query: unknown, binding: CursorBinding): Promise<unknown>;
  /** A list's answer with its `next_cursor` sealed for the client. */
  sealed(body: unknown, binding: CursorBinding): Promise<unknown>;
}

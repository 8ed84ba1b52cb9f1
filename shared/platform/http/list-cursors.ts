import type { Caller } from '../auth/caller';
import { loadCursorKey } from '../secrets/cursor-key';
import { type CursorBinding, openCursor, sealCursor } from '../storage/pagination';
import type { RouteContract } from './contract';

/**
 * Every list route's cursors, at the edge: a list's own cursor (the position its store or use-case
 * writes and reads back) goes out sealed by `sealCursor` and comes back in through `openCursor`, so
 * that what reaches the list is a cursor it issued itself, for this caller and these parameters.
 * A list is any route whose query takes `cursor`; a new one is covered without being named here.
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

/** The query with the client's cursor replaced by the list's own (Invalid cursor, 422, when it is not one). */
export async function openedQuery(query: unknown, binding: CursorBinding): Promise<unknown> {
  const q = query as { cursor?: unknown } | undefined;
  if (typeof q?.cursor !== 'string') return query;
  return { ...q, cursor: openCursor(q.cursor, binding, await loadCursorKey()) };
}

/** A list's answer with its `next_cursor` sealed for the client. */
export async function sealedAnswer(body: unknown, binding: CursorBinding): Promise<unknown> {
  const page = body as { next_cursor?: unknown } | null;
  if (typeof page?.next_cursor !== 'string') return body;
  return { ...page, next_cursor: sealCursor(page.next_cursor, binding, await loadCursorKey()) };
}

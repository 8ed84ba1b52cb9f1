import { loadCursorKey } from '../secrets/cursor-key';
import { openCursor, sealCursor } from '../storage/pagination';
import type { CursorSealer } from './list-cursors';

/** The cursors of a list route, sealed with the cursor key (handed to `defineAction` by list routes). */
export const cursorSealer: CursorSealer = {
  async opened(query, binding) {
    const q = query as { cursor?: unknown } | undefined;
    if (typeof q?.cursor !== 'string') return query;
    return { ...q, cursor: openCursor(q.cursor, binding, await loadCursorKey()) };
  },
  async sealed(body, binding) {
    const page = body as { next_cursor?: unknown } | null;
    if (typeof page?.next_cursor !== 'string') return body;
    return { ...page, next_cursor: sealCursor(page.next_cursor, binding, await loadCursorKey()) };
  },
};

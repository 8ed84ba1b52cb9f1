import { listExchangesRoute, listExchanges } from '../../../shared/exchanges';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listExchangesRoute,
  async ({ query }) => {
    const { limit, cursor, ...search } = query;
    return listExchanges(search, { limit, ...(cursor ? { cursor } : {}) });
  },
  { cursors: cursorSealer },
);

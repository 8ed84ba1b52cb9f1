import { listNetworksRoute, listNetworks } from '../../../shared/exchanges';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listNetworksRoute,
  async ({ query }) => {
    const { limit, cursor, ...search } = query;
    return listNetworks(search, { limit, ...(cursor ? { cursor } : {}) });
  },
  { cursors: cursorSealer },
);

import { listNetworksRoute } from '../../../shared/api/routes/networks';
import { listNetworks } from '../../../shared/domain/networks/networks';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(listNetworksRoute, async ({ query }) => {
  const { limit, cursor, ...search } = query;
  return listNetworks(search, { limit, ...(cursor ? { cursor } : {}) });
});

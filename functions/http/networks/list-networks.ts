import { listNetworksRoute } from '../../../shared/exchanges/networks-routes';
import { listNetworks } from '../../../shared/exchanges/networks';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listNetworksRoute, async ({ query }) => {
  const { limit, cursor, ...search } = query;
  return listNetworks(search, { limit, ...(cursor ? { cursor } : {}) });
});

import { listExchangesRoute } from '../../../shared/api/routes/exchanges';
import { listExchanges } from '../../../shared/domain/exchanges/exchanges';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(listExchangesRoute, async ({ query }) => {
  const { limit, cursor, ...search } = query;
  return listExchanges(search, { limit, ...(cursor ? { cursor } : {}) });
});

import { getExchangeRoute } from '../../../shared/exchanges/exchanges-routes';
import { getExchangeDetail } from '../../../shared/exchanges/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getExchangeRoute, async ({ params }) =>
  getExchangeDetail(params.public_id),
);

import { getExchangeRoute } from '../../../shared/api/routes/exchanges';
import { getExchangeDetail } from '../../../shared/domain/exchanges/exchanges';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(getExchangeRoute, async ({ params }) =>
  getExchangeDetail(params.public_id),
);

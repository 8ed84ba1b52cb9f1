import { getExchangeRoute, getExchangeDetail } from '../../../shared/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getExchangeRoute, async ({ params }) =>
  getExchangeDetail(params.public_id),
);

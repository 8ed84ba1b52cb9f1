import { getNetworkRoute } from '../../../shared/exchanges/networks-routes';
import { getNetworkDetail } from '../../../shared/exchanges/networks';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getNetworkRoute, async ({ params }) =>
  getNetworkDetail(params.participant_id),
);

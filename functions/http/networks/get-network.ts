import { getNetworkRoute, getNetworkDetail } from '../../../shared/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getNetworkRoute, async ({ params }) =>
  getNetworkDetail(params.participant_id),
);

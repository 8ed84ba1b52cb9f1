import { getNetworkRoute } from '../../../shared/api/routes/networks';
import { getNetworkDetail } from '../../../shared/domain/networks/networks';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(getNetworkRoute, async ({ params }) =>
  getNetworkDetail(params.participant_id),
);

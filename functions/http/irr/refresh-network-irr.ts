import { refreshIrr, refreshIrrRoute } from '../../../shared/irr';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(refreshIrrRoute, async ({ params, audit }) => {
  const result = await refreshIrr(params.participant_id);
  audit(`networks/${params.participant_id}/irr`, `refreshed: ${result.status}`);
  return result;
});

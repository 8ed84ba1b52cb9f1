import { resetPeerStatusRoute } from '../../../shared/peers/routes';
import { resetPeerStatus } from '../../../shared/peers/peers';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(resetPeerStatusRoute, async ({ params, caller, audit }) => {
  audit(`exchanges/${params.public_id}/peers/${params.participant_id}`, 'request status reset');
  return resetPeerStatus(params.public_id, params.participant_id, caller.email);
});

import { resetPeerStatusRoute, resetPeerStatus } from '../../../shared/peers';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(resetPeerStatusRoute, async ({ params, caller, audit }) => {
  audit(`exchanges/${params.public_id}/peers/${params.participant_id}`, 'request status reset');
  return resetPeerStatus(params.public_id, params.participant_id, caller.email);
});

import { updatePeerRoute, updatePeer } from '../../../shared/peers';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(updatePeerRoute, async ({ params, body, caller, audit }) => {
  audit(`exchanges/${params.public_id}/peers/${params.participant_id}`);
  return updatePeer(params.public_id, params.participant_id, body, caller.email);
});

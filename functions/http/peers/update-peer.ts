import { updatePeerRoute } from '../../../shared/api/routes/peers';
import { updatePeer } from '../../../shared/domain/peers/peers';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(updatePeerRoute, async ({ params, body, caller, audit }) => {
  audit(`exchanges/${params.public_id}/peers/${params.participant_id}`);
  return updatePeer(params.public_id, params.participant_id, body, caller.email);
});

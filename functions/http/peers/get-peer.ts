import { getPeerRoute } from '../../../shared/api/routes/peers';
import { getPeer } from '../../../shared/domain/peers/peers';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(getPeerRoute, async ({ params }) =>
  getPeer(params.public_id, params.participant_id),
);

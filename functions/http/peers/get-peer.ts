import { getPeerRoute, getPeer } from '../../../shared/peers';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getPeerRoute, async ({ params, query }) =>
  getPeer(params.public_id, params.participant_id, query),
);

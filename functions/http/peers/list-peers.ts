import { listPeersRoute } from '../../../shared/api/routes/peers';
import { listPeers } from '../../../shared/domain/peers/peers';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(listPeersRoute, async ({ params, query }) =>
  listPeers(params.public_id, query),
);

import { listPeersRoute, listPeers } from '../../../shared/peers';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listPeersRoute,
  async ({ params, query }) => listPeers(params.public_id, query),
  { cursors: cursorSealer },
);

import { listCommunicationsRoute, listCommunications } from '../../../shared/peers';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listCommunicationsRoute,
  async ({ params, query }) => listCommunications(params.public_id, query),
  { cursors: cursorSealer },
);

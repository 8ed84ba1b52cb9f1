import { listDeliveries, listDeliveriesRoute } from '../../../shared/webhooks';
import { defineAction } from '../../../shared/platform/http/define-action';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';

export const handler = defineAction(
  listDeliveriesRoute,
  async ({ params, query }) => listDeliveries(params.id, query.limit, query.cursor),
  { cursors: cursorSealer },
);

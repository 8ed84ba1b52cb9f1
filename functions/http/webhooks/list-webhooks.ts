import { listWebhooks, listWebhooksRoute } from '../../../shared/webhooks';
import { defineAction } from '../../../shared/platform/http/define-action';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';

export const handler = defineAction(
  listWebhooksRoute,
  async ({ query }) => listWebhooks(query.limit, query.cursor),
  { cursors: cursorSealer },
);

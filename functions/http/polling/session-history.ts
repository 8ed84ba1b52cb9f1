import { sessionHistory, sessionHistoryRoute } from '../../../shared/polling';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  sessionHistoryRoute,
  async ({ params, query }) => sessionHistory(params.id, query.limit, query.cursor),
  { cursors: cursorSealer },
);

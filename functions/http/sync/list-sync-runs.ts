import { listSyncRunsRoute } from '../../../shared/peeringdb/routes';
import { defineAction } from '../../../shared/platform/http/define-action';
import { syncRunsRepository } from '../../../shared/peeringdb/sync-runs-store';

export const handler = defineAction(listSyncRunsRoute, async ({ query }) =>
  syncRunsRepository.list(query.limit, query.cursor),
);

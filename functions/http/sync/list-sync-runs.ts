import { listSyncRunsRoute } from '../../../shared/api/routes/sync';
import { defineAction } from '../../../shared/http/define-action';
import { syncRunsRepository } from '../../../shared/storage/sync-runs-repository';

export const handler = defineAction(listSyncRunsRoute, async ({ query }) =>
  syncRunsRepository.list(query.limit, query.cursor),
);

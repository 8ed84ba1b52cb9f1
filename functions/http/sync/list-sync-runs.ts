import { listSyncRunsRoute, syncRunsRepository } from '../../../shared/peeringdb';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listSyncRunsRoute, async ({ query }) =>
  syncRunsRepository.list(query.limit, query.cursor),
);

import { startSyncRoute } from '../../../shared/api/routes/sync';
import { startSync } from '../../../shared/domain/sync/start-sync';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(startSyncRoute, async ({ query, caller, audit }) => {
  const { id } = await startSync(query.mode, caller);
  audit(`sync/runs/${id}`, 'started');
  return { id, mode: query.mode, status: 'started' as const };
});
